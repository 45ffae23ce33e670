import type { Knex } from 'knex';
import { insertedId } from '../db/knex.js';
import { columnsFrom, formValuesFrom } from '../db/columns.js';
import dayjs from 'dayjs';
import { z } from 'zod';
import { nowIso, today } from '../db/time.js';
import { calendarDate, isRealDate, optionalText } from '../http/validation.js';
import { isCountryCode } from './countries.js';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import type { GroupAccess, GroupRecord } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { Refusal } from '../http/refusal.js';
import { hasLeft, hasReturned, PHASES, type Phase } from '../phases/order.js';
import { recordTakeOver, type TakeOverInput } from '../phases/history.js';

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
 * The structure whose every group a user reads: a director's (the structure's admin reads the same groups'
 * figures, never their pages). Null for everyone else, who reach groups one by one or not at all.
 */
export function structureReadBy(user: Express.User): number | null {
  return user.role === 'director' || user.role === 'admin' ? user.structureId : null;
}

/**
 * The groups a user may see, with how they reach each one. Every group page starts from here, so a group
 * outside a user's scope is simply not found: a director reads their structure's groups; a worker the groups
 * they lead or co-lead (in another structure too, when its lead took them on as co-lead); a youth the groups
 * they are enrolled in. The structure's admin, a network's coordinator and the platform's admin reach none.
 */
export function scopedGroups(db: Db, user: Express.User): Knex.QueryBuilder {
  const q = db('groups').join('structures', 'structures.id', 'groups.structure_id');
  switch (user.role) {
    case 'director':
      return q
        .where('groups.structure_id', structureReadBy(user) ?? -1)
        .select('groups.*', 'structures.name as structure_name', db.raw("'director' as access"));
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
  });
export type GroupInput = z.infer<typeof GroupForm>;

/**
 * A group belongs to the structure of the worker who creates it: structures (and their names) are opened by
 * the platform's admin, not typed on a group's form.
 */
function structureOfCreator(user: Express.User): number {
  if (user.structureId === null) throw new Refusal('_form', 'groups.form.noStructure');
  return user.structureId;
}

const groupColumns = (input: GroupInput) => columnsFrom(input, [
  'name', 'destinationCountry', 'destinationPlace', 'partnerName', 'partnerContact', 'theme', 'departureDate', 'returnDate', 'minAttendancePct',
]);

/**
 * The worker who creates a group leads it; the funders typed on the creation form come with it, in the same
 * transaction, so a refused funder leaves no group behind. (A form sent twice makes one group: see the
 * route, oneRecordPerForm.)
 */
export async function createGroup(
  db: Db, user: Express.User, input: GroupInput, funders: FunderInput[] = [], takeOver: TakeOverInput | null = null,
): Promise<number> {
  return db.transaction(async (trx) => {
    const now = nowIso();
    const [row] = await trx('groups')
      .insert({
        ...groupColumns(input), structure_id: structureOfCreator(user), phase: takeOver?.phase ?? 'preparation',
        created_by: user.id, created_at: now, updated_at: now,
      })
      .returning('id');
    const id = insertedId(row);
    await trx('group_workers').insert({ group_id: id, user_id: user.id, role: 'lead' });
    for (const f of funders) await addFunder(trx, id, f);
    // A project taken over mid-way says so in its history, rather than through moves nobody made.
    if (takeOver) await recordTakeOver(trx, user, id, takeOver);
    return id;
  });
}

export async function updateGroup(db: Db, group: GroupRow, input: GroupInput): Promise<void> {
  await db('groups').where({ id: group.id }).update({ ...groupColumns(input), updated_at: nowIso() });
}

/** What the edit form shows for a group that exists. */
export function groupFormValues(group: GroupRow & { min_attendance_pct?: number }): Record<string, string> {
  return {
    ...formValuesFrom(group, ['name', 'destinationCountry', 'destinationPlace', 'partnerName', 'partnerContact', 'theme', 'departureDate', 'returnDate']),
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

export type FunderInput = z.infer<typeof FunderForm>;

/** How many funders the creation form offers lines for; more are added on the edit page, as before. */
export const FUNDER_LINES_ON_NEW_GROUP = 2;
const funderLines = Array.from({ length: FUNDER_LINES_ON_NEW_GROUP }, (_, i) => i + 1);
const lineFields = ['funderName', 'scheme', 'amount'] as const;

/**
 * The funder lines of the creation form (`funderName1`, `scheme1`, `amount1`…): a line left empty is no
 * funder; a line begun is checked as the edit page's funder form, its messages on that line's fields.
 */
const FunderLines = z
  .record(z.string(), z.unknown())
  .transform((body, ctx) => {
    const funders: FunderInput[] = [];
    for (const i of funderLines) {
      // What is not text (a field sent twice) goes to the funder form, which refuses it.
      const line = Object.fromEntries(lineFields.map((k) => [k, body[`${k}${i}`] ?? '']));
      if (lineFields.every((k) => typeof line[k] === 'string' && line[k].trim() === '')) continue;
      const parsed = FunderForm.safeParse(line);
      if (parsed.success) funders.push(parsed.data);
      else for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: [`${String(issue.path[0])}${i}`], message: issue.message });
    }
    return { funders };
  });

/** The phases a project can be taken over at: one still in preparation simply starts here. */
export const TAKE_OVER_PHASES = PHASES.filter((p) => p !== 'preparation');

/**
 * "The project is already under way" on the creation form (`takenOverPhase`, `takenOverSince`): no phase
 * chosen is a project that starts here. Refused is only what cannot be: a day to come, a group abroad whose
 * departure is still ahead, a group back whose return is. The group's own dates are checked by GroupForm;
 * these rules compare with them only once they are dates.
 */
const TakeOverLines = z
  .record(z.string(), z.unknown())
  .transform((body, ctx): { takeOver: TakeOverInput | null } => {
    const phase = typeof body.takenOverPhase === 'string' ? body.takenOverPhase.trim() : '';
    if (!phase) return { takeOver: null };
    const problem = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (!(TAKE_OVER_PHASES as string[]).includes(phase)) {
      problem('takenOverPhase', 'groups.takeOver.phaseInvalid');
      return { takeOver: null };
    }
    const dated = (v: unknown) => (typeof v === 'string' && isRealDate(v.trim()) ? v.trim() : null);
    const departure = dated(body.departureDate);
    const back = dated(body.returnDate);
    const now = today();
    if (hasLeft(phase as Phase) && departure && departure > now) problem('takenOverPhase', 'groups.takeOver.notLeftYet');
    else if (hasReturned(phase as Phase) && back && back > now) problem('takenOverPhase', 'groups.takeOver.notBackYet');
    const since = calendarDate.safeParse(body.takenOverSince ?? '');
    if (!since.success) problem('takenOverSince', since.error.issues[0]!.message);
    else if (since.data > now) problem('takenOverSince', 'groups.takeOver.sinceFuture');
    return { takeOver: since.success ? { phase: phase as Phase, since: since.data } : null };
  });

/** The creation form: the group's fields and, optionally, its first funders and the phase it is already at. */
export const NewGroupForm = z.intersection(z.intersection(GroupForm, FunderLines), TakeOverLines);

export async function addFunder(db: Db, groupId: number, f: FunderInput): Promise<void> {
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
export async function addCompanion(db: Db, group: GroupRow, f: z.infer<typeof CompanionForm>): Promise<void> {
  const userId = /^\d+$/.test(f.companionUserId ?? '') ? Number(f.companionUserId) : null;
  if (userId && !(await workersOfGroupStructure(db, group).where('users.id', userId).first('users.id'))) {
    throw new Refusal('companionUserId', 'groups.companions.unknownWorker');
  }
  await db('group_companions').insert({ group_id: group.id, user_id: userId, name: userId ? null : f.companionName, role: f.companionRole });
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

/**
 * The workers a group's lead picks from: the active workers of the group's structure, and those already
 * working in the group (a co-lead lent by another structure may go on the trip too).
 */
function workersOfGroupStructure(db: Db, group: Pick<GroupRow, 'id' | 'structure_id'>): Knex.QueryBuilder {
  return db('users')
    .where({ 'users.role': 'worker', 'users.active': true })
    .where(function () {
      this.where('users.structure_id', group.structure_id)
        .orWhereExists(db('group_workers').whereRaw('group_workers.user_id = users.id').where('group_workers.group_id', group.id));
    });
}

export function listActiveWorkers(db: Db, group: Pick<GroupRow, 'id' | 'structure_id'>): Promise<{ id: number; display_name: string }[]> {
  return workersOfGroupStructure(db, group).orderBy('users.display_name').select('users.id', 'users.display_name');
}

/**
 * A co-lead is a worker of the group's structure, picked from the list; or a worker of another structure of
 * the same network, lent to the group by one of its leads of the group's own structure, who types that
 * worker's e-mail: the only way a worker reaches another structure's group, and always this explicit act of
 * the group's side (a worker lent to it lends nobody else).
 */
export const CoLeadForm = z
  .object({
    workerUserId: z.string().optional().transform((v) => (v && /^\d+$/.test(v) ? Number(v) : null)),
    lentEmail: z.string().trim().toLowerCase().max(254, { message: 'validation.tooLong' }).optional().transform((v) => v || null),
  })
  .refine((f) => f.workerUserId !== null || f.lentEmail !== null, { path: ['workerUserId'], message: 'validation.required' });

export async function addCoLead(db: Db, by: Express.User, group: Pick<GroupRow, 'id' | 'structure_id'>, f: z.infer<typeof CoLeadForm>): Promise<void> {
  if (f.workerUserId === null && by.structureId !== group.structure_id) throw new Refusal('_form', 'groups.workersForm.lendersOnly');
  const userId = f.workerUserId !== null ? await workerOfStructure(db, group, f.workerUserId) : await workerLentFromNetwork(db, group, f.lentEmail!);
  const already = await db('group_workers').where({ group_id: group.id, user_id: userId }).first();
  if (already) throw new Refusal(f.workerUserId !== null ? 'workerUserId' : 'lentEmail', 'groups.workersForm.already');
  await db('group_workers').insert({ group_id: group.id, user_id: userId, role: 'co_lead' });
}

async function workerOfStructure(db: Db, group: Pick<GroupRow, 'structure_id'>, userId: number): Promise<number> {
  const worker = await db('users').where({ id: userId, role: 'worker', active: true, structure_id: group.structure_id }).first('id');
  if (!worker) throw new Refusal('workerUserId', 'groups.companions.unknownWorker');
  return Number(worker.id);
}

// Whether the e-mail is unknown or the worker's structure is outside the network, the answer is the same:
// the form tells nobody which e-mails have an account elsewhere.
async function workerLentFromNetwork(db: Db, group: Pick<GroupRow, 'structure_id'>, email: string): Promise<number> {
  const worker = await db('users')
    .join('structures as theirs', 'theirs.id', 'users.structure_id')
    .join('structures as ours', 'ours.network_id', 'theirs.network_id')
    .where({ 'users.email': email, 'users.role': 'worker', 'users.active': true, 'ours.id': group.structure_id })
    .first('users.id');
  if (!worker) throw new Refusal('lentEmail', 'groups.workersForm.notInNetwork');
  return Number(worker.id);
}

/** Only co-leads can be removed: a group always keeps its lead. */
export async function removeCoLead(db: Db, groupId: number, userId: number): Promise<boolean> {
  return (await db('group_workers').where({ group_id: groupId, user_id: userId, role: 'co_lead' }).del()) === 1;
}
