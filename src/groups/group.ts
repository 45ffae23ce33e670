import type { Knex } from 'knex';
import { insertedId } from '../db/knex.js';
import { columnsFrom, formValuesFrom } from '../db/columns.js';
import dayjs from 'dayjs';
import { z } from 'zod';
import { nowIso } from '../db/time.js';
import { calendarDate, optionalText } from '../http/validation.js';
import { isCountryCode } from './countries.js';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import type { GroupAccess, GroupRecord } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { Refusal } from '../http/refusal.js';
import type { Phase } from '../phases/order.js';

export interface GroupRow {
  id: number;
  name: string;
  structure_id: number;
  destination_country: string;
  destination_place: string | null;
  partner_name: string | null;
  partner_contact: string | null;
  theme: string | null;
  departure_date: string | null;
  return_date: string | null;
  phase: Phase;
  min_attendance_pct: number;
  calendar_token: string | null;
  created_at: string;
  updated_at: string;
}

export type ScopedGroup = GroupRow & GroupRecord & { structure_name: string };

/**
 * The groups a user may see, with how they reach each one. Every group page starts from here, so a group
 * outside a user's scope is simply not found.
 */
export function scopedGroups(db: Db, user: Express.User): Knex.QueryBuilder {
  const q = db('groups').join('structures', 'structures.id', 'groups.structure_id');
  switch (user.role) {
    case 'director':
      return q.select('groups.*', 'structures.name as structure_name', db.raw("'director' as access"));
    case 'worker':
      return q
        .join('group_workers', function () {
          this.on('group_workers.group_id', 'groups.id').andOnVal('group_workers.user_id', user.id);
        })
        .select('groups.*', 'structures.name as structure_name', 'group_workers.role as access');
    case 'youth':
      return q
        .join('enrolments', 'enrolments.group_id', 'groups.id')
        .join('youths', function () {
          this.on('youths.id', 'enrolments.youth_id').andOnVal('youths.user_id', user.id);
        })
        .select('groups.*', 'structures.name as structure_name', db.raw("'youth' as access"), youthStanding(db));
    default:
      return q.whereRaw('1 = 0').select('groups.*', 'structures.name as structure_name', db.raw("'none' as access"));
  }
}

/**
 * A withdrawn youth's standing comes from their open withdrawal (the one they have not rejoined from); a
 * withdrawal that cannot be found counts as out of touch, the narrower of the two.
 */
function youthStanding(db: Db): Knex.Raw {
  return db.raw(`case when enrolments.status = 'enrolled' then 'enrolled'
    when (select w.stays_in_touch from withdrawals w where w.enrolment_id = enrolments.id and w.rejoined_on is null order by w.id desc limit 1)
      then 'left_in_touch'
    else 'left_out_of_touch' end as standing`);
}

export async function findVisibleGroup(db: Db, user: Express.User, id: number): Promise<ScopedGroup | undefined> {
  return scopedGroups(db, user).where('groups.id', id).first();
}

/** The group named in a URL, through the user's scope: outside it, the group does not exist (404). */
export async function loadVisibleGroup(db: Db, user: Express.User, idParam: string | string[] | undefined): Promise<ScopedGroup> {
  const group = await findVisibleGroup(db, user, parseId(idParam));
  if (!group) throw notFound();
  return group;
}

export interface GroupListItem extends ScopedGroup {
  enrolled_count: number;
}

export async function listVisibleGroups(db: Db, user: Express.User): Promise<GroupListItem[]> {
  const enrolled = db('enrolments')
    .count('*')
    .whereRaw('enrolments.group_id = groups.id')
    .andWhere('enrolments.status', 'enrolled')
    .as('enrolled_count');
  const rows: GroupListItem[] = await scopedGroups(db, user)
    .select(enrolled)
    .orderByRaw('groups.departure_date desc, groups.name');
  return rows.map((r) => ({ ...r, enrolled_count: toNumber(r.enrolled_count) }));
}

export interface GroupWorker {
  user_id: number;
  display_name: string;
  role: 'lead' | 'co_lead';
}

export function listWorkers(db: Db, groupId: number): Promise<GroupWorker[]> {
  return db('group_workers')
    .join('users', 'users.id', 'group_workers.user_id')
    .where('group_workers.group_id', groupId)
    .orderBy([{ column: 'group_workers.role', order: 'desc' }, { column: 'users.display_name' }])
    .select('group_workers.user_id', 'users.display_name', 'group_workers.role');
}

export type { GroupAccess };

// ---------------------------------------------------------------------------------------------------
// Creating and changing a group

const text = (max: number) => z.string().trim().max(max, { message: 'validation.tooLong' });

export const GroupForm = z
  .object({
    name: text(160).min(1, { message: 'validation.required' }),
    structureId: z.string().optional(),
    newStructure: optionalText(160),
    destinationCountry: z
      .string()
      .trim()
      .toUpperCase()
      .refine(isCountryCode, { message: 'groups.form.countryUnknown' }),
    destinationPlace: optionalText(160),
    partnerName: optionalText(160),
    partnerContact: optionalText(255),
    theme: optionalText(255),
    departureDate: calendarDate,
    returnDate: calendarDate,
    minAttendancePct: z
      .string()
      .trim()
      .regex(/^\d{1,3}$/, { message: 'validation.number' })
      .transform(Number)
      .refine((n) => n >= 0 && n <= 100, { message: 'groups.form.pctRange' }),
  })
  .superRefine((f, ctx) => {
    if (f.returnDate < f.departureDate) ctx.addIssue({ code: 'custom', path: ['returnDate'], message: 'groups.form.returnBeforeDeparture' });
    if (!f.newStructure && !/^\d+$/.test(f.structureId ?? '')) ctx.addIssue({ code: 'custom', path: ['structureId'], message: 'groups.form.structureRequired' });
  });
export type GroupInput = z.infer<typeof GroupForm>;

export interface StructureRow {
  id: number;
  name: string;
  town: string | null;
}

export function listStructures(db: Db): Promise<StructureRow[]> {
  return db('structures').orderBy('name').select('id', 'name', 'town');
}

async function structureFor(trx: Db, input: GroupInput): Promise<number> {
  if (input.newStructure) {
    const existing = await trx('structures').whereRaw('lower(name) = lower(?)', [input.newStructure]).first('id');
    if (existing) return existing.id;
    const [row] = await trx('structures').insert({ name: input.newStructure, created_at: nowIso() }).returning('id');
    return insertedId(row);
  }
  const found = await trx('structures').where({ id: Number(input.structureId) }).first('id');
  if (!found) throw new Refusal('structureId', 'groups.form.structureRequired');
  return found.id;
}

const groupColumns = (input: GroupInput) => columnsFrom(input, [
  'name', 'destinationCountry', 'destinationPlace', 'partnerName', 'partnerContact', 'theme', 'departureDate', 'returnDate', 'minAttendancePct',
]);

/** The worker who creates a group leads it. (A form sent twice makes one group: see the route, oneRecordPerForm.) */
export async function createGroup(db: Db, user: Express.User, input: GroupInput): Promise<number> {
  return db.transaction(async (trx) => {
    const now = nowIso();
    const [row] = await trx('groups')
      .insert({
        ...groupColumns(input), structure_id: await structureFor(trx, input), phase: 'preparation',
        created_by: user.id, created_at: now, updated_at: now,
      })
      .returning('id');
    const id = insertedId(row);
    await trx('group_workers').insert({ group_id: id, user_id: user.id, role: 'lead' });
    return id;
  });
}

export async function updateGroup(db: Db, group: GroupRow, input: GroupInput): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('groups')
      .where({ id: group.id })
      .update({ ...groupColumns(input), structure_id: await structureFor(trx, input), updated_at: nowIso() });
  });
}

/** What the edit form shows for a group that exists. */
export function groupFormValues(group: GroupRow & { min_attendance_pct?: number }): Record<string, string> {
  return {
    ...formValuesFrom(group, ['name', 'structureId', 'destinationCountry', 'destinationPlace', 'partnerName', 'partnerContact', 'theme', 'departureDate', 'returnDate']),
    minAttendancePct: String(group.min_attendance_pct ?? 60),
  };
}

export const CloneForm = z
  .object({
    name: text(160).min(1, { message: 'validation.required' }),
    departureDate: calendarDate,
    returnDate: calendarDate,
  })
  .refine((f) => f.returnDate >= f.departureDate, { path: ['returnDate'], message: 'groups.form.returnBeforeDeparture' });

/**
 * A past group as a template: same structure, destination, partner and theme, and its session plan moved
 * so each session keeps its distance (in days) from the departure, at the same time of day.
 */
export async function cloneGroup(db: Db, user: Express.User, source: GroupRow & { min_attendance_pct?: number }, input: z.infer<typeof CloneForm>): Promise<number> {
  return db.transaction(async (trx) => {
    const now = nowIso();
    const [row] = await trx('groups')
      .insert({
        name: input.name, structure_id: source.structure_id, destination_country: source.destination_country,
        destination_place: source.destination_place, partner_name: source.partner_name, partner_contact: source.partner_contact,
        theme: source.theme, departure_date: input.departureDate, return_date: input.returnDate, phase: 'preparation',
        min_attendance_pct: source.min_attendance_pct ?? 60, created_by: user.id, created_at: now, updated_at: now,
      })
      .returning('id');
    const id = insertedId(row);
    await trx('group_workers').insert({ group_id: id, user_id: user.id, role: 'lead' });
    const plan: { starts_at: string; duration_minutes: number; place: string | null; type: string; phase: string; notes: string | null }[] =
      await trx('meetings').where({ group_id: source.id }).orderBy('starts_at').select('starts_at', 'duration_minutes', 'place', 'type', 'phase', 'notes');
    const anchor = dayjs(source.departure_date ?? plan[0]?.starts_at.slice(0, 10));
    const target = dayjs(input.departureDate);
    if (plan.length) {
      await trx('meetings').insert(
        plan.map((m) => {
          const offsetDays = dayjs(m.starts_at.slice(0, 10)).diff(anchor, 'day');
          return {
            group_id: id, starts_at: `${target.add(offsetDays, 'day').format('YYYY-MM-DD')}${m.starts_at.slice(10)}`,
            duration_minutes: m.duration_minutes, place: m.place, type: m.type, phase: m.phase, notes: m.notes,
            created_by: user.id, created_at: now,
          };
        }),
      );
    }
    return id;
  });
}

// Funders, accompanying adults and co-leads: small lists edited on the group's edit page.

export const FunderForm = z.object({
  funderName: text(160).min(1, { message: 'validation.required' }),
  scheme: optionalText(160),
  amount: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v.replace(/\s/g, '').replace(',', '.') : ''))
    .refine((v) => v === '' || (/^\d{1,9}(\.\d{1,2})?$/.test(v)), { message: 'groups.funders.amountInvalid' })
    .transform((v) => (v === '' ? null : Math.round(Number(v) * 100))),
});

export async function addFunder(db: Db, groupId: number, f: z.infer<typeof FunderForm>): Promise<void> {
  await db('group_funders').insert({ group_id: groupId, name: f.funderName, scheme: f.scheme, amount_cents: f.amount });
}

export async function removeFunder(db: Db, groupId: number, funderId: number): Promise<boolean> {
  return (await db('group_funders').where({ id: funderId, group_id: groupId }).del()) === 1;
}

export function listFunders(db: Db, groupId: number): Promise<{ id: number; name: string; scheme: string | null; amount_cents: number | string | null }[]> {
  return db('group_funders').where({ group_id: groupId }).orderBy('id').select('id', 'name', 'scheme', 'amount_cents');
}

export const CompanionForm = z
  .object({
    companionUserId: z.string().optional(),
    companionName: optionalText(120),
    companionRole: optionalText(120),
  })
  .refine((f) => /^\d+$/.test(f.companionUserId ?? '') || Boolean(f.companionName), { path: ['companionName'], message: 'groups.companions.whoRequired' });

/** An accompanying adult: a worker of the app, or someone outside it known by name (an elected official...). */
export async function addCompanion(db: Db, groupId: number, f: z.infer<typeof CompanionForm>): Promise<void> {
  const userId = /^\d+$/.test(f.companionUserId ?? '') ? Number(f.companionUserId) : null;
  if (userId && !(await db('users').where({ id: userId, role: 'worker', active: true }).first('id'))) {
    throw new Refusal('companionUserId', 'groups.companions.unknownWorker');
  }
  await db('group_companions').insert({ group_id: groupId, user_id: userId, name: userId ? null : f.companionName, role: f.companionRole });
}

export async function removeCompanion(db: Db, groupId: number, companionId: number): Promise<boolean> {
  return (await db('group_companions').where({ id: companionId, group_id: groupId }).del()) === 1;
}

export function listCompanions(db: Db, groupId: number): Promise<{ id: number; user_id: number | null; name: string; role: string | null }[]> {
  return db('group_companions')
    .leftJoin('users', 'users.id', 'group_companions.user_id')
    .where('group_companions.group_id', groupId)
    .orderBy('group_companions.id')
    .select('group_companions.id', 'group_companions.user_id', db.raw('coalesce(users.display_name, group_companions.name) as name'), 'group_companions.role');
}

export function listActiveWorkers(db: Db): Promise<{ id: number; display_name: string }[]> {
  return db('users').where({ role: 'worker', active: true }).orderBy('display_name').select('id', 'display_name');
}

export const CoLeadForm = z.object({ workerUserId: z.string().regex(/^\d+$/, { message: 'validation.required' }).transform(Number) });

export async function addCoLead(db: Db, groupId: number, userId: number): Promise<void> {
  const worker = await db('users').where({ id: userId, role: 'worker', active: true }).first('id');
  if (!worker) throw new Refusal('workerUserId', 'groups.companions.unknownWorker');
  const already = await db('group_workers').where({ group_id: groupId, user_id: userId }).first();
  if (already) throw new Refusal('workerUserId', 'groups.workersForm.already');
  await db('group_workers').insert({ group_id: groupId, user_id: userId, role: 'co_lead' });
}

/** Only co-leads can be removed: a group always keeps its lead. */
export async function removeCoLead(db: Db, groupId: number, userId: number): Promise<boolean> {
  return (await db('group_workers').where({ group_id: groupId, user_id: userId, role: 'co_lead' }).del()) === 1;
}
