import type { Db } from '../../src/db/knex.js';
import { nowIso } from '../../src/db/time.js';
import type { Phase } from '../../src/phases/order.js';
import { enrol, findYouthFile, type YouthFile, type YouthFileInput } from '../../src/participants/participant.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';

/** A youth as the enrol form would give them; a birth date that makes them 19 today unless told otherwise. */
export function youth(firstName: string, lastName: string, overrides: Partial<YouthFileInput> = {}): YouthFileInput {
  const year = new Date().getFullYear() - 19;
  return {
    firstName, lastName, birthDate: `${year}-03-10`, phone: null, referredBy: null, situation: 'job_seeking',
    emergencyName: null, emergencyPhone: null, departing: true, ...overrides,
  };
}

/** A fresh group led by the given worker, in preparation, leaving on the given day. */
export async function newGroup(db: Db, leadUserId: number, departureDate = '2030-07-01'): Promise<{ id: number; phase: Phase }> {
  const structure = await db('structures').first('id');
  const now = nowIso();
  const [row] = await db('groups')
    .insert({
      name: `Groupe de test ${Math.random().toString(36).slice(2, 8)}`, structure_id: structure.id, destination_country: 'ML',
      departure_date: departureDate, return_date: '2030-07-20', phase: 'preparation', created_by: leadUserId, created_at: now, updated_at: now,
    })
    .returning('id');
  const id = typeof row === 'object' ? row.id : row;
  await db('group_workers').insert({ group_id: id, user_id: leadUserId, role: 'lead' });
  return { id, phase: 'preparation' };
}

/** Moves the group straight to a phase (the phases module's checks are not what these tests are about). */
export async function putInPhase(db: Db, group: { id: number; phase: Phase }, phase: Phase): Promise<void> {
  await db('groups').where({ id: group.id }).update({ phase });
  group.phase = phase;
}

export async function enrolled(db: Db, group: { id: number }, input: YouthFileInput): Promise<YouthFile> {
  const id = await enrol(db, group, input);
  return (await findYouthFile(db, group.id, id))!;
}

/** The enrolment of a demo youth, found by first name in a demo group. */
export async function enrolmentOf(db: Db, groupId: number, firstName: string): Promise<number> {
  const row = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': groupId, 'youths.first_name': firstName })
    .first('enrolments.id');
  if (!row) throw new Error(`no demo youth ${firstName} in group ${groupId}`);
  return row.id;
}

/**
 * Opens an account for a demo youth (found by first name in a demo group), with the demo password, as if
 * they had redeemed their one-time code; returns the account's id and the youth's enrolment.
 */
export async function youthWithAccount(db: Db, groupId: number, firstName: string, username: string): Promise<{ userId: number; enrolment: YouthFile }> {
  const enrolmentId = await enrolmentOf(db, groupId, firstName);
  const enrolment = (await findYouthFile(db, groupId, enrolmentId))!;
  const now = nowIso();
  const [row] = await db('users')
    .insert({
      role: 'youth', username, display_name: `${enrolment.first_name} ${enrolment.last_name}`, password_hash: await hashPassword(DEMO_PASSWORD),
      active: true, created_at: now, updated_at: now,
    })
    .returning('id');
  const userId = Number(typeof row === 'object' ? row.id : row);
  await db('youths').where({ id: enrolment.youth_id }).update({ user_id: userId });
  return { userId, enrolment: { ...enrolment, user_id: userId } };
}
