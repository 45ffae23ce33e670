import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, isUniqueViolation, toNumber } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { scopedGroups } from '../groups/group.js';
import { hasLeft, hasReturned, PHASES, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';

/**
 * "Youths back from Morocco prepare a new group": a youth who took part in a project comes back into a later
 * group as peer leader. They keep one file (one youths row) with an enrolment in each group, and their
 * history shows every group and their role in each.
 */

/** A youth can come back into a group that has not left yet. */
const GROUP_OPEN_TO_PEER_LEADERS = PHASES.filter((phase) => !hasLeft(phase));
export const isOpenToPeerLeaders = (group: { phase: Phase }): boolean => GROUP_OPEN_TO_PEER_LEADERS.includes(group.phase);
/** They come from a group that is back: they have a trip to pass on. */
const BACK = PHASES.filter(hasReturned);

export interface HistoryEntry {
  enrolment_id: number;
  group_id: number;
  group_name: string;
  phase: Phase;
  departure_date: string | null;
  return_date: string | null;
  role: 'participant' | 'peer_leader';
  status: 'enrolled' | 'withdrawn';
  enrolled_on: string;
  structure_id: number;
  /** Restitution events they presented at with this group. */
  events_presented: number;
}

/** Every group of a youth, oldest first, with their role in each. */
export async function youthHistory(db: Db, youthId: number): Promise<HistoryEntry[]> {
  const presented = db('restitution_presenters').count('*').whereRaw('restitution_presenters.enrolment_id = enrolments.id').as('events_presented');
  const rows = await db('enrolments')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .where('enrolments.youth_id', youthId)
    .orderByRaw('coalesce(groups.departure_date, enrolments.enrolled_on), enrolments.id')
    .select(
      'enrolments.id as enrolment_id', 'groups.id as group_id', 'groups.name as group_name', 'groups.phase', 'groups.departure_date',
      'groups.return_date', 'enrolments.role', 'enrolments.status', 'enrolments.enrolled_on', 'groups.structure_id', presented,
    );
  return rows.map((r: HistoryEntry) => ({ ...r, structure_id: toNumber(r.structure_id), events_presented: toNumber(r.events_presented) }));
}

export interface CandidateYouth {
  youth_id: number;
  first_name: string;
  last_name: string;
}

export interface CandidateGroup {
  group_id: number;
  group_name: string;
  phase: Phase;
  youths: CandidateYouth[];
}

/**
 * The youths a worker may bring into a group as peer leaders: those still in a group the worker can see
 * that is back from its stay, of the same structure, and not in the target group already. A youth of
 * another structure gets a file of this structure (enrolled, then linked: src/participants/youth-link.ts):
 * one file across structures would show this structure what the other recorded about them.
 */
export async function peerLeaderCandidates(db: Db, user: Express.User, targetGroupId: number): Promise<CandidateGroup[]> {
  const groups: { id: number; name: string; phase: Phase }[] = await scopedGroups(db, user)
    .whereIn('groups.phase', BACK)
    .whereNot('groups.id', targetGroupId)
    .where('groups.structure_id', db('groups as target').where('target.id', targetGroupId).select('target.structure_id'))
    .orderByRaw('groups.return_date desc, groups.name');
  if (!groups.length) return [];
  const youths: (CandidateYouth & { group_id: number })[] = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .whereIn('enrolments.group_id', groups.map((g) => g.id))
    .where('enrolments.status', 'enrolled')
    .whereNotExists(db('enrolments as t').whereRaw('t.youth_id = enrolments.youth_id').where('t.group_id', targetGroupId))
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select('enrolments.group_id', 'youths.id as youth_id', 'youths.first_name', 'youths.last_name');
  return groups
    .map((g) => ({
      group_id: g.id, group_name: g.name, phase: g.phase,
      youths: youths.filter((y) => y.group_id === g.id).map(({ youth_id, first_name, last_name }) => ({ youth_id, first_name, last_name })),
    }))
    .filter((g) => g.youths.length);
}

/**
 * The groups a worker leads that a youth could join as peer leader: of the structure of the youth's file
 * (`structureId`), not left yet, and without this youth.
 */
export async function peerLeaderTargets(db: Db, user: Express.User, youthId: number, structureId: number): Promise<{ id: number; name: string }[]> {
  if (user.role !== 'worker') return [];
  return scopedGroups(db, user)
    .whereIn('groups.phase', GROUP_OPEN_TO_PEER_LEADERS)
    .where('groups.structure_id', structureId)
    .whereNotExists(db('enrolments').whereRaw('enrolments.group_id = groups.id').where('enrolments.youth_id', youthId))
    .orderByRaw('groups.departure_date, groups.name')
    .clearSelect()
    .select('groups.id', 'groups.name');
}

export const PeerLeaderForm = z.object({
  youthId: z.string({ message: 'followups.peerLeader.errors.choose' }).regex(/^\d{1,12}$/, { message: 'followups.peerLeader.errors.choose' }).transform(Number),
});

/** Every refusal is about the youth chosen (or the group they would join): its message goes by the choice. */
const refused = (messageKey: string) => new Refusal('youthId', messageKey);

/**
 * Enrols a youth of an earlier group into this one as peer leader: a new enrolment of the same youth, so
 * their file stays one. Their situation on joining is the last one a follow-up recorded, if any.
 */
export async function enrolPeerLeader(db: Db, user: Express.User, group: { id: number; phase: Phase }, youthId: number): Promise<number> {
  if (!isOpenToPeerLeaders(group)) throw refused('followups.peerLeader.errors.groupLeft');
  const candidates = await peerLeaderCandidates(db, user, group.id);
  if (!candidates.some((g) => g.youths.some((y) => y.youth_id === youthId))) {
    const already = await db('enrolments').where({ group_id: group.id, youth_id: youthId }).first('id');
    throw refused(already ? 'followups.peerLeader.errors.already' : 'followups.peerLeader.errors.unknown');
  }
  const lastSituation = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .where('enrolments.youth_id', youthId)
    .whereNotNull('follow_ups.situation')
    .orderBy([{ column: 'follow_ups.done_on', order: 'desc' }, { column: 'follow_ups.id', order: 'desc' }])
    .first('follow_ups.situation');
  try {
    const [row] = await db('enrolments')
      .insert({
        group_id: group.id, youth_id: youthId, role: 'peer_leader', status: 'enrolled', enrolled_on: today(),
        situation_at_enrolment: lastSituation?.situation ?? null, departing: true, created_at: nowIso(),
      })
      .returning('id');
    return insertedId(row);
  } catch (err) {
    // Two clicks at once: the unique (group, youth) pair refuses the second enrolment.
    if (isUniqueViolation(err)) throw refused('followups.peerLeader.errors.already');
    throw err;
  }
}

export interface YouthGroupsPanel {
  /** Every group of the youth; `visible` when the reader can open that group (their scope). */
  history: (HistoryEntry & { visible: boolean })[];
  /** Groups the reader leads that the youth could join as peer leader. */
  targets: { id: number; name: string }[];
}

/** The youth's file page: their groups and roles, and where the reader could bring them back as peer leader. */
export async function youthGroupsPanel(db: Db, user: Express.User, youthId: number, group: { structure_id: number }): Promise<YouthGroupsPanel> {
  const [history, visible, targets] = await Promise.all([
    youthHistory(db, youthId),
    scopedGroups(db, user).clearSelect().select('groups.id'),
    peerLeaderTargets(db, user, youthId, group.structure_id),
  ]);
  const seen = new Set(visible.map((g: { id: number }) => g.id));
  // A file that went into another structure's group before files were kept per structure: that group is
  // named only to those who see it.
  const shown = history.filter((h) => seen.has(h.group_id) || h.structure_id === group.structure_id);
  return { history: shown.map((h) => ({ ...h, visible: seen.has(h.group_id) })), targets };
}
