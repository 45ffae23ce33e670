import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { calendarDate, optionalText } from '../http/validation.js';
import { phaseRank, phaseRankSql, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';
import { phaseOn } from '../phases/history.js';
import type { YouthFile } from './participant.js';

/** Why youths leave a project, from the proceedings: "some found a job, some became pregnant...". */
export const WITHDRAWAL_REASONS = ['job', 'training', 'pregnancy', 'health', 'family', 'lost_contact', 'other'] as const;
export type WithdrawalReason = (typeof WITHDRAWAL_REASONS)[number];

/**
 * A withdrawal kept its youth out of the project when the group entered the phase `boundary`: they left in
 * an earlier phase and had not come back by then. Someone who left during the preparation and came back
 * before the departure still left with the group; someone who came back after the stay did not. The group
 * funnel and the directors' figures both count with this rule.
 */
export function keptOutAt(w: { phase: Phase; rejoined_on: string | null; rejoined_phase: Phase | null }, boundary: Phase): boolean {
  return phaseRank(w.phase) < phaseRank(boundary) && (w.rejoined_on === null || phaseRank(w.rejoined_phase ?? w.phase) >= phaseRank(boundary));
}

/** `keptOutAt` in SQL, over a withdrawal row aliased `w`. */
export const keptOutAtSql = (boundary: Phase): string =>
  `${phaseRankSql('w.phase')} < ${phaseRank(boundary)}` +
  ` and (w.rejoined_on is null or ${phaseRankSql('coalesce(w.rejoined_phase, w.phase)')} >= ${phaseRank(boundary)})`;

export interface WithdrawalInput {
  reason: WithdrawalReason;
  note: string | null;
  withdrawnOn: string;
  staysInTouch: boolean;
}

/** The withdraw form: a withdrawal cannot be dated in the future, nor before the youth was enrolled. */
export function withdrawForm(enrolledOn: string) {
  return z
    .object({
      reason: z.enum(WITHDRAWAL_REASONS, { message: 'participants.errors.reason' }),
      note: optionalText(1000),
      withdrawnOn: calendarDate,
      staysInTouch: z.enum(['yes', 'no'], { message: 'participants.errors.inTouch' }).transform((v) => v === 'yes'),
    })
    .superRefine((f, ctx) => {
      if (f.withdrawnOn > today()) ctx.addIssue({ code: 'custom', path: ['withdrawnOn'], message: 'participants.errors.withdrawnFuture' });
      else if (f.withdrawnOn < enrolledOn) ctx.addIssue({ code: 'custom', path: ['withdrawnOn'], message: 'participants.errors.withdrawnBeforeEnrolment' });
    });
}

/**
 * A youth leaves the project. Nothing is deleted: the withdrawal is a record of the group's phase on the day
 * they left (which the phase records give for a day in the past: a group taken over mid-way types its old
 * withdrawals now), the date, the reason, and whether the youth still takes part in group life.
 */
export async function withdraw(db: Db, user: Express.User, enrolment: Pick<YouthFile, 'enrolment_id' | 'group_id'>, input: WithdrawalInput): Promise<Phase> {
  return db.transaction(async (trx) => {
    const group = await trx('groups').where({ id: enrolment.group_id }).first('id', 'phase', 'departure_date', 'return_date');
    const phase = await phaseOn(trx, group, input.withdrawnOn);
    // Conditional, so that two workers withdrawing the same youth at once record it once.
    const changed = await trx('enrolments').where({ id: enrolment.enrolment_id, status: 'enrolled' }).update({ status: 'withdrawn' });
    // 409: someone else recorded it in the meantime; the form itself was right.
    if (changed !== 1) throw new Refusal('_form', 'participants.errors.alreadyWithdrawn', 409);
    await trx('withdrawals').insert({
      enrolment_id: enrolment.enrolment_id, phase, withdrawn_on: input.withdrawnOn, reason: input.reason,
      note: input.note, stays_in_touch: input.staysInTouch, recorded_by: user.id, created_at: nowIso(),
    });
    return phase;
  });
}

/** The youth comes back: enrolled again, and the withdrawal row stays as history with the day and phase of return. */
export async function rejoin(db: Db, enrolment: Pick<YouthFile, 'enrolment_id' | 'group_id'>, on: string = today()): Promise<void> {
  await db.transaction(async (trx) => {
    const group = await trx('groups').where({ id: enrolment.group_id }).first('phase');
    const changed = await trx('enrolments').where({ id: enrolment.enrolment_id, status: 'withdrawn' }).update({ status: 'enrolled' });
    if (changed !== 1) throw new Refusal('_form', 'participants.errors.notWithdrawn');
    const open = await trx('withdrawals')
      .where({ enrolment_id: enrolment.enrolment_id })
      .whereNull('rejoined_on')
      .orderBy('id', 'desc')
      .first('id');
    if (open) await trx('withdrawals').where({ id: open.id }).update({ rejoined_on: on, rejoined_phase: group.phase });
  });
}

export interface WithdrawalRecord {
  id: number;
  phase: Phase;
  withdrawn_on: string;
  reason: WithdrawalReason;
  note: string | null;
  stays_in_touch: boolean;
  rejoined_on: string | null;
  rejoined_phase: Phase | null;
  recorded_by_name: string | null;
}

/** Every time the youth left this group (and came back), oldest first. */
export async function withdrawalHistory(db: Db, enrolmentId: number): Promise<WithdrawalRecord[]> {
  const rows = await db('withdrawals')
    .leftJoin('users', 'users.id', 'withdrawals.recorded_by')
    .where('withdrawals.enrolment_id', enrolmentId)
    .orderBy([{ column: 'withdrawals.withdrawn_on' }, { column: 'withdrawals.id' }])
    .select(
      'withdrawals.id', 'withdrawals.phase', 'withdrawals.withdrawn_on', 'withdrawals.reason', 'withdrawals.note',
      'withdrawals.stays_in_touch', 'withdrawals.rejoined_on', 'withdrawals.rejoined_phase', 'users.display_name as recorded_by_name',
    );
  return rows.map((r: WithdrawalRecord) => ({ ...r, stays_in_touch: Boolean(r.stays_in_touch) }));
}
