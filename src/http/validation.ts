import type { z } from 'zod';

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
    errors[field] = issue.message.startsWith('validation.') ? issue.message : missing ? 'validation.required' : 'validation.invalid';
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
