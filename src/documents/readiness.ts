import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import { isMinorAt } from '../participants/participant.js';
import { hasLeft, type Phase } from '../phases/order.js';
import { requirementsOf, type Requirement } from './requirements.js';
import { documentsOfEnrolments, evaluate, type Evaluation, type MissingDocument, type TripDates } from './youth-document.js';

export type { MissingDocument };

interface GroupForReadiness extends TripDates {
  id: number;
  name: string;
  destination_country: string;
  phase: Phase;
}

export interface YouthReadiness {
  enrolmentId: number;
  firstName: string;
  lastName: string;
  birthDate: string;
  userId: number | null;
  minorAtDeparture: boolean | null;
  /** One per requirement the group asks for (enabled), in the order of the requirements. */
  papers: Evaluation[];
  ready: boolean;
}

export interface GroupReadiness {
  group: GroupForReadiness;
  /** The requirements the group asks for. */
  requirements: Requirement[];
  youths: YouthReadiness[];
}

/**
 * Where every departing youth of some groups stands, paper by paper: three queries whatever the number
 * of groups and youths (the rules, the youths, their papers). Youths who withdrew or are not meant to
 * leave are not asked for anything. `onlyEnrolments` narrows it to some youths, for a page that may show
 * a youth their own papers and nobody else's: the others' are then not even read.
 */
export async function readinessOfGroups(db: Db, groups: GroupForReadiness[], today: string = todayIso(), onlyEnrolments?: number[]): Promise<GroupReadiness[]> {
  if (!groups.length) return [];
  const ids = groups.map((g) => g.id);
  const [rules, youths] = await Promise.all([
    requirementsOf(db, groups),
    db('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .whereIn('enrolments.group_id', ids)
      .where({ 'enrolments.status': 'enrolled', 'enrolments.departing': true })
      .modify((q) => { if (onlyEnrolments) q.whereIn('enrolments.id', onlyEnrolments); })
      .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
      .select('enrolments.id', 'enrolments.group_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date', 'youths.user_id') as Promise<
      { id: number; group_id: number; first_name: string; last_name: string; birth_date: string; user_id: number | null }[]
    >,
  ]);
  const docs = await documentsOfEnrolments(db, youths.map((y) => Number(y.id)));
  return groups.map((group) => {
    const requirements = (rules.get(group.id) ?? []).filter((r) => r.enabled);
    return {
      group,
      requirements,
      youths: youths
        .filter((y) => Number(y.group_id) === group.id)
        .map((y) => {
          const papers = requirements.map((r) => evaluate(r, y, group, docs.find((d) => Number(d.enrolment_id) === Number(y.id) && d.kind === r.kind), today));
          return {
            enrolmentId: Number(y.id), firstName: y.first_name, lastName: y.last_name, birthDate: y.birth_date, userId: y.user_id,
            minorAtDeparture: isMinorAt(y.birth_date, group.departure_date), papers,
            ready: papers.every((p) => !p.applies || p.ready),
          };
        }),
    };
  });
}

/** Youths still enrolled but not meant to leave: the board says nothing is asked of them. */
export async function countNotLeaving(db: Db, groupId: number): Promise<number> {
  const [row] = await db('enrolments').where({ group_id: groupId, status: 'enrolled', departing: false }).count<{ n: number | string }[]>({ n: '*' });
  return toNumber(row?.n);
}

export async function readinessOfGroup(db: Db, group: GroupForReadiness, onlyEnrolments?: number[]): Promise<GroupReadiness> {
  return (await readinessOfGroups(db, [group], todayIso(), onlyEnrolments))[0]!;
}

/**
 * The question the departure gate asks: for each departing youth of the group (or only those of
 * `onlyEnrolments`), the papers that are not checked and valid for the trip, as i18n keys with their
 * values. Youths with nothing missing are absent.
 */
export async function missingDocuments(db: Db, groupId: number, onlyEnrolments?: number[]): Promise<Map<number, MissingDocument[]>> {
  const group: GroupForReadiness | undefined = await db('groups').where({ id: groupId }).first('id', 'name', 'destination_country', 'phase', 'departure_date', 'return_date');
  const out = new Map<number, MissingDocument[]>();
  if (!group) return out;
  const { youths } = await readinessOfGroup(db, group, onlyEnrolments);
  for (const y of youths) {
    const missing = y.papers.filter((p) => p.applies && p.problem).map((p) => p.problem!);
    if (missing.length) out.set(y.enrolmentId, missing);
  }
  return out;
}

export interface DueItem {
  groupId: number;
  groupName: string;
  enrolmentId: number;
  firstName: string;
  lastName: string;
  kind: Evaluation['requirement']['kind'];
  label: string;
  state: Evaluation['state'];
  deadline: string;
  overdue: boolean;
}

/**
 * For the worker's home page: what youths of these groups still have to hand in with a deadline in the
 * next `days` days or already past, soonest first. Only groups that have not left yet.
 */
export async function documentsDue(db: Db, groups: GroupForReadiness[], days = 14, today: string = todayIso()): Promise<DueItem[]> {
  const until = dayjs(today).add(days, 'day').format('YYYY-MM-DD');
  const coming = groups.filter((g) => !hasLeft(g.phase) && (!g.departure_date || g.departure_date >= today));
  const items: DueItem[] = [];
  for (const { group, youths } of await readinessOfGroups(db, coming, today)) {
    for (const y of youths) {
      for (const p of y.papers) {
        if (!p.applies || !p.toHandIn || !p.deadline || p.deadline > until) continue;
        items.push({
          groupId: group.id, groupName: group.name, enrolmentId: y.enrolmentId, firstName: y.firstName, lastName: y.lastName,
          kind: p.requirement.kind, label: p.label, state: p.state, deadline: p.deadline, overdue: p.overdue,
        });
      }
    }
  }
  return items.sort((a, b) => a.deadline.localeCompare(b.deadline) || a.lastName.localeCompare(b.lastName) || a.firstName.localeCompare(b.firstName));
}
