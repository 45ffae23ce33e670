import { toNumber } from '../db/knex.js';
import { countsSql } from '../followups/followup.js';
import { gathered, ratio, type FigureQuery } from './figures.js';
import { whereGroups } from './filters.js';
import { countWhere, ENGAGEMENT_ANY, enrolmentsIn, JOB_OR_TRAINING, youthsByWithdrawalsIn } from './who-counts.js';

/**
 * The dashboard's figures per year of departure, for the section "Évolution d'une année à l'autre": each
 * year's line counts as the dashboard filtered on that year would (a test checks it, year by year), over
 * the reader's scope and filters. Four grouped queries, however many years: groups, departed, people
 * reached, and one pass over the follow-ups for the situations at 6 and 12 months and the engagement.
 * A group with no departure date yet belongs to no year and is left out.
 */
export interface TrendYear {
  year: number;
  groups: number;
  departed: number;
  peopleReached: number;
  /** People reached per departed youth: null when nobody departed. */
  perDeparted: number | null;
  /** In a job or training among those whose situation is known, at the 6- and 12-month follow-ups. */
  situations: { at: '6' | '12'; known: number; jobOrTraining: number; share: number | null }[];
  /** Youths with a follow-up done, and of them those with at least one engagement. */
  engagement: { followed: number; any: number; share: number | null };
}

// Dates are stored as text (yyyy-mm-dd) on both databases: the year is their first four characters, as
// the filter form's list of years reads it.
const YEAR = 'substr(g.departure_date, 1, 4)';
const MOMENTS = ['6', '12'] as const;

/** One row per year and youth of flags `max`ed over their follow-ups, then summed per year: a youth counts once a year. */
const FOLLOW_UP_FLAGS: [name: string, sql: string][] = [
  ...MOMENTS.flatMap((m): [string, string][] => [
    [`known_${m}`, `f.milestone_months = ${m} and f.done_on is not null and f.situation is not null`],
    [`jt_${m}`, `f.milestone_months = ${m} and f.done_on is not null and f.situation in (${JOB_OR_TRAINING.map((x) => `'${x}'`).join(', ')})`],
  ]),
  ['followed', 'f.done_on is not null'],
  ['eng_any', `f.done_on is not null and (${ENGAGEMENT_ANY})`],
];

export async function trendsByYear({ db, scope, filters, today }: FigureQuery): Promise<TrendYear[]> {
  const year = db.raw(`${YEAR} as year`);
  type Row = Record<string, unknown> & { year: string };
  const { groups, departed, reach, followUps } = await gathered({
    groups: whereGroups(db({ g: 'groups' }), scope, filters).whereNotNull('g.departure_date')
      .groupByRaw(YEAR).select(year, db.raw('count(*) as n')) as Promise<Row[]>,
    departed: youthsByWithdrawalsIn(db, scope, filters).whereNotNull('g.departure_date')
      .groupByRaw(YEAR).select(year, countWhere(db, { figure: 'departed' }, today, 'n')) as Promise<Row[]>,
    reach: whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), scope, filters).whereNotNull('g.departure_date')
      .groupByRaw(YEAR).select(year, db.raw('coalesce(sum(r.audience_total), 0) as n')) as Promise<Row[]>,
    // As followUpFigures reads them: only the rounds the youth's structure plans count.
    followUps: db.from(
      enrolmentsIn(db, scope, filters)
        .join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id')
        .join({ fs: 'structures' }, 'fs.id', 'g.structure_id')
        .whereRaw(countsSql('f', 'fs'))
        .whereNotNull('g.departure_date')
        .groupByRaw(`${YEAR}, e.youth_id`)
        .select(year, ...FOLLOW_UP_FLAGS.map(([name, sql]) => db.raw(`max(case when ${sql} then 1 else 0 end) as ${name}`)))
        .as('t'),
    )
      .groupBy('t.year')
      .select('t.year', ...FOLLOW_UP_FLAGS.map(([name]) => db.raw(`sum(t.${name}) as ${name}`))) as Promise<Row[]>,
  });
  const byYear = (rows: Row[]) => new Map(rows.map((r) => [Number(r.year), r]));
  const [d, r, f] = [byYear(departed), byYear(reach), byYear(followUps)];
  return groups
    .map((g) => Number(g.year))
    .filter(Number.isFinite)
    .sort((a, b) => a - b)
    .map((y) => {
      const gone = toNumber(d.get(y)?.n);
      const people = toNumber(r.get(y)?.n);
      const fy: Record<string, unknown> = f.get(y) ?? {};
      const followed = toNumber(fy.followed);
      const any = toNumber(fy.eng_any);
      return {
        year: y,
        groups: toNumber(groups.find((g) => Number(g.year) === y)?.n),
        departed: gone,
        peopleReached: people,
        perDeparted: ratio(people, gone),
        situations: MOMENTS.map((at) => {
          const known = toNumber(fy[`known_${at}`]);
          const jobOrTraining = toNumber(fy[`jt_${at}`]);
          return { at, known, jobOrTraining, share: ratio(jobOrTraining, known) };
        }),
        engagement: { followed, any, share: ratio(any, followed) },
      };
    });
}
