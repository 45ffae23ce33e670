import type { Db } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { phaseRank, PHASES, type Phase } from './order.js';

/**
 * What the phase records say of a group's past. This module leans on the phase order and the database only,
 * so the participants (a withdrawal dated in the past) read it without pulling in the transitions' checks.
 */

interface PhaseRecord {
  from_phase: Phase;
  to_phase: Phase;
  at: string;
  taken_over_on: string | null;
}

export interface TakeOver {
  phase: Phase;
  /** The day the group had been in that phase since, before Tremplin knew it. */
  since: string;
  /** When it was typed into Tremplin. */
  at: string;
}

/** The record of a group created at its real phase, or null for a group followed from its preparation. */
export async function takeOverOf(db: Db, groupId: number): Promise<TakeOver | null> {
  const row = await db('phase_transitions').where({ group_id: groupId }).whereNotNull('taken_over_on').orderBy('id').first('to_phase', 'taken_over_on', 'at');
  return row ? { phase: row.to_phase, since: row.taken_over_on, at: row.at } : null;
}

/**
 * A day no phase record covers (before a group was taken over, or in a group whose moves were never
 * recorded) reads from the group's dates: at home until the departure, abroad until the return, back
 * after — never later than the phase the records start at.
 */
function phaseFromDates(group: { departure_date: string | null; return_date: string | null }, day: string, atMost: Phase): Phase {
  const byDates: Phase = group.departure_date && day >= group.departure_date
    ? group.return_date && day > group.return_date ? 'return' : 'stay'
    : 'preparation';
  return phaseRank(byDates) < phaseRank(atMost) ? byDates : atMost;
}

/**
 * The phase a group was in on `day`, from its phase records: a withdrawal typed today about a youth who left
 * last spring belongs to the phase of last spring, which is what the funnel counts. A move counts from the
 * day it was recorded; a take-over from the day the worker gave. A day before any record (or a group whose
 * phase was never recorded, as older data) reads from the group's dates.
 */
export async function phaseOn(
  db: Db, group: { id: number; phase: Phase; departure_date: string | null; return_date: string | null }, day: string,
): Promise<Phase> {
  if (day >= today()) return group.phase;
  const records: PhaseRecord[] = await db('phase_transitions').where({ group_id: group.id }).orderBy('id').select('from_phase', 'to_phase', 'at', 'taken_over_on');
  let phase: Phase | null = null;
  for (const r of records) {
    if ((r.taken_over_on ?? r.at.slice(0, 10)) > day) return phase ?? (r.taken_over_on ? phaseFromDates(group, day, r.to_phase) : r.from_phase);
    phase = r.to_phase;
  }
  return phase ?? phaseFromDates(group, day, group.phase);
}

/** What the creation form says of a project already under way. */
export interface TakeOverInput {
  phase: Phase;
  since: string;
}

/**
 * The one phase record of a group created at its real phase, in the transaction that creates it: it was
 * already in `phase` (from and to alike: nothing moved in Tremplin) since the day given, typed by `user` now.
 */
export async function recordTakeOver(trx: Db, user: Express.User, groupId: number, takeOver: TakeOverInput): Promise<void> {
  await trx('phase_transitions').insert({
    group_id: groupId, from_phase: takeOver.phase, to_phase: takeOver.phase, taken_over_on: takeOver.since, note: null, by_user: user.id, at: nowIso(),
  });
}
