import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import type { Phase } from '../phases/order.js';
import type { WithdrawalReason } from '../participants/withdrawal.js';
import type { Situation } from '../participants/participant.js';
import type { Engagement, Milestone } from '../followups/followup.js';
import { attendanceSums, countedAttendance } from '../meetings/meeting.js';
import { readinessOfGroups } from '../documents/readiness.js';
import { whereGroups, type ReportFilters, type ReportScope } from './filters.js';
import { countWhere, youthCondition, youthsIn, type SituationMoment, type YouthFigure } from './who-counts.js';
import {
  assessmentAverages, backWithoutRestitution, gathered, groupsByPhase, groupsWithoutRestitution, heldRestitution, seriousIncidents, preparationAttendance,
  ratio, readinessInPreparation, restitutionReach, situationsAtEnrolment, withdrawnByPhase, withdrawnByReason,
} from './figures.js';
import { followUpFigures } from './follow-up-figures.js';
import { youthFigures, type Breakdown } from './breakdowns.js';
import { budgetTotals, type BudgetTotals } from '../budget/budget-figures.js';
import { trendsByYear, type TrendYear } from './trends.js';

/**
 * The director's outcome figures, across groups and years (GET /reports, its CSV and its PDF), and the
 * lists of youths and groups behind each figure. Who counts in a youth figure is decided in
 * `who-counts.ts`; each figure is one named query of `figures.ts` (and `follow-up-figures.ts`), the youth
 * figures counted in the same pass as the funders' breakdowns (`breakdowns.ts`).
 */

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
  /** Per milestone, in youths: due = reached + triedNotReached + notTried; byYouth of the reached answered their link themselves. */
  followUps: { milestone: Milestone; due: number; reached: number; byYouth: number; triedNotReached: number; notTried: number; overdue: number }[];
  situations: { at: SituationMoment; known: number; jobOrTraining: number; share: number | null; bySituation: Record<Situation, number> }[];
  engagement: { followed: number; any: number; byKind: Record<Engagement, number> };
  assessments: { competenceId: number; key: string; labelFr: string; labelEn: string; before: number | null; after: number | null; youthsBefore: number; youthsAfter: number }[];
  missing: { overdueYouths: number; missingAfter: number; groupsWithoutRestitution: number };
  /** Serious and emergency incidents of the stays, counted and never named. */
  seriousIncidents: number;
  /** The funders' figures by gender, age band, fewer opportunities, priority neighbourhood and rural area. */
  breakdowns: Breakdown[];
  /** The groups' money: planned, granted and spent (src/budget/). */
  budget: BudgetTotals;
  /** The main figures per year of departure, oldest first ("Évolution d'une année à l'autre"). */
  trends: TrendYear[];
}

/** Every figure of the dashboard, each query run side by side and its answer taken by name. */
export async function computeDashboard(db: Db, scope: ReportScope, filters: ReportFilters, today: string = todayIso()): Promise<Dashboard> {
  const q = { db, scope, filters, today };
  const figures = await gathered({
    groups: groupsByPhase(q),
    youths: youthFigures(q),
    withdrawnByReason: withdrawnByReason(q),
    withdrawnByPhase: withdrawnByPhase(q),
    attendance: preparationAttendance(q),
    reach: restitutionReach(q),
    followUps: followUpFigures(q),
    atEnrolment: situationsAtEnrolment(q),
    assessments: assessmentAverages(q),
    groupsWithoutRestitution: groupsWithoutRestitution(q),
    readiness: readinessInPreparation(q),
    seriousIncidents: seriousIncidents(q),
    budget: budgetTotals(q),
    trends: trendsByYear(q),
  });
  const { reach, followUps } = figures;
  const youths = figures.youths.counts;
  return {
    today,
    groups: figures.groups,
    funnel: { enrolled: youths.enrolled, prepared: youths.prepared, departed: youths.departed, returned: youths.returned, presented: youths.presented },
    withdrawn: { total: youths.withdrawn, inTouch: youths.inTouch, byReason: figures.withdrawnByReason, byPhase: figures.withdrawnByPhase },
    attendance: figures.attendance,
    readiness: figures.readiness,
    restitution: { ...reach, perDeparted: ratio(reach.peopleReached, youths.departed) },
    followUps: followUps.followUps,
    situations: [figures.atEnrolment, ...followUps.situations],
    engagement: followUps.engagement,
    assessments: figures.assessments,
    missing: { overdueYouths: youths.overdue, missingAfter: youths.missingAfter, groupsWithoutRestitution: figures.groupsWithoutRestitution },
    seriousIncidents: figures.seriousIncidents,
    breakdowns: figures.youths.breakdowns,
    budget: figures.budget,
    trends: figures.trends,
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
  if (figure === 'noRestitution') backWithoutRestitution(db, q);
  if (figure === 'restitution') q.whereExists(heldRestitution(db));
  // One grouped query per measure, over the same groups, rather than a subquery per group and per column.
  const measures = await gathered({
    rows: q.orderByRaw('g.departure_date desc, g.name')
      .select('g.id', 'g.name', 's.name as structure_name', 'g.destination_country', 'g.departure_date', 'g.return_date', 'g.phase') as Promise<
      { id: unknown; name: string; structure_name: string; destination_country: string; departure_date: string | null; return_date: string | null; phase: Phase }[]
    >,
    youths: youthsIn(db, scope, f, today)
      .groupBy('e.group_id')
      .select('e.group_id', db.raw('count(distinct e.youth_id) as enrolled'), countWhere(db, { figure: 'departed' }, today, 'departed')) as Promise<
      { group_id: unknown; enrolled: unknown; departed: unknown }[]
    >,
    attendance: whereGroups(countedAttendance(db).join({ g: 'groups' }, 'g.id', 'm.group_id'), scope, f)
      .groupBy('m.group_id')
      .select('m.group_id', ...attendanceSums(db)) as Promise<{ group_id: unknown; attended: unknown; counted: unknown }[]>,
    events: whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), scope, f)
      .groupBy('r.group_id')
      .select('r.group_id', db.raw('count(*) as events'), db.raw('sum(r.audience_total) as people')) as Promise<{ group_id: unknown; events: unknown; people: unknown }[]>,
  });
  const byGroup = <T extends { group_id: unknown }>(list: T[]) => new Map(list.map((r) => [toNumber(r.group_id), r]));
  const y = byGroup(measures.youths);
  const a = byGroup(measures.attendance);
  const ev = byGroup(measures.events);
  const rows = measures.rows.map((r) => ({ ...r, id: toNumber(r.id), departure_date: r.departure_date ?? null, return_date: r.return_date ?? null }));
  const groups: ReportGroup[] = rows.map((r) => ({
    id: r.id, name: r.name, structure_name: r.structure_name, destination_country: r.destination_country, departure_date: r.departure_date, phase: r.phase,
    enrolled: toNumber(y.get(r.id)?.enrolled), departed: toNumber(y.get(r.id)?.departed),
    attended: toNumber(a.get(r.id)?.attended), counted: toNumber(a.get(r.id)?.counted),
    events: toNumber(ev.get(r.id)?.events), people: toNumber(ev.get(r.id)?.people),
  }));
  if (figure === 'preparation') {
    const states = await readinessOfGroups(db, rows, today);
    for (const g of groups) {
      const youths = states.find((s) => s.group.id === g.id)?.youths ?? [];
      g.departing = youths.length;
      g.ready = youths.filter((y) => y.ready).length;
    }
  }
  return groups;
}
