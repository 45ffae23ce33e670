import { z } from 'zod';

export type FormErrors = Record<string, string>;
export type FormResult<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

/**
 * Validates a submitted form against its schema. Messages are i18n keys so the view shows them in the
 * reader's language; the first problem of each field is enough to act on.
 */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const errors: FormErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length ? issue.path.join('.') : '_form';
    if (errors[field]) continue;
    // A field the browser did not send at all is a field left empty, as far as the user can tell.
    const missing = issue.code === 'invalid_type' && valueAt(body, issue.path) === undefined;
    // A concept's own message key (`participants.errors.phone`) is kept; zod's English sentences are not.
    const isKey = /^[a-z]\w*(\.\w+)+$/.test(issue.message);
    errors[field] = isKey ? issue.message : missing ? 'validation.required' : 'validation.invalid';
  }
  return { ok: false, errors };
}

function valueAt(body: unknown, path: PropertyKey[]): unknown {
  let v: unknown = body;
  for (const key of path) {
    if (!v || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

/** Keeps what the user typed for re-display, minus secrets and the CSRF token. */
export function keptInput(body: unknown): Record<string, string> {
  const kept: Record<string, string> = {};
  if (!body || typeof body !== 'object') return kept;
  for (const [k, v] of Object.entries(body)) {
    if (k === '_csrf' || /password/i.test(k)) continue;
    if (typeof v === 'string') kept[k] = v;
  }
  return kept;
}

/** A list of checkboxes as the browser sends it: absent, one value, or several; always a list. */
export const checkboxList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

/** The records ticked in a list of checkboxes, by id, each once. */
export const idList = checkboxList
  .refine((list) => list.every((x) => /^\d{1,12}$/.test(x)), { message: 'validation.invalid' })
  .transform((list) => [...new Set(list.map(Number))]);

/** What a list of checkboxes sent, to tick the same boxes on the form shown again (`keptInput` keeps single values). */
export function keptList(body: unknown, name: string): string[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

/** True for a date that exists on the calendar: 2026-02-30 does not. */
export function isRealDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && y >= 1900 && y <= 2200;
}

/** A calendar day typed in a form (`<input type="date">` sends YYYY-MM-DD). */
export const calendarDate = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'validation.dateFormat' })
  .refine(isRealDate, { message: 'validation.dateImpossible' });

/** An optional text field: empty means "not given" and is stored as null. */
export const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max, { message: 'validation.tooLong' })
    .optional()
    .transform((v) => (v ? v : null));
