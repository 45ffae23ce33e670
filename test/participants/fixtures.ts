import type { Db } from '../../src/db/knex.js';
import { createGroup, GroupForm, type GroupRow } from '../../src/groups/group.js';
import { parseForm } from '../../src/http/validation.js';
import { enrol, findYouthFile, insertEnrolment, openYouthAccount, type YouthFile, type YouthFileInput } from '../../src/participants/participant.js';
import { redeemCode } from '../../src/auth/one-time-code.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { leadOf, userFor } from '../support/accounts.js';

// Read from the group's row, so the fixtures do not depend on which module declares the phases.
export type Phase = GroupRow['phase'];

/** A youth as the enrol form would give them; a birth date that makes them 19 today unless told otherwise. */
export function youth(firstName: string, lastName: string, overrides: Partial<YouthFileInput> = {}): YouthFileInput {
  const year = new Date().getFullYear() - 19;
  return {
    firstName, lastName, birthDate: `${year}-03-10`, phone: null, referredBy: null, situation: 'job_seeking',
    emergencyName: null, emergencyPhone: null, departing: true, ...overrides,
  };
}

export interface GroupChoices {
  name?: string;
  country?: string;
  departureDate?: string;
  returnDate?: string;
}

/** A fresh group sent through the new-group form's schema, created by the given worker who then leads it, in preparation, in their structure. */
export async function newGroup(db: Db, leadUserId: number, choices: GroupChoices = {}): Promise<{ id: number; phase: Phase }> {
  const form = parseForm(GroupForm, {
    name: choices.name ?? `Groupe de test ${Math.random().toString(36).slice(2, 8)}`,
    destinationCountry: choices.country ?? 'ML', departureDate: choices.departureDate ?? '2030-07-01', returnDate: choices.returnDate ?? '2030-07-20',
    minAttendancePct: '60',
  });
  if (!form.ok) throw new Error(`the group form refused the fixture: ${JSON.stringify(form.errors)}`);
  return { id: await createGroup(db, await userFor(db, leadUserId), form.data), phase: 'preparation' };
}

/**
 * Moves the group straight to a phase: advancePhase goes one step at a time, through the departure gate,
 * and the phases module's checks are not what these tests are about.
 */
export async function putInPhase(db: Db, group: { id: number; phase: Phase }, phase: Phase): Promise<void> {
  await db('groups').where({ id: group.id }).update({ phase });
  group.phase = phase;
}

/** Enrols the youth as the enrol form does (today), or on an earlier day as the import of an old list does. */
export async function enrolled(db: Db, group: { id: number }, input: YouthFileInput, on?: string): Promise<YouthFile> {
  const id = on ? await db.transaction((trx) => insertEnrolment(trx, group.id, input, on)) : await enrol(db, group, input);
  return (await findYouthFile(db, group.id, id))!;
}

/** The enrolment of a demo youth, found by first name in a demo group. */
export async function enrolmentOf(db: Db, groupId: number, firstName: string): Promise<number> {
  return Number((await youthRowOf(db, groupId, firstName)).enrolment_id);
}

/** The youth (their one file across groups) of a demo youth, found by first name in a demo group. */
export async function youthOf(db: Db, groupId: number, firstName: string): Promise<number> {
  return Number((await youthRowOf(db, groupId, firstName)).youth_id);
}

async function youthRowOf(db: Db, groupId: number, firstName: string): Promise<{ enrolment_id: number; youth_id: number }> {
  const row = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': groupId, 'youths.first_name': firstName })
    .first('enrolments.id as enrolment_id', 'enrolments.youth_id');
  if (!row) throw new Error(`no youth ${firstName} in group ${groupId}`);
  return row;
}

/**
 * Opens an account for a demo youth (found by first name in a demo group) as their lead does, and redeems
 * its one-time code as the youth does, choosing `username` and `password`; returns the account's id and
 * the youth's enrolment.
 */
export async function youthWithAccount(
  db: Db, groupId: number, firstName: string, username: string, password = DEMO_PASSWORD,
): Promise<{ userId: number; enrolment: YouthFile }> {
  const enrolment = (await findYouthFile(db, groupId, await enrolmentOf(db, groupId, firstName)))!;
  const { userId, issued } = await openYouthAccount(db, await leadOf(db, groupId), enrolment);
  await redeemCode(db, issued.code, username, password);
  return { userId, enrolment: { ...enrolment, user_id: userId } };
}
