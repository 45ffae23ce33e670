import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { AGE_BANDS, ageBandSql, BARRIERS, barrierField, GENDERS } from '../participants/funder-facts.js';
import type { FigureQuery } from './figures.js';
import { ENGAGED, REACHED_AT_FOLLOW_UP, youthCondition, youthsIn, type YouthFigure } from './who-counts.js';

/**
 * The figures funders read (enrolled, departed, withdrawn, reached at a follow-up, engaged), split by what
 * they count about the youths: gender, age band at departure, fewer opportunities, priority neighbourhood
 * and rural area. One query for all of them: each youth is first reduced to one row (their answers and a
 * yes/no flag per figure, as the dashboard's own figures decide them), then the rows are added up per
 * combination of answers, a few dozen rows that are summed here per dimension. A youth counts once, in
 * the band of their first departure in the figures' scope (a peer leader who left twice is one person).
 */
export const BREAKDOWN_FIGURES = ['enrolled', 'departed', 'withdrawn', 'reached', 'engaged'] as const;
export type BreakdownFigure = (typeof BREAKDOWN_FIGURES)[number];
export type BreakdownCounts = Record<BreakdownFigure, number>;

export const UNKNOWN = 'unknown';
/** Each dimension's categories, in their order; "unknown" last where an answer may be missing. */
export const BREAKDOWN_CATEGORIES = {
  gender: [...GENDERS, UNKNOWN],
  age: [...AGE_BANDS, UNKNOWN],
  // Not a split: a youth may face several barriers. "any" and "none" split the whole.
  opportunities: ['any', 'none', ...BARRIERS],
  qpv: ['yes', 'no', UNKNOWN],
  rural: ['yes', 'no', UNKNOWN],
} as const;
export type BreakdownDimension = keyof typeof BREAKDOWN_CATEGORIES;
export const BREAKDOWN_DIMENSIONS = Object.keys(BREAKDOWN_CATEGORIES) as BreakdownDimension[];

export interface Breakdown {
  dimension: BreakdownDimension;
  rows: { category: string; counts: BreakdownCounts }[];
}

const BARRIER_COLUMNS = BARRIERS.map((b) => `y.${barrierField(b)}`);
const ANSWER_COLUMNS = ['y.gender', 'y.lives_in_qpv', 'y.lives_in_rural_area', ...BARRIER_COLUMNS];
const bare = (column: string) => column.slice(column.indexOf('.') + 1);

/** The youth figures of the dashboard's funnel, withdrawals and missing list, each a flag per youth (`who-counts.ts`). */
const COUNTED = {
  prepared: 'prepared', departed: 'departed', returned: 'returned', presented: 'presented',
  withdrawn: 'withdrawn', inTouch: 'inTouch', overdue: 'overdue', missingAfter: 'missingAfter',
} as const satisfies Record<string, YouthFigure['figure']>;
type Counted = keyof typeof COUNTED;
export type YouthCounts = Record<'enrolled' | Counted, number>;
const COUNTED_KEYS = Object.keys(COUNTED) as Counted[];
/** The flags' columns: the figure's name in snake case, as both databases return it. */
const column = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The dashboard's youth figures (the funnel enrolled → prepared → departed → returned → presented, the
 * withdrawn and still in touch, those with something missing) and the funders' breakdowns, in one pass:
 * the breakdowns' rows, each youth a yes/no flag per figure, added up over every combination of answers
 * give the counts. A youth counts once in a figure when one of their enrolments does: as
 * `count(distinct youth)` where its condition holds, without the sort of a distinct count per column,
 * nor a second pass over the enrolments and their summaries (on SQLite, a third of the dashboard's time on
 * ten years of data).
 */
export async function youthFigures({ db, scope, filters, today }: FigureQuery): Promise<{ counts: YouthCounts; breakdowns: Breakdown[] }> {
  const flag = (name: string, c: { sql: string; bindings: readonly (string | number)[] }) =>
    db.raw(`max(case when ${c.sql} then 1 else 0 end) as ${name}`, c.bindings);
  const flags = [...COUNTED_KEYS.map((k) => column(k)), 'reached', 'engaged'];
  const perYouth = youthsIn(db, scope, filters, today)
    .join({ y: 'youths' }, 'y.id', 'e.youth_id')
    .groupBy('e.youth_id', 'y.birth_date', ...ANSWER_COLUMNS)
    .select(
      'y.birth_date', ...ANSWER_COLUMNS, db.raw('min(g.departure_date) as first_departure'),
      ...COUNTED_KEYS.map((k) => flag(column(k), youthCondition({ figure: COUNTED[k] }, today))),
      flag('reached', { sql: REACHED_AT_FOLLOW_UP, bindings: [] }), flag('engaged', { sql: ENGAGED, bindings: [] }),
    )
    .as('t');
  const answers = ANSWER_COLUMNS.map((c) => `t.${bare(c)}`);
  const rows: Record<string, unknown>[] = await db
    .from(perYouth)
    .groupBy(...answers, 'band')
    .select(
      ...answers, db.raw(`${ageBandSql('t.birth_date', 't.first_departure')} as band`), db.raw('count(*) as enrolled'),
      ...flags.map((k) => db.raw(`sum(t.${k}) as ${k}`)),
    );
  const counts = Object.fromEntries(['enrolled', ...COUNTED_KEYS].map((k) => [k, rows.reduce((n, r) => n + toNumber(r[column(k)]), 0)])) as YouthCounts;
  return { counts, breakdowns: tally(rows) };
}

const yesNoUnknown = (v: unknown) => (v === null || v === undefined ? UNKNOWN : v ? 'yes' : 'no');

/** The categories a combination of answers counts in, per dimension. */
function categoriesOf(row: Record<string, unknown>): Record<BreakdownDimension, string[]> {
  const barriers = BARRIERS.filter((b) => Boolean(row[barrierField(b)]));
  const gender = typeof row.gender === 'string' && (GENDERS as readonly string[]).includes(row.gender) ? row.gender : UNKNOWN;
  return {
    gender: [gender],
    age: [typeof row.band === 'string' ? row.band : UNKNOWN],
    opportunities: [barriers.length ? 'any' : 'none', ...barriers],
    qpv: [yesNoUnknown(row.lives_in_qpv)],
    rural: [yesNoUnknown(row.lives_in_rural_area)],
  };
}

export function tally(rows: Record<string, unknown>[]): Breakdown[] {
  const zero = (): BreakdownCounts => ({ enrolled: 0, departed: 0, withdrawn: 0, reached: 0, engaged: 0 });
  const sums = new Map(BREAKDOWN_DIMENSIONS.map((d) => [d, new Map(BREAKDOWN_CATEGORIES[d].map((c) => [c as string, zero()]))]));
  for (const row of rows) {
    const categories = categoriesOf(row);
    for (const d of BREAKDOWN_DIMENSIONS) {
      for (const category of categories[d]) {
        const counts = sums.get(d)!.get(category)!;
        for (const k of BREAKDOWN_FIGURES) counts[k] += toNumber(row[k]);
      }
    }
  }
  return BREAKDOWN_DIMENSIONS.map((dimension) => ({
    dimension, rows: [...sums.get(dimension)!].map(([category, counts]) => ({ category, counts })),
  }));
}
