import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { phaseRank, phaseRankSql, type Phase } from '../phases/order.js';
import { keptOutAtSql, type WithdrawalReason } from '../participants/withdrawal.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';
import { countsSql, ENGAGEMENTS, type Engagement, type Milestone } from '../followups/followup.js';
import { whereGroups, type ReportFilters, type ReportScope } from './filters.js';

/**
 * Who counts in each youth figure of the directors' outcome figures: one SQL condition per figure, over an
 * enrolment `e` of a group `g`. A figure counts `distinct e.youth_id` where its condition holds (a youth who
 * came back in a later group as peer leader is one person); the list behind a figure selects the same
 * youths with the same condition, so the number and the list cannot disagree. The same query text runs on
 * SQLite and PostgreSQL.
 */

/** "In job or training": what funders ask about at 6 and 12 months. School is shown apart. */
export const JOB_OR_TRAINING: Situation[] = ['employed', 'training'];
export const SITUATION_MOMENTS = ['enrolment', '6', '12'] as const;
export type SituationMoment = (typeof SITUATION_MOMENTS)[number];

/**
 * Out of the project when the group entered the phase `boundary` (the rule of the group funnel, in
 * src/participants/withdrawal.ts; a test checks that both count the same), as a flag per enrolment.
 */
const outAt = (boundary: Phase): string => `max(case when ${keptOutAtSql(boundary)} then 1 else 0 end)`;

/**
 * What each enrolment's other rows say, one row per enrolment, joined once: a withdrawal that stops it at a
 * boundary, a withdrawal still running, a presentation, its follow-ups (one overdue, one done, an engagement
 * ticked), an "after" self-assessment.
 * Joining these summaries beats one correlated EXISTS per figure and per youth: on ten years of data the
 * EXISTS form cost PostgreSQL half a second of JIT compilation alone (see scripts/bench-dashboard.ts).
 * Each summary reads only the enrolments in scope (`inScope`, through their index): over the whole table,
 * one structure's dashboard of a national network summed every structure's withdrawals and overdue
 * follow-ups, 110 of its 120 ms (`npm run bench:dashboard -- --national`). Each is one row per enrolment,
 * so PostgreSQL leaves out of a query the summaries its conditions do not read (SQLite does not: a figure
 * that reads only the withdrawals joins `withWithdrawals`). Each says so with `group by`, not `select
 * distinct`: SQLite (3.52, node-sqlite3's) built no index on a distinct summary and scanned it whole for each
 * enrolment; the director's youth counts on ten years of data took 100 ms instead of 20.
 */
function withFlags(db: Db, q: Knex.QueryBuilder, inScope: () => Knex.QueryBuilder, withStructure: () => Knex.QueryBuilder, today: string): Knex.QueryBuilder {
  return withWithdrawals(db, q, inScope)
    .leftJoin(db.raw('(select rp.enrolment_id from restitution_presenters rp where rp.enrolment_id in ? group by rp.enrolment_id) rp', [inScope()]), 'rp.enrolment_id', 'e.id')
    // Only the rounds the youth's structure plans: those it stopped calling at are not owed. The enrolments
    // in scope come with their group's structure, rather than each follow-up looking its group up.
    .leftJoin(
      db.raw(
        '(select f.enrolment_id, max(case when f.done_on is null and f.due_on < ? then 1 else 0 end) as overdue,' +
          ` max(case when ${FOLLOW_UP_REACHED} then 1 else 0 end) as reached, max(case when ${FOLLOW_UP_REACHED} and (${ENGAGEMENT_ANY}) then 1 else 0 end) as engaged` +
          ` from follow_ups f join ? fe on fe.id = f.enrolment_id join structures fs on fs.id = fe.structure_id where ${countsSql('f', 'fs')} group by f.enrolment_id) fo`,
        [today, withStructure()],
      ),
      'fo.enrolment_id', 'e.id',
    )
    .leftJoin(db.raw("(select af.enrolment_id from assessments af where af.moment = 'after' and af.enrolment_id in ? group by af.enrolment_id) af", [inScope()]), 'af.enrolment_id', 'e.id');
}

/**
 * The withdrawals summary alone (`wx`): all that the prepared, departed, returned, withdrawn and in-touch
 * conditions read. A figure that needs only those joins this, not the other summaries: on SQLite, counting
 * the departed per year over `youthsIn` took 100 ms of ten years' data, over this 3 ms.
 */
function withWithdrawals(db: Db, q: Knex.QueryBuilder, inScope: () => Knex.QueryBuilder): Knex.QueryBuilder {
  return q
    .leftJoin(
      db.raw(
        `(select w.enrolment_id, ${outAt('departure')} as out_departure, ${outAt('stay')} as out_stay, ${outAt('return')} as out_return,` +
          ' max(case when w.rejoined_on is null then 1 else 0 end) as withdrawn,' +
          ' max(case when w.rejoined_on is null and w.stays_in_touch then 1 else 0 end) as in_touch' +
          ' from withdrawals w where w.enrolment_id in ? group by w.enrolment_id) wx',
        [inScope()],
      ),
      'wx.enrolment_id', 'e.id',
    );
}

const PREPARED = 'coalesce(wx.out_departure, 0) = 0';
// Booleans are tested bare: PostgreSQL reads a boolean, SQLite a 0/1 integer, the same text works on both.
const DEPARTED = `${phaseRankSql('g.phase')} >= ${phaseRank('stay')} and e.departing and ${PREPARED} and coalesce(wx.out_stay, 0) = 0`;
const RETURNED = `${DEPARTED} and ${phaseRankSql('g.phase')} >= ${phaseRank('return')} and coalesce(wx.out_return, 0) = 0`;
const WITHDRAWN = 'wx.withdrawn = 1';
const IN_TOUCH = 'wx.in_touch = 1';
// As in the group funnel, a step is passed only after the one before: presenting counts for those who went and came back.
const PRESENTED = `${RETURNED} and rp.enrolment_id is not null`;
const OVERDUE = 'fo.overdue = 1';
const MISSING_AFTER = `${RETURNED} and af.enrolment_id is null`;
/** Reached at a follow-up, and engaged after the return, as the funders' breakdowns count them (not figures with a list of their own). */
export const REACHED_AT_FOLLOW_UP = 'fo.reached = 1';
export const ENGAGED = 'fo.engaged = 1';
/** Any engagement ticked on a follow-up `f`. */
export const ENGAGEMENT_ANY = ENGAGEMENTS.map((k) => `f.${k}`).join(' or ');

export interface YouthFigure {
  figure: 'enrolled' | 'prepared' | 'departed' | 'returned' | 'withdrawn' | 'inTouch' | 'presented' | 'overdue' | 'missingAfter'
    | 'followUpDue' | 'followUpReached' | 'followUpTried' | 'followUpNotTried' | 'situation' | 'jobOrTraining' | 'engaged' | 'assessed';
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

/** A follow-up `f` of the enrolment at a milestone, of those that count for its group's structure (`countsSql`). */
const followUpAt = (milestone: number, extra: string, bindings: (string | number)[] = []): Condition => ({
  sql: `exists (select 1 from follow_ups f, structures fs where fs.id = g.structure_id and f.enrolment_id = e.id and f.milestone_months = ? and ${countsSql('f', 'fs')} and ${extra})`,
  bindings: [milestone, ...bindings],
});

/**
 * Where a follow-up `f` stands, as the follow-ups page counts it (`tallyOf`): due once its date has come or
 * it was tried; tried once an attempt was recorded (`reached` is no longer null); reached once done.
 */
export const FOLLOW_UP_DUE = '(f.reached is not null or f.due_on <= ?)';
export const FOLLOW_UP_TRIED = 'f.reached is not null';
export const FOLLOW_UP_REACHED = 'f.done_on is not null';

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
    case 'followUpDue': return followUpAt(fig.milestone ?? 6, FOLLOW_UP_DUE, [today]);
    case 'followUpReached': return followUpAt(fig.milestone ?? 6, FOLLOW_UP_REACHED);
    // Per enrolment: a youth followed at the same milestone in two groups (a peer leader), reached in one, is
    // listed here for the other, while the figure counts them once, as reached.
    case 'followUpTried': return followUpAt(fig.milestone ?? 6, `${FOLLOW_UP_TRIED} and not (${FOLLOW_UP_REACHED})`);
    case 'followUpNotTried': return followUpAt(fig.milestone ?? 6, `not (${FOLLOW_UP_TRIED}) and f.due_on <= ?`, [today]);
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

/** `count(distinct youth)` of the youths the figure counts, as the column `alias`. */
export const countWhere = (db: Db, fig: YouthFigure, today: string, alias: string): Knex.Raw => {
  const c = youthCondition(fig, today);
  return db.raw(`count(distinct case when ${c.sql} then e.youth_id end) as ${alias}`, c.bindings);
};

/** Enrolments of the groups in scope and filters, with the group as `g`. */
export function enrolmentsIn(db: Db, scope: ReportScope, f: ReportFilters): Knex.QueryBuilder {
  return whereGroups(db({ e: 'enrolments' }).join({ g: 'groups' }, 'g.id', 'e.group_id'), scope, f);
}

/** The same, with each enrolment's summaries (`withFlags`): what every youth figure's condition reads. */
export function youthsIn(db: Db, scope: ReportScope, f: ReportFilters, today: string): Knex.QueryBuilder {
  return withFlags(db, enrolmentsIn(db, scope, f), () => enrolmentIdsIn(db, scope, f), () => enrolmentsIn(db, scope, f).select('e.id', 'g.structure_id'), today);
}

/** Enrolments in scope with their withdrawals summary only (`withWithdrawals`): for the prepared, departed, returned, withdrawn and in-touch conditions. */
export function youthsByWithdrawalsIn(db: Db, scope: ReportScope, f: ReportFilters): Knex.QueryBuilder {
  return withWithdrawals(db, enrolmentsIn(db, scope, f), () => enrolmentIdsIn(db, scope, f));
}

/** The ids of the enrolments in scope, for a summary over another table to read only theirs. */
export function enrolmentIdsIn(db: Db, scope: ReportScope, f: ReportFilters): Knex.QueryBuilder {
  // A whole network is nearly the whole table: narrowing the summaries to it would cost more than it saves.
  return scope.structureId === null && scope.networkId ? db('enrolments').select('id') : enrolmentsIn(db, scope, f).select('e.id');
}

/**
 * Per structure of the scope, the youths a figure counts, each once per structure as that structure's own
 * dashboard counts them (a network's comparison). Each youth is reduced to a flag first, then the flags are
 * added up: a distinct count per structure sorted every enrolment of the network; filtering on the
 * condition first made PostgreSQL misjudge the rows left (3 for 73,000) and loop over them 400 times.
 */
export function countByStructure(db: Db, scope: ReportScope, f: ReportFilters, fig: YouthFigure, today: string): Knex.QueryBuilder {
  const c = youthCondition(fig, today);
  return db
    .from(
      youthsIn(db, scope, f, today)
        .groupBy('g.structure_id', 'e.youth_id')
        .select('g.structure_id', db.raw(`max(case when ${c.sql} then 1 else 0 end) as n`, c.bindings))
        .as('t'),
    )
    .groupBy('t.structure_id')
    .select('t.structure_id', db.raw('sum(t.n) as n'));
}
