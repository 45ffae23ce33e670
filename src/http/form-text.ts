import type { RequestHandler } from 'express';

/**
 * Characters nobody types on purpose and that do harm once stored: C0 controls (NUL makes PostgreSQL refuse
 * the whole row, "invalid byte sequence"), DEL and C1 controls, and the bidirectional embeddings, overrides
 * and isolates (U+202A–U+202E, U+2066–U+2069) that reverse the text after them on every page a name
 * appears ("\u202Egpj.exe" shows as "exe.jpg"). Tab, line feed and carriage return stay: notes have lines.
 * Arabic and Hebrew need none of these to display right; emoji keep their joiners (U+200D) and variation
 * selectors, which are not in the list.
 */
const UNWANTED = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Removed rather than refused: they are invisible, so an error message could not tell the person what to
 * change, and what they did type (a name, a note) is kept whole.
 */
export function withoutInvisibleControls(value: string): string {
  return value.replace(UNWANTED, '');
}

/** Cleans every text field of a parsed form in place (strings, and strings in arrays of repeated fields). */
export function cleanFormFields(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const record = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string') record[key] = withoutInvisibleControls(value);
    else if (Array.isArray(value)) record[key] = value.map((v) => (typeof v === 'string' ? withoutInvisibleControls(v) : v));
  }
}

/** After the urlencoded body parser; multipart fields are cleaned where multer parses them (http/uploads.ts). */
export const cleanSubmittedText: RequestHandler = (req, _res, next) => {
  cleanFormFields(req.body);
  next();
};
