import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { scopedGroups, type ScopedGroup } from '../groups/group.js';
import { consecutiveUnexcusedAbsences, localNow, type AbsenceFlag } from '../meetings/meeting.js';
import { departureGate } from '../phases/phase.js';
import { documentsDue, type DueItem } from '../documents/readiness.js';
import { dueFollowUps, type DueFollowUp } from '../followups/followup.js';
import { settingsOf } from '../structures/settings.js';
import { unacknowledgedIncidents, type UnacknowledgedIncident } from '../stay/stay.js';

export interface AgendaMeeting {
  id: number;
  group_id: number;
  group_name: string;
  starts_at: string;
  type: string;
  place: string | null;
}

export interface Agenda {
  thisWeek: AgendaMeeting[];
  registersToTake: AgendaMeeting[];
  flagged: AbsenceFlag[];
  awaitingApproval: ScopedGroup[];
  /** Follow-ups of the groups the worker leads, overdue or due within a fortnight. */
  followUpsDue: DueFollowUp[];
  /** Papers due within 14 days or late, in the worker's groups that have not left yet. */
  documentsDue: DueItem[];
  /** For a director: serious and emergency incidents of a stay nobody acknowledged yet, shown first. */
  incidents: UnacknowledgedIncident[];
}

/**
 * The home page's sections, most urgent first: a serious incident abroad (the director's), a youth who missed twice may be dropping out, a register not
 * taken is forgotten by next week, a departure waits on someone; follow-ups and papers have their dates.
 */
export const HOME_SECTIONS = ['incidents', 'flagged', 'registers', 'approval', 'followups', 'documents', 'week'] as const;
export type HomeSection = (typeof HOME_SECTIONS)[number];
/** Lines each section shows before its "see all": what fits, with the others, in two screens of a phone. */
export const FIRST_LINES = 2;

/** The section whose "see all" was followed (`/?all=registers`), listed whole; any other value lists none. */
export const sectionShownWhole = (asked: unknown): HomeSection | null => HOME_SECTIONS.find((s) => s === asked) ?? null;

/**
 * Where a day starts that is not on the agenda: the admin's on the accounts, a youth's on their own journey,
 * a network's coordinator on its figures, the platform's admin on its networks and structures.
 */
export function startPageFor(user: Express.User): string | null {
  if (user.role === 'admin') return '/admin/users';
  if (user.role === 'coordinator') return '/network';
  if (user.role === 'platform_admin') return '/platform';
  // A youth's day starts on their own journey: their group's phase, sessions, papers and before/after.
  if (user.role === 'youth') return '/me';
  return null;
}

/**
 * What needs the user now, across the groups in their scope: this week's sessions, past sessions whose
 * register was not taken, youths with two unexcused absences in a row, and groups whose departure only
 * waits for a director's yes. Later modules (documents, follow-ups) add their own lists here.
 */
export async function agendaFor(db: Db, user: Express.User): Promise<Agenda> {
  const groups: ScopedGroup[] = await scopedGroups(db, user).orderBy('groups.departure_date');
  const ids = groups.map((g) => g.id);
  if (!ids.length) return { thisWeek: [], registersToTake: [], flagged: [], awaitingApproval: [], followUpsDue: [], documentsDue: [], incidents: [] };
  const now = localNow();
  const weekEnd = dayjs(now.slice(0, 10)).add(7, 'day').format('YYYY-MM-DD');
  const meetings = () =>
    db('meetings')
      .join('groups', 'groups.id', 'meetings.group_id')
      .whereIn('meetings.group_id', ids)
      .select('meetings.id', 'meetings.group_id', 'groups.name as group_name', 'meetings.starts_at', 'meetings.type', 'meetings.place');
  const [thisWeek, registersToTake, flagged] = await Promise.all([
    meetings().where('meetings.starts_at', '>=', now.slice(0, 10)).where('meetings.starts_at', '<', weekEnd).orderBy('meetings.starts_at'),
    meetings().where('meetings.starts_at', '<', now).whereNull('meetings.register_taken_at').orderBy('meetings.starts_at', 'desc').limit(30),
    consecutiveUnexcusedAbsences(db, ids),
  ]);
  // A gate per group in preparation: few groups are, and the gate is the one place that knows the rule.
  const awaitingApproval: ScopedGroup[] = [];
  for (const g of groups.filter((x) => x.phase === 'preparation')) {
    const gate = await departureGate(db, g);
    if (!gate.approval && gate.departingCount > 0 && gate.youths.length === 0) awaitingApproval.push(g);
  }
  const followUpsDue = user.role === 'worker' ? await owedFollowUps(db, groups) : [];
  const documentsDueSoon = user.role === 'worker' ? await documentsDue(db, groups) : [];
  const incidents = user.role === 'director' ? await unacknowledgedIncidents(db, ids) : [];
  return { thisWeek, registersToTake, flagged, awaitingApproval, followUpsDue, documentsDue: documentsDueSoon, incidents };
}

/**
 * The follow-ups due, as the follow-ups page shows them: the latest round first (a 6-month call can still be
 * made on time, a 1-month one missed in winter cannot), and none of a round the group's structure no longer
 * plans — those calls are not owed.
 */
async function owedFollowUps(db: Db, groups: ScopedGroup[]): Promise<DueFollowUp[]> {
  const structureIds = [...new Set(groups.map((g) => g.structure_id))];
  const planned = new Map(await Promise.all(structureIds.map(async (id) => [id, (await settingsOf(db, id)).milestones] as const)));
  const structureOf = new Map(groups.map((g) => [g.id, g.structure_id]));
  return (await dueFollowUps(db, groups.map((g) => g.id)))
    .filter((f) => planned.get(structureOf.get(f.group_id)!)!.includes(f.milestone_months))
    .sort((a, b) => b.milestone_months - a.milestone_months || a.due_on.localeCompare(b.due_on));
}
