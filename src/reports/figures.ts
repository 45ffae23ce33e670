import type { Knex } from 'knex';
import { ALERTING } from '../stay/stay.js';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { hasReturned, PHASES, type Phase } from '../phases/order.js';
import { WITHDRAWAL_REASONS } from '../participants/withdrawal.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';
import { attendanceSums, countedAttendance } from '../meetings/meeting.js';
import { readinessOfGroups } from '../documents/readiness.js';
import { whereGroups, type ReportFilters, type ReportScope } from './filters.js';
import { enrolmentsIn, JOB_OR_TRAINING } from './who-counts.js';
import type { Dashboard } from './dashboard.js';

/**
 * The figures of the directors' dashboard, one query (or one small set of queries) each, read one by one.
 * Each is an SQL aggregate over the groups in the reader's scope and filters, the same text on SQLite and
 * PostgreSQL; `computeDashboard` runs them side by side.
 */

/** What every figure is read over: the groups in the reader's scope and filters, on a given day. */
export interface FigureQuery {
  db: Db;
  scope: ReportScope;
  filters: ReportFilters;
  today: string;
}

/** Awaits queries run side by side, each answer under its own name. */
export async function gathered<T extends Record<string, Promise<unknown>>>(queries: T): Promise<{ [K in keyof T]: Awaited<T[K]> }> {
  const answers = await Promise.all(Object.entries(queries).map(async ([name, query]) => [name, await query] as const));
  return Object.fromEntries(answers) as { [K in keyof T]: Awaited<T[K]> };
}

export const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

const groupsIn = ({ db, scope, filters }: FigureQuery): Knex.QueryBuilder => whereGroups(db({ g: 'groups' }), scope, filters);

/** How many groups are in each phase. */
export async function groupsByPhase(q: FigureQuery): Promise<Dashboard['groups']> {
  const rows: { phase: Phase; n: unknown }[] = await groupsIn(q).groupBy('g.phase').select('g.phase', q.db.raw('count(*) as n'));
  const byPhase = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  for (const r of rows) byPhase[r.phase] = toNumber(r.n);
  return { total: Object.values(byPhase).reduce((a, b) => a + b, 0), byPhase };
}

/** The withdrawals not rejoined, on the youths' enrolments. */
const openWithdrawals = ({ db, scope, filters }: FigureQuery): Knex.QueryBuilder =>
  enrolmentsIn(db, scope, filters).join({ w: 'withdrawals' }, 'w.enrolment_id', 'e.id').whereNull('w.rejoined_on');

/** Why youths left: per reason, the youths withdrawn and those of them still in touch with the group. */
export async function withdrawnByReason(q: FigureQuery): Promise<Dashboard['withdrawn']['byReason']> {
  const rows: { reason: string; n: unknown; in_touch: unknown }[] = await openWithdrawals(q)
    .groupBy('w.reason')
    .select('w.reason', q.db.raw('count(distinct e.youth_id) as n'), q.db.raw('count(distinct case when w.stays_in_touch then e.youth_id end) as in_touch'));
  return WITHDRAWAL_REASONS.map((reason) => {
    const r = rows.find((x) => x.reason === reason);
    return { reason, youths: toNumber(r?.n), inTouch: toNumber(r?.in_touch) };
  });
}

/** When youths left: per phase of the group at the time, the youths withdrawn. */
export async function withdrawnByPhase(q: FigureQuery): Promise<Dashboard['withdrawn']['byPhase']> {
  const rows: { phase: string; n: unknown }[] = await openWithdrawals(q).groupBy('w.phase').select('w.phase', q.db.raw('count(distinct e.youth_id) as n'));
  return PHASES.map((phase) => ({ phase, youths: toNumber(rows.find((x) => x.phase === phase)?.n) }));
}

/** The preparation attendance, pooled over every youth's lines: the rule of the group's meetings page. */
export async function preparationAttendance({ db, scope, filters }: FigureQuery): Promise<Dashboard['attendance']> {
  const row = await whereGroups(countedAttendance(db).join({ g: 'groups' }, 'g.id', 'm.group_id'), scope, filters).first(...attendanceSums(db));
  const attended = toNumber(row?.attended);
  const counted = toNumber(row?.counted);
  return { attended, counted, rate: ratio(attended, counted) };
}

/** The restitution events held at home, the groups that held one, and the people they reached. */
export async function restitutionReach({ db, scope, filters }: FigureQuery): Promise<Omit<Dashboard['restitution'], 'perDeparted'>> {
  const row = await whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), scope, filters).first(
    db.raw('count(*) as events'),
    db.raw('count(distinct r.group_id) as groups'),
    db.raw('coalesce(sum(r.audience_total), 0) as people'),
  );
  return { events: toNumber(row?.events), groups: toNumber(row?.groups), peopleReached: toNumber(row?.people) };
}

/** The youths' situations when they enrolled, and the share in a job or training. */
export async function situationsAtEnrolment({ db, scope, filters }: FigureQuery): Promise<Dashboard['situations'][number]> {
  const known = () => enrolmentsIn(db, scope, filters).whereNotNull('e.situation_at_enrolment');
  const { bySituation, totals } = await gathered({
    bySituation: known()
      .groupBy('e.situation_at_enrolment')
      .select('e.situation_at_enrolment as situation', db.raw('count(distinct e.youth_id) as n')) as Promise<{ situation: Situation; n: unknown }[]>,
    // A youth enrolled twice (a peer leader in a later group) may be in two situations above: the totals
    // count each youth once.
    totals: known().first(
      db.raw('count(distinct e.youth_id) as known'),
      db.raw(`count(distinct case when e.situation_at_enrolment in (${JOB_OR_TRAINING.map(() => '?').join(', ')}) then e.youth_id end) as jt`, JOB_OR_TRAINING),
    ) as Promise<{ known?: unknown; jt?: unknown } | undefined>,
  });
  const counts = Object.fromEntries(SITUATIONS.map((x) => [x, 0])) as Record<Situation, number>;
  for (const r of bySituation) if (r.situation in counts) counts[r.situation] = toNumber(r.n);
  const jobOrTraining = toNumber(totals?.jt);
  return { at: 'enrolment', known: toNumber(totals?.known), jobOrTraining, share: ratio(jobOrTraining, toNumber(totals?.known)), bySituation: counts };
}

/** The self-assessment per competence: the average score before and after, and how many youths answered. */
export async function assessmentAverages({ db, scope, filters }: FigureQuery): Promise<Dashboard['assessments']> {
  const { competences, answers, assessed } = await gathered({
    competences: db('competences')
      .orderBy([{ column: 'position' }, { column: 'id' }])
      .select('id', 'key', 'label_fr', 'label_en') as Promise<{ id: number; key: string; label_fr: string; label_en: string }[]>,
    // Averages over the answers (a hundred thousand rows over ten years) without a distinct count, which
    // would sort them all; the youths who filled each moment are counted on the assessments themselves.
    // Grouped by competence alone, in the order of the index on (competence, assessment, score): SQLite
    // then reads the answers in order instead of sorting them (half the time on ten years of data).
    answers: whereGroups(
      db({ aa: 'assessment_answers' }).join({ a: 'assessments' }, 'a.id', 'aa.assessment_id').join({ e: 'enrolments' }, 'e.id', 'a.enrolment_id').join({ g: 'groups' }, 'g.id', 'e.group_id'),
      scope, filters,
    )
      .groupBy('aa.competence_id')
      .select(
        'aa.competence_id',
        db.raw("avg(case when a.moment = 'before' then aa.score end) as before_average"),
        db.raw("avg(case when a.moment = 'after' then aa.score end) as after_average"),
      ) as Promise<{ competence_id: unknown; before_average: unknown; after_average: unknown }[]>,
    assessed: enrolmentsIn(db, scope, filters)
      .join({ a: 'assessments' }, 'a.enrolment_id', 'e.id')
      .groupBy('a.moment')
      .select('a.moment', db.raw('count(distinct e.youth_id) as youths')) as Promise<{ moment: string; youths: unknown }[]>,
  });
  const averageOf = (id: number, moment: 'before' | 'after'): number | null => {
    const value = answers.find((a) => toNumber(a.competence_id) === id)?.[`${moment}_average`];
    return value === null || value === undefined ? null : Number(value);
  };
  const youthsAt = (moment: 'before' | 'after') => toNumber(assessed.find((r) => r.moment === moment)?.youths);
  return competences
    .map((c) => {
      const before = averageOf(c.id, 'before');
      const after = averageOf(c.id, 'after');
      return {
        competenceId: c.id, key: c.key, labelFr: c.label_fr, labelEn: c.label_en, before, after,
        youthsBefore: before === null ? 0 : youthsAt('before'), youthsAfter: after === null ? 0 : youthsAt('after'),
      };
    })
    .filter((c) => c.before !== null || c.after !== null);
}

/** A subquery for `whereExists`: the group `g` has held at least one restitution event. */
export const heldRestitution = (db: Db) => function (this: Knex.QueryBuilder) {
  this.select(db.raw('1')).from('restitution_events as r').whereRaw('r.group_id = g.id');
};

/** Narrows a query over groups `g` to those back home that have not held a restitution event yet. */
export const backWithoutRestitution = (db: Db, q: Knex.QueryBuilder): Knex.QueryBuilder =>
  q.whereIn('g.phase', PHASES.filter(hasReturned)).whereNotExists(heldRestitution(db));

/** How many groups are back home without a restitution event yet. */
export async function groupsWithoutRestitution(q: FigureQuery): Promise<number> {
  const row = await backWithoutRestitution(q.db, groupsIn(q)).first(q.db.raw('count(*) as n'));
  return toNumber(row?.n);
}

/**
 * Serious and emergency incidents logged during the groups' stays: a count only, never who (the incidents
 * themselves are read on each group's pages by the adults in charge).
 */
export async function seriousIncidents(q: FigureQuery): Promise<number> {
  const row = await q.db('stay_incidents')
    .whereIn('group_id', groupsIn(q).select('g.id'))
    .whereIn('severity', ALERTING)
    .first(q.db.raw('count(*) as n'));
  return toNumber(row?.n);
}

/**
 * Document readiness of the groups still in preparation. The rule of what a paper must be for a trip
 * (validity beyond the return, visa where needed, papers for minors...) lives in src/documents, in code:
 * it is reused as is rather than copied into SQL. Only groups in preparation are read, a few dozen at most.
 */
export async function readinessInPreparation(q: FigureQuery): Promise<Dashboard['readiness']> {
  const groups = await groupsIn(q)
    .where('g.phase', 'preparation')
    .select('g.id', 'g.name', 'g.destination_country', 'g.phase', 'g.departure_date', 'g.return_date');
  const states = await readinessOfGroups(q.db, groups, q.today);
  const youths = states.flatMap((s) => s.youths);
  const ready = youths.filter((y) => y.ready).length;
  return {
    groups: groups.length,
    groupsReady: states.filter((s) => s.youths.length > 0 && s.youths.every((y) => y.ready)).length,
    youths: youths.length,
    youthsReady: ready,
    rate: ratio(ready, youths.length),
  };
}
