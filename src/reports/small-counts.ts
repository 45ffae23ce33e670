import { can } from '../auth/permissions.js';
import type { Cell, ReportChart, ReportTable } from './tables.js';

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

const hidden = (cell: Cell): Cell => {
  // No link either: the list behind the number would count it again.
  if (cell.kind === 'count' && typeof cell.value === 'number' && isSmallCount(cell.value)) return { value: SMALL_COUNT_TEXT, kind: 'count' };
  // A ratio that names its base is not given over a small one (ratioShown below): it reads "—".
  if (cell.base !== undefined && isSmallCount(cell.base)) return { value: null, kind: cell.kind };
  return cell;
};

/**
 * A share of `part` in `whole`, as a cell whose `base` hides it where it would give a small count away: over
 * one or two youths ("100 %" of one), and also where the part or what is left of the whole is one or two
 * ("10 %" of the ten shown beside it is one youth, "90 %" the one who is not).
 */
export function shareCell(part: number, whole: number): Cell {
  const base = [whole, part, whole - part].find(isSmallCount) ?? whole;
  return { value: whole ? part / whole : null, kind: 'pct', base };
}

/** A count as a page that writes its numbers itself shows it (the groups behind a figure). */
export const countShown = (hide: boolean) => (n: number): string => (hide && isSmallCount(n) ? SMALL_COUNT_TEXT : String(n));

/**
 * A ratio over a small count tells as much as the count ("100 %" of one youth is that youth's situation):
 * for a reader who does not see small counts, it is not shown either.
 */
export const ratioShown = (hide: boolean) => (ratio: number | null, base: number): number | null => (hide && isSmallCount(base) ? null : ratio);

/**
 * The tables whose rows split one whole: their total tells nothing the summary table does not (the groups,
 * the youths who left), and when one group's whole breakdown reads "< 3" it is the one figure left.
 */
// The fewer-opportunities breakdown is not one: a youth may face several barriers.
const SPLIT_TABLES: ReadonlySet<ReportTable['key']> = new Set(['phases', 'withdrawals', 'withdrawal-phases', 'by-gender', 'by-age', 'by-qpv', 'by-rural']);

/** A chart whose small counts, and shares that would tell one, draw no bar (the series charts read `bases` themselves). */
function hiddenChart(chart: ReportChart): ReportChart {
  if (chart.kind !== 'bars' && chart.kind !== 'pairs') return { ...chart, hidesSmallCounts: true };
  const bars = chart.bars.map((b) => (b.base !== undefined && isSmallCount(b.base) ? { ...b, value: null } : b));
  return { ...chart, bars, hidesSmallCounts: true };
}

/** What an anonymised report says where it hid counts: above each such table, why, and the word for a total. */
export interface HiddenCountsWords {
  note: string;
  total: string;
}

/** A total line under a split table, each column's sum shown by the same rule as any count. */
function totalRow(table: ReportTable, word: string): Cell[] {
  return table.headers.map((_, i): Cell => {
    if (i === 0) return { value: word, kind: 'text' };
    const cells = table.rows.map((r) => r[i]);
    if (!cells.every((c) => c?.kind === 'count' && typeof c.value === 'number')) return { value: null, kind: 'text' };
    return hidden({ value: cells.reduce((sum, c) => sum + (c!.value as number), 0), kind: 'count' });
  });
}

/**
 * The tables with their small counts hidden, or as they are for a reader who may read names. Given the
 * words (the anonymised PDF), a table where a count was hidden says so and why above it, and a split table
 * gets its total.
 */
export function reportTablesFor(tables: ReportTable[], hide: boolean, words?: HiddenCountsWords): ReportTable[] {
  if (!hide) return tables;
  return tables.map((table) => {
    const rows = table.rows.map((row) => row.map(hidden));
    const hidSome = rows.some((row) => row.some((c) => c.value === SMALL_COUNT_TEXT));
    const withTotal = words && SPLIT_TABLES.has(table.key) && table.rows.length > 1 ? [...rows, totalRow(table, words.total)] : rows;
    return {
      ...table,
      // The sentence repeats the numbers in words.
      description: words && hidSome ? words.note : '',
      rows: withTotal,
      chart: table.chart && hiddenChart(table.chart),
    };
  });
}
