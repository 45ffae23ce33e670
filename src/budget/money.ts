import { z } from 'zod';

/** The most a single amount may be (ten million euros), in cents: past that it is a typing slip. */
const MAX_CENTS = 1_000_000_000;

/**
 * An amount in euros as people type it, to integer cents: "1 234,50", "1234.5", "1 234 €", "12,00". French
 * writes thousands with a space (a no-break or narrow one when pasted) and decimals with a comma; English
 * with a comma for thousands and a dot for decimals — so commas are read as thousands only in the
 * "1,234.50" form (a dot after them); "1,234" alone is refused rather than guessed.
 */
export function parseEuros(typed: string): number | null {
  let s = typed.replace(/[\s\u00a0\u202f€]/g, '');
  if (!s) return null;
  if (/^\d{1,3}(,\d{3})+\.\d{1,2}$/.test(s)) s = s.replace(/,/g, '');
  const m = /^(\d{1,8})(?:[.,](\d{1,2}))?$/.exec(s);
  if (!m) return null;
  const cents = Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0') || '0');
  return cents <= MAX_CENTS ? cents : null;
}

/** A required amount field: euros typed, cents out; the messages are keys of the budget concept. */
export const euroAmount = z
  .string({ message: 'validation.required' })
  .trim()
  .min(1, { message: 'validation.required' })
  .transform((v, ctx) => {
    const cents = parseEuros(v);
    if (cents === null) ctx.addIssue({ code: 'custom', message: 'budget.errors.amount' });
    return cents ?? 0;
  });

/** An amount field that may be left empty (a budget line not planned yet): null. */
export const optionalEuroAmount = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (!v) return null;
    const cents = parseEuros(v);
    if (cents === null) ctx.addIssue({ code: 'custom', message: 'budget.errors.amount' });
    return cents;
  });

const formats = new Map<string, Intl.NumberFormat>();

/** Cents as the reader's language writes euros: "1 234,50 €", "€1,234.50". Plain spaces, as the reports write. */
export function formatEuros(cents: number | null, lang: string): string {
  if (cents === null) return '—';
  let f = formats.get(lang);
  if (!f) {
    f = new Intl.NumberFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { style: 'currency', currency: 'EUR' });
    formats.set(lang, f);
  }
  return f.format(cents / 100).replace(/[\u202f\u00a0]/g, ' ');
}

/** Cents as a form field shows them again: "1234,50" in French, "1234.50" in English. */
export function eurosInField(cents: number | null, lang: string): string {
  if (cents === null) return '';
  const s = (cents / 100).toFixed(2);
  return lang === 'fr' ? s.replace('.', ',') : s;
}
