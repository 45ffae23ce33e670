import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { countsSql } from '../followups/followup.js';
import { AGE_BANDS, ageBandSql, BARRIERS, barrierField, GENDERS } from '../participants/funder-facts.js';
import type { FigureQuery } from './figures.js';
import { enrolmentIdsIn, ENGAGEMENT_ANY, FOLLOW_UP_REACHED, youthCondition, youthsByWithdrawalsIn } from './who-counts.js';

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

export async function breakdowns({ db, scope, filters, today }: FigureQuery): Promise<Breakdown[]> {
  const flag = (name: string, sql: string, bindings: readonly (string | number)[] = []) =>
    db.raw(`max(case when ${sql} then 1 else 0 end) as ${name}`, bindings);
  const departed = youthCondition({ figure: 'departed' }, today);
  const withdrawn = youthCondition({ figure: 'withdrawn' }, today);
  // Reached and engaged as the dashboard's follow-up figures count them: in the rounds the structure plans.
  const followUps = db.raw(
    `(select f.enrolment_id, max(case when ${FOLLOW_UP_REACHED} then 1 else 0 end) as reached,` +
      ` max(case when f.done_on is not null and (${ENGAGEMENT_ANY}) then 1 else 0 end) as engaged` +
      ' from follow_ups f join enrolments fe on fe.id = f.enrolment_id join groups fg on fg.id = fe.group_id' +
      ` join structures fs on fs.id = fg.structure_id where ${countsSql('f', 'fs')} and f.enrolment_id in ? group by f.enrolment_id) fx`,
    [enrolmentIdsIn(db, scope, filters)],
  );
  const perYouth = youthsByWithdrawalsIn(db, scope, filters)
    .join({ y: 'youths' }, 'y.id', 'e.youth_id')
    .leftJoin(followUps, 'fx.enrolment_id', 'e.id')
    .groupBy('e.youth_id', 'y.birth_date', ...ANSWER_COLUMNS)
    .select(
      'y.birth_date', ...ANSWER_COLUMNS, db.raw('min(g.departure_date) as first_departure'),
      flag('departed', departed.sql, departed.bindings), flag('withdrawn', withdrawn.sql, withdrawn.bindings),
      db.raw('max(coalesce(fx.reached, 0)) as reached'), db.raw('max(coalesce(fx.engaged, 0)) as engaged'),
    )
    .as('t');
  const answers = ANSWER_COLUMNS.map((c) => `t.${bare(c)}`);
  const rows: Record<string, unknown>[] = await db
    .from(perYouth)
    .groupBy(...answers, 'band')
    .select(
      ...answers, db.raw(`${ageBandSql('t.birth_date', 't.first_departure')} as band`), db.raw('count(*) as enrolled'),
      ...(['departed', 'withdrawn', 'reached', 'engaged'] as const).map((k) => db.raw(`sum(t.${k}) as ${k}`)),
    );
  return tally(rows);
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
