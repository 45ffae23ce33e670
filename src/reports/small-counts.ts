import { can } from '../auth/permissions.js';
import type { Cell, ReportTable } from './tables.js';

/**
 * Counts of 1 or 2 can point at one person ("Grossesse : 1" in a group of ten). Whoever may not read the
 * names behind a figure reads them as "< 3" — on the page, in the CSV and in the PDF alike: the three take
 * their tables from `reportTablesFor`, so no format can tell more than another.
 */
export const SMALL_COUNT_TEXT = '< 3';

export const isSmallCount = (v: number): boolean => v > 0 && v < 3;

/** The one decision: those who may not read youths' names (the admin), and anyone who asks for the anonymised version. */
export function hidesSmallCounts(user: Express.User, query: Record<string, unknown>): boolean {
  return query.anonymised === '1' || !can(user, 'readReportYouths');
}

const hidden = (cell: Cell): Cell =>
  // No link either: the list behind the number would count it again.
  cell.kind === 'count' && typeof cell.value === 'number' && isSmallCount(cell.value) ? { value: SMALL_COUNT_TEXT, kind: 'count' } : cell;

/** A count as a page that writes its numbers itself shows it (the groups behind a figure). */
export const countShown = (hide: boolean) => (n: number): string => (hide && isSmallCount(n) ? SMALL_COUNT_TEXT : String(n));

/**
 * A ratio over a small count tells as much as the count ("100 %" of one youth is that youth's situation):
 * for a reader who does not see small counts, it is not shown either.
 */
export const ratioShown = (hide: boolean) => (ratio: number | null, base: number): number | null => (hide && isSmallCount(base) ? null : ratio);

/** The tables with their small counts hidden, or as they are for a reader who may read names. */
export function reportTablesFor(tables: ReportTable[], hide: boolean): ReportTable[] {
  if (!hide) return tables;
  return tables.map((table) => ({
    ...table,
    // The sentence repeats the numbers in words.
    description: '',
    rows: table.rows.map((row) => row.map(hidden)),
    chart: table.chart && { ...table.chart, hidesSmallCounts: true },
  }));
}
