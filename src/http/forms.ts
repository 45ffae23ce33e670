import type { Request } from 'express';
import type { z } from 'zod';
import { cleanFormFields } from './form-text.js';
import { isRefusal, Refusal } from './refusal.js';
import { keptInput, parseForm, type FormErrors } from './validation.js';

/** What a form page needs to show itself again after a refused post: the status, the messages, the input. */
export interface FormAgain {
  status: number;
  errors: FormErrors;
  values: Record<string, string>;
  refusal?: Refusal;
}

/**
 * The one way a form is posted: validate with the form's schema, run the operation, and on a problem
 * (invalid input, or a Refusal from the model) show the page again with the message on its field and
 * everything typed kept. Anything else thrown is a real error and goes to the error page.
 */
export async function submitForm<S extends z.ZodType, R>(
  req: Request,
  schema: S,
  run: (data: z.infer<S>) => Promise<R>,
  again: (page: FormAgain) => unknown,
): Promise<{ ok: true; result: R; data: z.infer<S> } | { ok: false }> {
  const form = parseForm(schema, req.body);
  if (!form.ok) {
    await again({ status: 422, errors: form.errors, values: keptInput(req.body) });
    return { ok: false };
  }
  try {
    return { ok: true, result: await run(form.data), data: form.data };
  } catch (err) {
    if (!isRefusal(err)) throw err;
    await again({ status: err.status, errors: { [err.field]: err.messageKey }, values: keptInput(req.body), refusal: err });
    return { ok: false };
  }
}

/**
 * A form's fields that came another way than a form post (a resumable upload's metadata), read by the form's
 * own schema: cleaned as a posted form is, and the first problem thrown as a Refusal on its field.
 */
export function parseFields<S extends z.ZodType>(schema: S, fields: Record<string, string | undefined>): z.infer<S> {
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
  cleanFormFields(clean);
  const form = parseForm(schema, clean);
  if (form.ok) return form.data;
  const [field, messageKey] = Object.entries(form.errors)[0]!;
  throw new Refusal(field, messageKey);
}
