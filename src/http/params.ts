import { notFound } from './errors.js';

/** An id in a URL that is not a positive integer names nothing: 404, like any record out of reach. */
export function parseId(value: string | string[] | undefined): number {
  const id = Number(value);
  if (typeof value !== 'string' || !/^\d{1,15}$/.test(value) || !Number.isSafeInteger(id) || id <= 0) throw notFound();
  return id;
}
