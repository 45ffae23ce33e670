import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import type { GroupRow } from '../groups/group.js';
import { missingDocuments, type MissingDocument } from '../documents/readiness.js';
import { attendanceForGate } from '../meetings/meeting.js';
import { followUpProgress, scheduleFollowUps } from '../followups/followup.js';
import { countEvents } from '../restitution/restitution.js';
import { Refusal } from '../http/refusal.js';
import { hasReturned, phaseRank, PHASES, type Phase } from './order.js';

export type MissingItem =
  | { kind: 'attendance'; rate: number | null; min: number }
  | { kind: 'document'; document: MissingDocument };

export interface GateYouth {
  enrolmentId: number;
  firstName: string;
  lastName: string;
  missing: MissingItem[];
}

export interface Approval {
  id: number;
  by_user: number | null;
  by_name: string | null;
  at: string;
  override_reason: string | null;
}

export interface DepartureGate {
  /** True when the group may move from preparation to departure. */
  open: boolean;
  departingCount: number;
  /** Only the youths who lack something, each with exactly what. */
  youths: GateYouth[];
  approval: Approval | null;
}

export function currentApproval(db: Db, groupId: number): Promise<Approval | undefined> {
  return db('departure_approvals')
    .leftJoin('users', 'users.id', 'departure_approvals.by_user')
    .where('departure_approvals.group_id', groupId)
    .whereNull('departure_approvals.revoked_at')
    .orderBy('departure_approvals.id', 'desc')
    .first('departure_approvals.id', 'departure_approvals.by_user', 'users.display_name as by_name', 'departure_approvals.at', 'departure_approvals.override_reason');
}

/**
 * The departing youths of the group, each with what they lack: attendance under the group's minimum share
 * of preparation sessions, papers the documents module says are not ready. With `onlyEnrolment`, that
 * youth's line alone, and the others' papers are not read.
 */
async function gateLines(db: Db, group: GroupRow, onlyEnrolment?: number): Promise<{ departingCount: number; youths: GateYouth[] }> {
  const departing: { id: number; first_name: string; last_name: string }[] = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': group.id, 'enrolments.status': 'enrolled', 'enrolments.departing': true })
    .modify((q) => { if (onlyEnrolment !== undefined) q.where('enrolments.id', onlyEnrolment); })
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select('enrolments.id', 'youths.first_name', 'youths.last_name');
  const [attendance, documents] = await Promise.all([
    attendanceForGate(db, group.id),
    missingDocuments(db, group.id, onlyEnrolment === undefined ? undefined : [onlyEnrolment]),
  ]);
  const min = group.min_attendance_pct ?? 60;
  const youths: GateYouth[] = [];
  for (const e of departing) {
    const missing: MissingItem[] = [];
    const a = attendance.get(Number(e.id));
    const rate = a && a.counted > 0 ? a.rate : null;
    if (rate === null || rate * 100 < min) missing.push({ kind: 'attendance', rate, min });
    for (const document of documents.get(Number(e.id)) ?? []) missing.push({ kind: 'document', document });
    if (missing.length) youths.push({ enrolmentId: Number(e.id), firstName: e.first_name, lastName: e.last_name, missing });
  }
  return { departingCount: departing.length, youths };
}

/**
 * The departure gate: every youth still enrolled and meant to leave has their documents ready (the
 * documents module says which are not) and came to at least the group's minimum share of preparation
 * sessions; and a director has approved. A director's override, with its written reason, stands in for
 * the youths' gaps — never for the approval itself. Every youth's gaps: for those who may viewReadiness.
 */
export async function departureGate(db: Db, group: GroupRow): Promise<DepartureGate> {
  const [{ departingCount, youths }, approval] = await Promise.all([gateLines(db, group), currentApproval(db, group.id)]);
  const youthsOk = youths.length === 0 || Boolean(approval?.override_reason);
  return {
    open: departingCount > 0 && Boolean(approval) && youthsOk,
    departingCount,
    youths,
    approval: approval ?? null,
  };
}

/** A youth's own line of the departure gate. */
export interface OwnGateLine {
  enrolmentId: number;
  /** Empty when they have all the trip needs. */
  missing: MissingItem[];
}

/**
 * What the signed-in youth still lacks to leave with the group, and nothing of the others; null when they
 * are not a youth of the group meant to leave.
 */
export async function ownGateLine(db: Db, group: GroupRow, user: Express.User): Promise<OwnGateLine | null> {
  if (user.role !== 'youth') return null;
  const own = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': group.id, 'youths.user_id': user.id, 'enrolments.status': 'enrolled', 'enrolments.departing': true })
    .first('enrolments.id');
  if (!own) return null;
  const enrolmentId = Number(own.id);
  const { youths } = await gateLines(db, group, enrolmentId);
  return { enrolmentId, missing: youths[0]?.missing ?? [] };
}

export const TransitionForm = z.object({
  to: z.enum(PHASES, { message: 'phases.form.toRequired' }),
  note: z.string().trim().max(2000, { message: 'validation.tooLong' }).optional().transform((v) => v || null),
});

/**
 * Moves a group one phase forward, or back to any earlier phase with a reason (a postponed trip). The
 * transition row and the group's phase are written in one transaction, and the update only applies if
 * the group is still in the phase the user saw: two people clicking at once cannot skip a phase.
 */
export async function advancePhase(db: Db, user: Express.User, group: GroupRow, to: Phase, note: string | null): Promise<void> {
  const from = group.phase;
  const forward = phaseRank(to) === phaseRank(from) + 1;
  const back = phaseRank(to) < phaseRank(from);
  if (!forward && !back) throw new Refusal('_form', 'phases.refused.notNext');
  if (back && !note) throw new Refusal('note', 'phases.refused.reasonRequired');
  if (from === 'preparation' && to === 'departure') {
    const gate = await departureGate(db, group);
    if (!gate.open) throw new Refusal('_form', 'phases.refused.gateClosed', 422, gate);
  }
  await db.transaction(async (trx) => {
    const now = nowIso();
    const moved = await trx('groups').where({ id: group.id, phase: from }).update({ phase: to, updated_at: now });
    if (moved !== 1) throw new Refusal('_form', 'phases.refused.changedMeanwhile');
    await trx('phase_transitions').insert({ group_id: group.id, from_phase: from, to_phase: to, note, by_user: user.id, at: now });
    // Back to preparation means the trip as approved is off: the director must say yes again.
    if (to === 'preparation') await trx('departure_approvals').where({ group_id: group.id }).whereNull('revoked_at').update({ revoked_at: now });
    // Back home: the follow-ups at 1, 3, 6 and 12 months are planned (again harmless later: it only adds what is missing).
    if (forward && hasReturned(to)) await scheduleFollowUps(trx, group.id);
  });
}

export const ApprovalForm = z.object({
  overrideReason: z.string().trim().max(2000, { message: 'validation.tooLong' }).optional().transform((v) => v || null),
});

/** A director's yes to the departure; with a reason, it also lets the group leave despite the gaps listed. */
export async function approveDeparture(db: Db, director: Express.User, group: GroupRow, overrideReason: string | null): Promise<void> {
  if (group.phase !== 'preparation') throw new Refusal('_form', 'phases.refused.approvalOnlyInPreparation');
  await db.transaction(async (trx) => {
    const now = nowIso();
    await trx('departure_approvals').where({ group_id: group.id }).whereNull('revoked_at').update({ revoked_at: now });
    await trx('departure_approvals').insert({ group_id: group.id, by_user: director.id, at: now, override_reason: overrideReason });
  });
}

export interface TransitionRow {
  id: number;
  from_phase: Phase;
  to_phase: Phase;
  note: string | null;
  by_name: string | null;
  at: string;
  /** Set on the record of a group created at its real phase: since when it had been there. */
  taken_over_on: string | null;
}

export function listTransitions(db: Db, groupId: number): Promise<TransitionRow[]> {
  return db('phase_transitions')
    .leftJoin('users', 'users.id', 'phase_transitions.by_user')
    .where('phase_transitions.group_id', groupId)
    .orderBy('phase_transitions.id', 'desc')
    .select('phase_transitions.id', 'from_phase', 'to_phase', 'note', 'users.display_name as by_name', 'at', 'taken_over_on');
}

export interface ChecklistItem {
  key: string;
  done: boolean;
  values?: Record<string, string | number>;
}

/**
 * What the signed-in user may read of the checklist's sources: the departure gate (every youth's
 * readiness) for those who may viewReadiness, else null; the follow-ups for those who may viewFollowUps.
 * An item built on what they may not read is left out rather than shown as a bare count.
 */
export interface ChecklistSight {
  gate: DepartureGate | null;
  followUps: boolean;
}

/** What each phase needs, worked out from the data; later modules (restitution, follow-ups) add theirs. */
export async function phaseChecklist(db: Db, group: GroupRow, sight: ChecklistSight): Promise<ChecklistItem[]> {
  const today = new Date().toISOString().slice(0, 10);
  const meetings: { phase: string; starts_at: string; register_taken_at: string | null }[] = await db('meetings')
    .where({ group_id: group.id })
    .select('phase', 'starts_at', 'register_taken_at');
  const companions = Number((await db('group_companions').where({ group_id: group.id }).count<{ n: number }[]>({ n: '*' }))[0]?.n ?? 0);
  const of = (p: Phase) => meetings.filter((m) => m.phase === p);
  const pastWithoutRegister = meetings.filter((m) => m.starts_at.slice(0, 10) < today && !m.register_taken_at).length;
  const followUps = async (): Promise<ChecklistItem[]> => {
    if (!sight.followUps) return [];
    const f = await followUpProgress(db, group.id);
    return group.phase === 'return'
      ? [{ key: 'followUpsPlanned', done: f.planned > 0 }]
      : [{ key: 'followUpsPlanned', done: f.planned > 0 }, { key: 'followUpsOnTime', done: f.overdue === 0, values: { count: f.overdue } }];
  };
  switch (group.phase) {
    case 'preparation': {
      const g = sight.gate;
      const approval = g ? g.approval : await currentApproval(db, group.id);
      return [
        { key: 'datesSet', done: Boolean(group.departure_date && group.return_date) },
        { key: 'sessionsHeld', done: of('preparation').some((m) => m.register_taken_at), values: { count: of('preparation').filter((m) => m.register_taken_at).length } },
        { key: 'registersTaken', done: pastWithoutRegister === 0, values: { count: pastWithoutRegister } },
        ...(g ? [{ key: 'youthsReady', done: g.departingCount > 0 && g.youths.length === 0, values: { count: g.youths.length } }] : []),
        { key: 'companions', done: companions > 0 },
        { key: 'approval', done: Boolean(approval) },
      ];
    }
    case 'departure':
      return [
        { key: 'companions', done: companions > 0 },
        { key: 'registersTaken', done: pastWithoutRegister === 0, values: { count: pastWithoutRegister } },
      ];
    case 'stay':
      return [{ key: 'companions', done: companions > 0 }];
    case 'return':
      return [{ key: 'bilanHeld', done: of('return').some((m) => m.register_taken_at) }, ...(await followUps())];
    case 'restitution': {
      const events = await countEvents(db, group.id);
      return [{ key: 'restitutionPrepared', done: of('restitution').some((m) => m.register_taken_at) }, { key: 'restitutionEvents', done: events > 0, values: { count: events } }];
    }
    default:
      return followUps();
  }
}
