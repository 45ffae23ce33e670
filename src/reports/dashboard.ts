import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import { hasReturned, phaseRank, phaseRankSql, PHASES, type Phase } from '../phases/order.js';
import { keptOutAtSql, WITHDRAWAL_REASONS, type WithdrawalReason } from '../participants/withdrawal.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';
import { ENGAGEMENTS, MILESTONES, type Engagement, type Milestone } from '../followups/followup.js';
import { attendanceSums, countedAttendance } from '../meetings/meeting.js';
import { readinessOfGroups } from '../documents/readiness.js';
import { whereGroups, type ReportFilters, type ReportScope } from './filters.js';

/**
 * The director's outcome figures, across groups and years. Every figure counts distinct youths (a youth
 * who came back in a later group as peer leader is one person), and every figure is an SQL aggregate over
 * the groups in scope and filters — the same query text on SQLite and PostgreSQL.
 */

/** "In job or training": what funders ask about at 6 and 12 months. School is shown apart. */
export const JOB_OR_TRAINING: Situation[] = ['employed', 'training'];
export const SITUATION_MOMENTS = ['enrolment', '6', '12'] as const;
export type SituationMoment = (typeof SITUATION_MOMENTS)[number];

// ---------------------------------------------------------------------------------------------------
// Who counts: one SQL condition per youth figure, over an enrolment `e` of a group `g`. The dashboard
// counts `distinct e.youth_id` where the condition holds; the list behind a figure selects the same youths
// with the same condition, so the number and the list cannot disagree.

/**
 * Out of the project when the group entered the phase `boundary` (the rule of the group funnel, in
 * src/participants/withdrawal.ts; a test checks that both count the same), as a flag per enrolment.
 */
const outAt = (boundary: Phase): string => `max(case when ${keptOutAtSql(boundary)} then 1 else 0 end)`;

/**
 * What each enrolment's other rows say, one row per enrolment, joined once: a withdrawal that stops it at a
 * boundary, a withdrawal still running, a presentation, an overdue follow-up, an "after" self-assessment.
 * Joining these summaries beats one correlated EXISTS per figure and per youth: on ten years of data the
 * EXISTS form cost PostgreSQL half a second of JIT compilation alone (see scripts/bench-dashboard.ts).
 */
function withFlags(db: Db, q: Knex.QueryBuilder, today: string): Knex.QueryBuilder {
  return q
    .leftJoin(
      db.raw(
        `(select w.enrolment_id, ${outAt('departure')} as out_departure, ${outAt('stay')} as out_stay, ${outAt('return')} as out_return,` +
          ' max(case when w.rejoined_on is null then 1 else 0 end) as withdrawn,' +
          ' max(case when w.rejoined_on is null and w.stays_in_touch then 1 else 0 end) as in_touch' +
          ' from withdrawals w group by w.enrolment_id) wx',
      ),
      'wx.enrolment_id', 'e.id',
    )
    .leftJoin(db.raw('(select distinct rp.enrolment_id from restitution_presenters rp) rp'), 'rp.enrolment_id', 'e.id')
    .leftJoin(db.raw('(select distinct fo.enrolment_id from follow_ups fo where fo.done_on is null and fo.due_on < ?) fo', [today]), 'fo.enrolment_id', 'e.id')
    .leftJoin(db.raw("(select af.enrolment_id from assessments af where af.moment = 'after') af"), 'af.enrolment_id', 'e.id');
}

const PREPARED = 'coalesce(wx.out_departure, 0) = 0';
// Booleans are tested bare: PostgreSQL reads a boolean, SQLite a 0/1 integer, the same text works on both.
const DEPARTED = `${phaseRankSql('g.phase')} >= ${phaseRank('stay')} and e.departing and ${PREPARED} and coalesce(wx.out_stay, 0) = 0`;
const RETURNED = `${DEPARTED} and ${phaseRankSql('g.phase')} >= ${phaseRank('return')} and coalesce(wx.out_return, 0) = 0`;
const WITHDRAWN = 'wx.withdrawn = 1';
const IN_TOUCH = 'wx.in_touch = 1';
// As in the group funnel, a step is passed only after the one before: presenting counts for those who went and came back.
const PRESENTED = `${RETURNED} and rp.enrolment_id is not null`;
const OVERDUE = 'fo.enrolment_id is not null';
const MISSING_AFTER = `${RETURNED} and af.enrolment_id is null`;
const ENGAGEMENT_ANY = ENGAGEMENTS.map((k) => `f.${k}`).join(' or ');

export interface YouthFigure {
  figure: 'enrolled' | 'prepared' | 'departed' | 'returned' | 'withdrawn' | 'inTouch' | 'presented' | 'overdue' | 'missingAfter'
    | 'followUpDue' | 'followUpDone' | 'situation' | 'jobOrTraining' | 'engaged' | 'assessed';
  reason?: WithdrawalReason;
  phase?: Phase;
  milestone?: Milestone;
  at?: SituationMoment;
  situation?: Situation;
  engagement?: Engagement | 'any';
  moment?: 'before' | 'after';
}

interface Condition {
  sql: string;
  bindings: (string | number)[];
}

const followUpAt = (milestone: number, extra: string, bindings: (string | number)[] = []): Condition => ({
  sql: `exists (select 1 from follow_ups f where f.enrolment_id = e.id and f.milestone_months = ? and ${extra})`,
  bindings: [milestone, ...bindings],
});

/** The SQL condition that makes an enrolment count in a figure. Parameters come validated from `YouthFigureSchema`. */
export function youthCondition(fig: YouthFigure, today: string): Condition {
  switch (fig.figure) {
    case 'enrolled': return { sql: '1 = 1', bindings: [] };
    case 'prepared': return { sql: PREPARED, bindings: [] };
    case 'departed': return { sql: DEPARTED, bindings: [] };
    case 'returned': return { sql: RETURNED, bindings: [] };
    case 'inTouch': return { sql: IN_TOUCH, bindings: [] };
    case 'presented': return { sql: PRESENTED, bindings: [] };
    case 'overdue': return { sql: OVERDUE, bindings: [] };
    case 'missingAfter': return { sql: MISSING_AFTER, bindings: [] };
    case 'withdrawn': {
      if (!fig.reason && !fig.phase) return { sql: WITHDRAWN, bindings: [] };
      const extra = [fig.reason ? ' and w.reason = ?' : '', fig.phase ? ' and w.phase = ?' : ''].join('');
      return {
        sql: `exists (select 1 from withdrawals w where w.enrolment_id = e.id and w.rejoined_on is null${extra})`,
        bindings: [fig.reason, fig.phase].filter((x): x is NonNullable<typeof x> => Boolean(x)),
      };
    }
    case 'followUpDue': return followUpAt(fig.milestone ?? 6, '(f.done_on is not null or f.due_on <= ?)', [today]);
    case 'followUpDone': return followUpAt(fig.milestone ?? 6, 'f.done_on is not null');
    case 'situation':
    case 'jobOrTraining': {
      const list = fig.figure === 'jobOrTraining' ? JOB_OR_TRAINING : fig.situation ? [fig.situation] : [...SITUATIONS];
      const marks = list.map(() => '?').join(', ');
      if (!fig.at || fig.at === 'enrolment') return { sql: `e.situation_at_enrolment in (${marks})`, bindings: list };
      return followUpAt(Number(fig.at), `f.done_on is not null and f.situation in (${marks})`, list);
    }
    case 'engaged': {
      const which = !fig.engagement || fig.engagement === 'any' ? ENGAGEMENT_ANY : `f.${fig.engagement}`;
      return { sql: `exists (select 1 from follow_ups f where f.enrolment_id = e.id and f.done_on is not null and (${which}))`, bindings: [] };
    }
    case 'assessed':
      return { sql: 'exists (select 1 from assessments a where a.enrolment_id = e.id and a.moment = ?)', bindings: [fig.moment ?? 'before'] };
  }
}

const countWhere = (db: Db, c: Condition, alias: string): Knex.Raw =>
  db.raw(`count(distinct case when ${c.sql} then e.youth_id end) as ${alias}`, c.bindings);

/** Enrolments of the groups in scope and filters, with the group as `g`. */
function enrolmentsIn(db: Db, scope: ReportScope, f: ReportFilters): Knex.QueryBuilder {
  return whereGroups(db({ e: 'enrolments' }).join({ g: 'groups' }, 'g.id', 'e.group_id'), scope, f);
}

/** The same, with each enrolment's summaries (`withFlags`): what every youth figure's condition reads. */
function youthsIn(db: Db, scope: ReportScope, f: ReportFilters, today: string): Knex.QueryBuilder {
  return withFlags(db, enrolmentsIn(db, scope, f), today);
}

// ---------------------------------------------------------------------------------------------------
// The figures

export interface Dashboard {
  today: string;
  groups: { total: number; byPhase: Record<Phase, number> };
  funnel: { enrolled: number; prepared: number; departed: number; returned: number; presented: number };
  withdrawn: {
    total: number;
    inTouch: number;
    byReason: { reason: WithdrawalReason; youths: number; inTouch: number }[];
    byPhase: { phase: Phase; youths: number }[];
  };
  attendance: { attended: number; counted: number; rate: number | null };
  readiness: { groups: number; groupsReady: number; youths: number; youthsReady: number; rate: number | null };
  restitution: { events: number; groups: number; peopleReached: number; perDeparted: number | null };
  followUps: { milestone: Milestone; due: number; done: number; overdue: number }[];
  situations: { at: SituationMoment; known: number; jobOrTraining: number; share: number | null; bySituation: Record<Situation, number> }[];
  engagement: { followed: number; any: number; byKind: Record<Engagement, number> };
  assessments: { competenceId: number; key: string; labelFr: string; labelEn: string; before: number | null; after: number | null; youthsBefore: number; youthsAfter: number }[];
  missing: { overdueYouths: number; missingAfter: number; groupsWithoutRestitution: number };
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

/** Every figure of the dashboard: what GET /reports shows, the CSV and the PDF export. About ten queries, run side by side. */
export async function computeDashboard(db: Db, scope: ReportScope, f: ReportFilters, today: string = todayIso()): Promise<Dashboard> {
  const [phases, main, byReason, byPhase, attendance, restitution, followUps, situationsAtEnrolment, knownAtEnrolment, assessments, assessed, noRestitution, readiness] =
    await Promise.all([
      whereGroups(db({ g: 'groups' }), scope, f).groupBy('g.phase').select('g.phase', db.raw('count(*) as n')),
      youthsIn(db, scope, f, today).first(
        db.raw('count(distinct e.youth_id) as enrolled'),
        countWhere(db, youthCondition({ figure: 'prepared' }, today), 'prepared'),
        countWhere(db, youthCondition({ figure: 'departed' }, today), 'departed'),
        countWhere(db, youthCondition({ figure: 'returned' }, today), 'returned'),
        countWhere(db, youthCondition({ figure: 'presented' }, today), 'presented'),
        countWhere(db, youthCondition({ figure: 'withdrawn' }, today), 'withdrawn'),
        countWhere(db, youthCondition({ figure: 'inTouch' }, today), 'in_touch'),
        countWhere(db, youthCondition({ figure: 'overdue' }, today), 'overdue'),
        countWhere(db, youthCondition({ figure: 'missingAfter' }, today), 'missing_after'),
      ),
      enrolmentsIn(db, scope, f)
        .join({ w: 'withdrawals' }, 'w.enrolment_id', 'e.id')
        .whereNull('w.rejoined_on')
        .groupBy('w.reason')
        .select('w.reason', db.raw('count(distinct e.youth_id) as n'), db.raw('count(distinct case when w.stays_in_touch then e.youth_id end) as in_touch')),
      enrolmentsIn(db, scope, f)
        .join({ w: 'withdrawals' }, 'w.enrolment_id', 'e.id')
        .whereNull('w.rejoined_on')
        .groupBy('w.phase')
        .select('w.phase', db.raw('count(distinct e.youth_id) as n')),
      // The rule of the group's meetings page (src/meetings/meeting.ts).
      whereGroups(countedAttendance(db).join({ g: 'groups' }, 'g.id', 'm.group_id'), scope, f).first(...attendanceSums(db)),
      whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), scope, f).first(
        db.raw('count(*) as events'),
        db.raw('count(distinct r.group_id) as groups'),
        db.raw('coalesce(sum(r.audience_total), 0) as people'),
      ),
      followUpFigures(db, scope, f, today),
      enrolmentsIn(db, scope, f)
        .whereNotNull('e.situation_at_enrolment')
        .groupBy('e.situation_at_enrolment')
        .select('e.situation_at_enrolment as situation', db.raw('count(distinct e.youth_id) as n')),
      // A youth enrolled twice (a peer leader in a later group) may be in two situations above: the totals
      // count each youth once.
      enrolmentsIn(db, scope, f)
        .whereNotNull('e.situation_at_enrolment')
        .first(
          db.raw('count(distinct e.youth_id) as known'),
          db.raw(`count(distinct case when e.situation_at_enrolment in (${JOB_OR_TRAINING.map(() => '?').join(', ')}) then e.youth_id end) as jt`, JOB_OR_TRAINING),
        ),
      // Averages over the answers (a hundred thousand rows over ten years) without a distinct count, which
      // would sort them all; the youths who filled each moment are counted on the assessments themselves.
      // Grouped by competence alone, in the order of the index on (competence, assessment, score): SQLite
      // then reads the answers in order instead of sorting them (half the time on ten years of data).
      whereGroups(
        db({ aa: 'assessment_answers' }).join({ a: 'assessments' }, 'a.id', 'aa.assessment_id').join({ e: 'enrolments' }, 'e.id', 'a.enrolment_id').join({ g: 'groups' }, 'g.id', 'e.group_id'),
        scope, f,
      )
        .groupBy('aa.competence_id')
        .select(
          'aa.competence_id',
          db.raw("avg(case when a.moment = 'before' then aa.score end) as before_average"),
          db.raw("avg(case when a.moment = 'after' then aa.score end) as after_average"),
        ),
      enrolmentsIn(db, scope, f)
        .join({ a: 'assessments' }, 'a.enrolment_id', 'e.id')
        .groupBy('a.moment')
        .select('a.moment', db.raw('count(distinct e.youth_id) as youths')),
      whereGroups(db({ g: 'groups' }), scope, f)
        .whereIn('g.phase', PHASES.filter(hasReturned))
        .whereNotExists(function () {
          this.select(db.raw('1')).from('restitution_events as r').whereRaw('r.group_id = g.id');
        })
        .first(db.raw('count(*) as n')),
      readinessInPreparation(db, scope, f, today),
    ]);

  const byPhaseCount = Object.fromEntries(PHASES.map((p) => [p, 0])) as Record<Phase, number>;
  for (const r of phases as { phase: Phase; n: unknown }[]) byPhaseCount[r.phase] = toNumber(r.n);
  const departed = toNumber(main?.departed);
  const people = toNumber(restitution?.people);

  const atEnrolment = Object.fromEntries(SITUATIONS.map((x) => [x, 0])) as Record<Situation, number>;
  for (const r of situationsAtEnrolment as { situation: Situation; n: unknown }[]) if (r.situation in atEnrolment) atEnrolment[r.situation] = toNumber(r.n);
  const known = toNumber((knownAtEnrolment as { known?: unknown } | undefined)?.known);
  const jobOrTraining = toNumber((knownAtEnrolment as { jt?: unknown } | undefined)?.jt);

  const competences: { id: number; key: string; label_fr: string; label_en: string; position: number }[] = await db('competences')
    .orderBy([{ column: 'position' }, { column: 'id' }])
    .select('id', 'key', 'label_fr', 'label_en', 'position');
  const answers = assessments as { competence_id: unknown; before_average: unknown; after_average: unknown }[];
  const averageOf = (id: number, moment: 'before' | 'after') => {
    const value = answers.find((a) => toNumber(a.competence_id) === id)?.[`${moment}_average`];
    return value === null || value === undefined ? undefined : { average: value };
  };
  const youthsAt = (moment: 'before' | 'after') => toNumber((assessed as { moment: string; youths: unknown }[]).find((r) => r.moment === moment)?.youths);

  return {
    today,
    groups: { total: Object.values(byPhaseCount).reduce((a, b) => a + b, 0), byPhase: byPhaseCount },
    funnel: {
      enrolled: toNumber(main?.enrolled), prepared: toNumber(main?.prepared), departed,
      returned: toNumber(main?.returned), presented: toNumber(main?.presented),
    },
    withdrawn: {
      total: toNumber(main?.withdrawn),
      inTouch: toNumber(main?.in_touch),
      byReason: WITHDRAWAL_REASONS.map((reason) => {
        const r = (byReason as { reason: string; n: unknown; in_touch: unknown }[]).find((x) => x.reason === reason);
        return { reason, youths: toNumber(r?.n), inTouch: toNumber(r?.in_touch) };
      }),
      byPhase: PHASES.map((phase) => ({ phase, youths: toNumber((byPhase as { phase: string; n: unknown }[]).find((x) => x.phase === phase)?.n) })),
    },
    attendance: {
      attended: toNumber(attendance?.attended), counted: toNumber(attendance?.counted),
      rate: ratio(toNumber(attendance?.attended), toNumber(attendance?.counted)),
    },
    readiness,
    restitution: { events: toNumber(restitution?.events), groups: toNumber(restitution?.groups), peopleReached: people, perDeparted: departed ? people / departed : null },
    followUps: followUps.followUps,
    situations: [{ at: 'enrolment', known, jobOrTraining, share: ratio(jobOrTraining, known), bySituation: atEnrolment }, ...followUps.situations],
    engagement: followUps.engagement,
    assessments: competences
      .map((c) => {
        const before = averageOf(c.id, 'before');
        const after = averageOf(c.id, 'after');
        return {
          competenceId: c.id, key: c.key, labelFr: c.label_fr, labelEn: c.label_en,
          before: before ? Number(before.average) : null, after: after ? Number(after.average) : null,
          youthsBefore: before ? youthsAt('before') : 0, youthsAfter: after ? youthsAt('after') : 0,
        };
      })
      .filter((c) => c.before !== null || c.after !== null),
    missing: {
      overdueYouths: toNumber(main?.overdue),
      missingAfter: toNumber(main?.missing_after),
      groupsWithoutRestitution: toNumber(noRestitution?.n),
    },
  };
}

/**
 * The follow-up figures: per milestone the youths due, done and overdue, and at 6 and 12 months their
 * situations; then the engagement after the return. Each youth is first reduced to one row of yes/no flags
 * (per milestone, or over all done follow-ups), then the flags are added up: a youth followed in two groups
 * counts once, without a distinct count per column (which sorted the follow-ups once per column).
 */
async function followUpFigures(db: Db, scope: ReportScope, f: ReportFilters, today: string): Promise<Pick<Dashboard, 'followUps' | 'engagement'> & { situations: Dashboard['situations'] }> {
  const milestoneFlags: [name: string, sql: string, bindings: string[]][] = [
    ['due', 'f.done_on is not null or f.due_on <= ?', [today]],
    ['done', 'f.done_on is not null', []],
    ['overdue', 'f.done_on is null and f.due_on < ?', [today]],
    ['known', 'f.done_on is not null and f.situation is not null', []],
    ['jt', `f.done_on is not null and f.situation in (${JOB_OR_TRAINING.map((x) => `'${x}'`).join(', ')})`, []],
    ...SITUATIONS.map((x): [string, string, string[]] => [`s_${x}`, `f.done_on is not null and f.situation = '${x}'`, []]),
  ];
  const engagementFlags: [name: string, sql: string][] = [
    ['followed', '1 = 1'],
    ['eng_any', ENGAGEMENT_ANY],
    ...ENGAGEMENTS.map((k): [string, string] => [`eng_${k}`, `f.${k}`]),
  ];
  const maxOf = (name: string, sql: string, bindings: string[] = []) => db.raw(`max(case when ${sql} then 1 else 0 end) as ${name}`, bindings);
  const sumOf = (name: string) => db.raw(`sum(t.${name}) as ${name}`);
  const [perMilestone, engagement] = await Promise.all([
    db.from(
      enrolmentsIn(db, scope, f)
        .join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id')
        .groupBy('e.youth_id', 'f.milestone_months')
        .select('e.youth_id', 'f.milestone_months', ...milestoneFlags.map(([name, sql, b]) => maxOf(name, sql, b)))
        .as('t'),
    )
      .groupBy('t.milestone_months')
      .select('t.milestone_months', ...milestoneFlags.map(([name]) => sumOf(name))) as Promise<Record<string, unknown>[]>,
    db.from(
      enrolmentsIn(db, scope, f)
        .join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id')
        .whereNotNull('f.done_on')
        .groupBy('e.youth_id')
        .select('e.youth_id', ...engagementFlags.map(([name, sql]) => maxOf(name, sql)))
        .as('t'),
    ).first(...engagementFlags.map(([name]) => sumOf(name))) as Promise<Record<string, unknown> | undefined>,
  ]);
  const at = (m: number) => perMilestone.find((r) => toNumber(r.milestone_months) === m) ?? {};
  const e = engagement ?? {};
  return {
    followUps: MILESTONES.map((m) => ({ milestone: m, due: toNumber(at(m).due), done: toNumber(at(m).done), overdue: toNumber(at(m).overdue) })),
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
 * Document readiness of the groups still in preparation. The rule of what a paper must be for a trip
 * (validity beyond the return, visa where needed, papers for minors...) lives in src/documents, in code:
 * it is reused as is rather than copied into SQL. Only groups in preparation are read, a few dozen at most.
 */
async function readinessInPreparation(db: Db, scope: ReportScope, f: ReportFilters, today: string): Promise<Dashboard['readiness']> {
  const groups = await whereGroups(db({ g: 'groups' }), scope, f)
    .where('g.phase', 'preparation')
    .select('g.id', 'g.name', 'g.destination_country', 'g.phase', 'g.departure_date', 'g.return_date');
  const states = await readinessOfGroups(db, groups, today);
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

// ---------------------------------------------------------------------------------------------------
// The lists behind the figures

export interface ReportYouth {
  youth_id: number;
  first_name: string;
  last_name: string;
  group_id: number;
  group_name: string;
  phase: Phase;
  enrolment_id: number;
}

/** The youths behind a figure: one line per youth and group they count in, ordered by name. */
export async function listFigureYouths(db: Db, scope: ReportScope, f: ReportFilters, fig: YouthFigure, today: string = todayIso(), limit = 2000): Promise<ReportYouth[]> {
  const c = youthCondition(fig, today);
  return youthsIn(db, scope, f, today)
    .join({ y: 'youths' }, 'y.id', 'e.youth_id')
    .whereRaw(c.sql, c.bindings)
    .orderBy([{ column: 'y.last_name' }, { column: 'y.first_name' }, { column: 'g.name' }])
    .limit(limit)
    .select('y.id as youth_id', 'y.first_name', 'y.last_name', 'g.id as group_id', 'g.name as group_name', 'g.phase', 'e.id as enrolment_id');
}

export interface ReportPerson {
  youth_id: number;
  first_name: string;
  last_name: string;
  /** The groups in which the youth counts in the figure (more than one for a youth who came back as peer leader). */
  groups: { group_id: number; group_name: string; phase: Phase; enrolment_id: number }[];
}

/** One entry per youth, as the figure counts them, with the groups they count in. */
export function byYouth(rows: ReportYouth[]): ReportPerson[] {
  const people = new Map<number, ReportPerson>();
  for (const r of rows) {
    const id = toNumber(r.youth_id);
    const person = people.get(id) ?? { youth_id: id, first_name: r.first_name, last_name: r.last_name, groups: [] };
    person.groups.push({ group_id: toNumber(r.group_id), group_name: r.group_name, phase: r.phase, enrolment_id: toNumber(r.enrolment_id) });
    people.set(id, person);
  }
  return [...people.values()];
}

export const GROUP_FIGURES = ['all', 'phase', 'noRestitution', 'restitution', 'preparation', 'attendance'] as const;
export type GroupFigure = (typeof GROUP_FIGURES)[number];

export interface ReportGroup {
  id: number;
  name: string;
  structure_name: string;
  destination_country: string;
  departure_date: string | null;
  phase: Phase;
  enrolled: number;
  departed: number;
  attended: number;
  counted: number;
  events: number;
  people: number;
  ready?: number;
  departing?: number;
}

/** The groups behind a figure, each with its own enrolled, departed, attendance and reach. */
export async function listFigureGroups(db: Db, scope: ReportScope, f: ReportFilters, figure: GroupFigure, phase?: Phase, today: string = todayIso()): Promise<ReportGroup[]> {
  const q = whereGroups(db({ g: 'groups' }).join({ s: 'structures' }, 's.id', 'g.structure_id'), scope, f);
  if (figure === 'phase' && phase) q.where('g.phase', phase);
  if (figure === 'preparation') q.where('g.phase', 'preparation');
  if (figure === 'noRestitution' || figure === 'restitution') {
    const events = function (this: Knex.QueryBuilder) {
      this.select(db.raw('1')).from('restitution_events as r').whereRaw('r.group_id = g.id');
    };
    if (figure === 'noRestitution') q.whereIn('g.phase', PHASES.filter(hasReturned)).whereNotExists(events);
    else q.whereExists(events);
  }
  // One grouped query per measure, over the same groups, rather than a subquery per group and per column.
  const [rows, youths, attendance, events] = await Promise.all([
    q.orderByRaw('g.departure_date desc, g.name')
      .select('g.id', 'g.name', 's.name as structure_name', 'g.destination_country', 'g.departure_date', 'g.return_date', 'g.phase'),
    youthsIn(db, scope, f, today)
      .groupBy('e.group_id')
      .select('e.group_id', db.raw('count(distinct e.youth_id) as enrolled'), countWhere(db, youthCondition({ figure: 'departed' }, today), 'departed')),
    whereGroups(countedAttendance(db).join({ g: 'groups' }, 'g.id', 'm.group_id'), scope, f)
      .groupBy('m.group_id')
      .select('m.group_id', ...attendanceSums(db)),
    whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), scope, f)
      .groupBy('r.group_id')
      .select('r.group_id', db.raw('count(*) as events'), db.raw('sum(r.audience_total) as people')),
  ]);
  const byGroup = <T extends { group_id: unknown }>(list: T[]) => new Map(list.map((r) => [toNumber(r.group_id), r]));
  const y = byGroup(youths as { group_id: unknown; enrolled: unknown; departed: unknown }[]);
  const a = byGroup(attendance as { group_id: unknown; attended: unknown; counted: unknown }[]);
  const ev = byGroup(events as { group_id: unknown; events: unknown; people: unknown }[]);
  const groups: ReportGroup[] = rows.map((r: Record<string, unknown>) => {
    const id = toNumber(r.id);
    return {
      id, name: String(r.name), structure_name: String(r.structure_name), destination_country: String(r.destination_country),
      departure_date: (r.departure_date as string | null) ?? null, phase: r.phase as Phase,
      enrolled: toNumber(y.get(id)?.enrolled), departed: toNumber(y.get(id)?.departed),
      attended: toNumber(a.get(id)?.attended), counted: toNumber(a.get(id)?.counted),
      events: toNumber(ev.get(id)?.events), people: toNumber(ev.get(id)?.people),
    };
  });
  if (figure === 'preparation') {
    const states = await readinessOfGroups(db, rows.map((r: Record<string, unknown>) => ({
      id: toNumber(r.id), name: String(r.name), destination_country: String(r.destination_country), phase: r.phase as Phase,
      departure_date: (r.departure_date as string | null) ?? null, return_date: (r.return_date as string | null) ?? null,
    })), today);
    for (const g of groups) {
      const youths = states.find((s) => s.group.id === g.id)?.youths ?? [];
      g.departing = youths.length;
      g.ready = youths.filter((y) => y.ready).length;
    }
  }
  return groups;
}
