import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';
import { countsSql, ENGAGEMENTS, MILESTONES, type Engagement } from '../followups/followup.js';
import { gathered, ratio, type FigureQuery } from './figures.js';
import { ENGAGEMENT_ANY, enrolmentsIn, FOLLOW_UP_DUE, FOLLOW_UP_REACHED, FOLLOW_UP_TRIED, JOB_OR_TRAINING } from './who-counts.js';
import type { Dashboard } from './dashboard.js';

/** A yes/no flag per youth, `max`ed over their rows: the SQL condition and its bindings. */
type Flag = [name: string, sql: string, bindings: string[]];

const maxOf = (db: Db, [name, sql, bindings]: Flag) => db.raw(`max(case when ${sql} then 1 else 0 end) as ${name}`, bindings);
const sumOf = (db: Db, [name]: Flag) => db.raw(`sum(t.${name}) as ${name}`);

const milestoneFlags = (today: string): Flag[] => [
  ['due', FOLLOW_UP_DUE, [today]],
  ['tried', FOLLOW_UP_TRIED, []],
  ['reached', FOLLOW_UP_REACHED, []],
  ['overdue', 'f.done_on is null and f.due_on < ?', [today]],
  ['by_youth', 'f.done_on is not null and exists (select 1 from follow_up_attempts a where a.follow_up_id = f.id and a.by_youth)', []],
  ['known', 'f.done_on is not null and f.situation is not null', []],
  ['jt', `f.done_on is not null and f.situation in (${JOB_OR_TRAINING.map((x) => `'${x}'`).join(', ')})`, []],
  ...SITUATIONS.map((x): Flag => [`s_${x}`, `f.done_on is not null and f.situation = '${x}'`, []]),
];

const ENGAGEMENT_FLAGS: Flag[] = [
  ['followed', '1 = 1', []],
  ['eng_any', ENGAGEMENT_ANY, []],
  ...ENGAGEMENTS.map((k): Flag => [`eng_${k}`, `f.${k}`, []]),
];

/**
 * The follow-up figures: per milestone the youths due, and of those the reached, the tried but not reached
 * and the not tried yet (they add up to the due), of the reached those who answered their link themselves, and at 6 and 12 months their situations; then the
 * engagement after the return. Each youth is first reduced to one row of yes/no flags (per milestone, or over
 * all done follow-ups), then the flags are added up: a youth followed in two groups counts once, without a
 * distinct count per column (which sorted the follow-ups once per column). A youth reached in one of them
 * is reached; tried in one, tried. Only the follow-ups that count for their structure's rounds are read
 * (`countsSql`): the calls of a round it no longer plans are not owed.
 */
export async function followUpFigures({ db, scope, filters, today }: FigureQuery): Promise<Pick<Dashboard, 'followUps' | 'engagement'> & { situations: Dashboard['situations'] }> {
  const flags = milestoneFlags(today);
  const followUps = () => enrolmentsIn(db, scope, filters)
    .join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id')
    .join({ fs: 'structures' }, 'fs.id', 'g.structure_id')
    .whereRaw(countsSql('f', 'fs'));
  const { perMilestone, engagement } = await gathered({
    perMilestone: db.from(
      followUps()
        .groupBy('e.youth_id', 'f.milestone_months')
        .select('e.youth_id', 'f.milestone_months', ...flags.map((flag) => maxOf(db, flag)))
        .as('t'),
    )
      .groupBy('t.milestone_months')
      .select('t.milestone_months', ...flags.map((flag) => sumOf(db, flag))) as Promise<Record<string, unknown>[]>,
    engagement: db.from(
      followUps()
        .whereNotNull('f.done_on')
        .groupBy('e.youth_id')
        .select('e.youth_id', ...ENGAGEMENT_FLAGS.map((flag) => maxOf(db, flag)))
        .as('t'),
    ).first(...ENGAGEMENT_FLAGS.map((flag) => sumOf(db, flag))) as Promise<Record<string, unknown> | undefined>,
  });
  const at = (m: number) => perMilestone.find((r) => toNumber(r.milestone_months) === m) ?? {};
  const e = engagement ?? {};
  return {
    followUps: MILESTONES.map((m) => {
      const [due, tried, reached] = [toNumber(at(m).due), toNumber(at(m).tried), toNumber(at(m).reached)];
      // Reached implies tried, and tried implies due, for each youth: the differences are youths.
      return { milestone: m, due, reached, byYouth: toNumber(at(m).by_youth), triedNotReached: tried - reached, notTried: due - tried, overdue: toNumber(at(m).overdue) };
    }),
    situations: (['6', '12'] as const).map((moment) => {
      const r = at(Number(moment));
      return {
        at: moment, known: toNumber(r.known), jobOrTraining: toNumber(r.jt), share: ratio(toNumber(r.jt), toNumber(r.known)),
        bySituation: Object.fromEntries(SITUATIONS.map((x) => [x, toNumber(r[`s_${x}`])])) as Record<Situation, number>,
      };
    }),
    engagement: {
      followed: toNumber(e.followed),
      any: toNumber(e.eng_any),
      byKind: Object.fromEntries(ENGAGEMENTS.map((k) => [k, toNumber(e[`eng_${k}`])])) as Record<Engagement, number>,
    },
  };
}

/**
 * The situations at one milestone for each structure of the scope at once (a network's comparison): a
 * youth counts once per structure, as in that structure's own `followUpFigures`.
 */
export async function situationsByStructure({ db, scope, filters, today }: FigureQuery, milestone: number): Promise<Map<number, Dashboard['situations'][number]>> {
  const flags = milestoneFlags(today).filter(([name]) => name === 'known' || name === 'jt' || name.startsWith('s_'));
  const rows: Record<string, unknown>[] = await db.from(
    enrolmentsIn(db, scope, filters)
      .join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id')
      .where('f.milestone_months', milestone)
      .groupBy('g.structure_id', 'e.youth_id')
      .select('g.structure_id', 'e.youth_id', ...flags.map((flag) => maxOf(db, flag)))
      .as('t'),
  )
    .groupBy('t.structure_id')
    .select('t.structure_id', ...flags.map((flag) => sumOf(db, flag)));
  return new Map(rows.map((r) => [toNumber(r.structure_id), {
    at: String(milestone) as Dashboard['situations'][number]['at'], known: toNumber(r.known), jobOrTraining: toNumber(r.jt), share: ratio(toNumber(r.jt), toNumber(r.known)),
    bySituation: Object.fromEntries(SITUATIONS.map((x) => [x, toNumber(r[`s_${x}`])])) as Record<Situation, number>,
  }]));
}
