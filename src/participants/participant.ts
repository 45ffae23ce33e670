import { z } from 'zod';
import { insertedId } from '../db/knex.js';
import { columnsFrom, formValuesFrom } from '../db/columns.js';
import type { Db } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { isRealDate, optionalText } from '../http/validation.js';
import { found, notFound } from '../http/errors.js';
import { Refusal } from '../http/refusal.js';
import { parseId } from '../http/params.js';
import { issueCode, type IssuedCode } from '../auth/one-time-code.js';
import { createAccount } from '../users/user.js';
import type { Phase } from '../phases/order.js';
import { linkedYouthId } from './youth-link.js';
import { firstRegisterDay } from '../meetings/meeting.js';
import { phoneForDisplay, toE164 } from '../outbox/sms-rules.js';
import { educationColumn, FUNDER_FACTS_COLUMNS, funderFactsColumns, funderFactsFields, funderFactsOf, funderFactsValues, type FunderFacts, type FunderFactsField, type FunderFactsInput } from './funder-facts.js';

/** What the youth was doing when they joined: read again after the project, to see what changed. */
export const SITUATIONS = ['job_seeking', 'training', 'school', 'employed', 'other'] as const;
export type Situation = (typeof SITUATIONS)[number];

// Mobility projects of missions locales and youth movements are for teenagers and young adults: a birth
// date outside this range at enrolment is almost always a typing slip (2020 for 2002, this year...).
export const MIN_AGE = 13;
export const MAX_AGE = 35;

export interface GroupYouth {
  enrolment_id: number;
  youth_id: number;
  first_name: string;
  last_name: string;
  birth_date: string;
  role: 'participant' | 'peer_leader';
  status: 'enrolled' | 'withdrawn';
  departing: boolean;
  user_id: number | null;
  /** Derived from the group's departure date when it is given; null when unknown. */
  minor_at_departure: boolean | null;
}

/** Everyone ever enrolled in the group, those who left included: nobody is dropped from its history. */
export async function listGroupYouths(db: Db, groupId: number, departureDate?: string | null): Promise<GroupYouth[]> {
  const rows = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('enrolments.group_id', groupId)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select(
      'enrolments.id as enrolment_id', 'youths.id as youth_id', 'youths.first_name', 'youths.last_name',
      'youths.birth_date', 'enrolments.role', 'enrolments.status', 'enrolments.departing', 'youths.user_id',
    );
  return rows.map((r: GroupYouth) => ({ ...r, departing: Boolean(r.departing), minor_at_departure: isMinorAt(r.birth_date, departureDate) }));
}

/** A youth in one group: their file (which outlives the group) and their enrolment in it. */
export interface YouthFile {
  enrolment_id: number;
  group_id: number;
  youth_id: number;
  role: 'participant' | 'peer_leader';
  status: 'enrolled' | 'withdrawn';
  enrolled_on: string;
  situation_at_enrolment: Situation | null;
  departing: boolean;
  user_id: number | null;
  first_name: string;
  last_name: string;
  birth_date: string;
  phone: string | null;
  referred_by: string | null;
  emergency_contact_name: string | null;
  emergency_contact_phone: string | null;
  /** What funders count (src/participants/funder-facts.ts). */
  facts: FunderFacts;
}

export async function findYouthFile(db: Db, groupId: number, enrolmentId: number): Promise<YouthFile | undefined> {
  const row = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.id': enrolmentId, 'enrolments.group_id': groupId })
    .first(
      'enrolments.id as enrolment_id', 'enrolments.group_id', 'enrolments.youth_id', 'enrolments.role', 'enrolments.status',
      'enrolments.enrolled_on', 'enrolments.situation_at_enrolment', 'enrolments.departing', 'youths.user_id',
      'youths.first_name', 'youths.last_name', 'youths.birth_date', 'youths.phone', 'youths.referred_by',
      'youths.emergency_contact_name', 'youths.emergency_contact_phone', ...FUNDER_FACTS_COLUMNS,
    );
  return row ? { ...row, departing: Boolean(row.departing), facts: funderFactsOf(row) } : undefined;
}

/** The enrolment named in a URL, looked up in the group already loaded through the user's scope. */
export async function loadYouthFile(db: Db, group: { id: number }, idParam: string | string[] | undefined): Promise<YouthFile> {
  return found(await findYouthFile(db, group.id, parseId(idParam)));
}

// ---------------------------------------------------------------------------------------------------
// Ages and dates

/** Completed years on a given day. Someone born on 29 February has their birthday on 1 March in other years. */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/**
 * Minor on the day the group leaves (then they need a parental exit authorisation). Derived every time,
 * never stored: the departure date moves. Unknown while the group has no departure date.
 */
export function isMinorAt(birthDate: string, departureDate: string | null | undefined): boolean | null {
  if (!departureDate) return null;
  return ageOn(birthDate, departureDate) < 18;
}

/** Dates are typed as YYYY-MM-DD (date fields) or DD/MM/YYYY (French habit, spreadsheets). */
export function toIsoDate(input: string): string {
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(input.trim());
  if (fr) return `${fr[3]}-${fr[2]!.padStart(2, '0')}-${fr[1]!.padStart(2, '0')}`;
  return input.trim();
}

/** What is wrong with a birth date as typed, as a message key; null if nothing. (The age is the form's to check.) */
export function birthDateProblem(raw: string): string | null {
  const value = toIsoDate(raw);
  if (!value) return 'validation.required';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return 'validation.dateFormat';
  if (!isRealDate(value)) return 'validation.dateImpossible';
  if (value > today()) return 'participants.errors.birthFuture';
  return null;
}

// ---------------------------------------------------------------------------------------------------
// The youth's file form

const name = z
  .string()
  .trim()
  .min(1, { message: 'validation.required' })
  .max(80, { message: 'validation.tooLong' })
  .transform((v) => v.replace(/\s+/g, ' '));

const optionalPhone = z
  .string()
  .trim()
  .max(40, { message: 'validation.tooLong' })
  // A number that could exist, French when typed without a country code ("06 12 34 56 78"), kept in E.164:
  // the one form an SMS provider takes, and the one two files of the same youth can be compared by.
  .refine((v) => v === '' || toE164(v) !== null, { message: 'participants.errors.phone' })
  .optional()
  .transform((v) => (v ? toE164(v) : null));

const situation = z
  .string()
  .trim()
  .optional()
  .refine((v) => !v || (SITUATIONS as readonly string[]).includes(v), { message: 'participants.errors.situation' })
  .transform((v) => (v ? (v as Situation) : null));

/**
 * The day the youth joined: today unless typed (a project taken over mid-way has youths enrolled long ago,
 * on paper). DD/MM/YYYY is read too, for lists from a spreadsheet. It cannot be to come.
 */
const enrolmentDate = (fallback: string) =>
  z
    .string()
    .optional()
    .transform((v) => (v?.trim() ? toIsoDate(v) : fallback))
    .superRefine((value, ctx) => {
      const problem = !/^\d{4}-\d{2}-\d{2}$/.test(value) ? 'validation.dateFormat'
        : !isRealDate(value) ? 'validation.dateImpossible'
          : value > today() ? 'participants.errors.enrolledFuture' : null;
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });

/** The age is checked on the day of enrolment, once both dates are readable. */
const datesReadable = (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
  !payload.issues.some((i) => i.path?.[0] === 'birthDate' || i.path?.[0] === 'enrolledOn');

/** One schema for the enrol and edit forms; `enrolledOn` is the day used when the form leaves it empty. */
export function youthFileForm(enrolledOn: string = today()) {
  return z
    .object({
      firstName: name,
      lastName: name,
      birthDate: z
        .string()
        .superRefine((raw, ctx) => {
          const problem = birthDateProblem(raw);
          if (problem) ctx.addIssue({ code: 'custom', message: problem });
        })
        .transform(toIsoDate),
      enrolledOn: enrolmentDate(enrolledOn),
      phone: optionalPhone,
      referredBy: optionalText(160),
      situation,
      emergencyName: optionalText(120),
      emergencyPhone: optionalPhone,
      // Some youths take part in the preparation without being meant to leave; most are.
      departing: z
        .enum(['yes', 'no'])
        .optional()
        .transform((v) => v !== 'no'),
      ...funderFactsFields,
    })
    .refine((f) => ageOn(f.birthDate, f.enrolledOn) >= MIN_AGE, { path: ['birthDate'], message: 'participants.errors.tooYoung', when: datesReadable })
    .refine((f) => ageOn(f.birthDate, f.enrolledOn) <= MAX_AGE, { path: ['birthDate'], message: 'participants.errors.tooOld', when: datesReadable });
}
/** A youth's file as the forms give it; written by code (demo data, tests), a file without `enrolledOn` joins today. */
// Code that writes a file may leave out what funders count: then it is left as it was (or unanswered).
export type YouthFileInput = Omit<z.infer<ReturnType<typeof youthFileForm>>, 'enrolledOn' | FunderFactsField> & { enrolledOn?: string } & Partial<FunderFactsInput>;

/** What the edit form shows for a file that exists. */
export function youthFileValues(file: YouthFile): Record<string, string> {
  return {
    ...formValuesFrom(file, ['firstName', 'lastName', 'birthDate', 'enrolledOn', 'referredBy']),
    phone: phoneForDisplay(file.phone),
    situation: file.situation_at_enrolment ?? '',
    emergencyName: file.emergency_contact_name ?? '',
    emergencyPhone: phoneForDisplay(file.emergency_contact_phone),
    departing: file.departing ? 'yes' : 'no',
    ...funderFactsValues(file.facts),
  };
}

// ---------------------------------------------------------------------------------------------------
// Enrolling and changing a file

/** The same youth twice in one group: refused on the whole form, since no one field is wrong. */
const duplicate = () => new Refusal('_form', 'participants.errors.duplicate');

/** Names compared the way a person would: case, accents and extra spaces do not make another youth. */
export function sameYouthKey(firstName: string, lastName: string, birthDate: string): string {
  const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().replace(/[\s-]+/g, ' ').trim();
  return `${fold(firstName)}|${fold(lastName)}|${birthDate}`;
}

/** The youths already in a group, by the key above, with their enrolment id. */
export async function groupYouthKeys(db: Db, groupId: number): Promise<Map<string, number>> {
  const rows: { enrolment_id: number; first_name: string; last_name: string; birth_date: string }[] = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('enrolments.group_id', groupId)
    .select('enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date');
  return new Map(rows.map((r) => [sameYouthKey(r.first_name, r.last_name, r.birth_date), r.enrolment_id]));
}

const youthColumns = (input: YouthFileInput) => ({
  ...columnsFrom(input, ['firstName', 'lastName', 'birthDate', 'phone', 'referredBy']),
  emergency_contact_name: input.emergencyName,
  emergency_contact_phone: input.emergencyPhone,
  ...funderFactsColumns(input),
});

/**
 * Inside a transaction already open: the youths row, then their enrolment in the group on `enrolledOn` (the
 * day they joined), typed by `recordedBy` now.
 */
export async function insertEnrolment(trx: Db, groupId: number, input: YouthFileInput, enrolledOn: string, recordedBy: number | null = null): Promise<number> {
  const now = nowIso();
  const [youth] = await trx('youths').insert({ ...youthColumns(input), created_at: now }).returning('id');
  const [enrolment] = await trx('enrolments')
    .insert({
      group_id: groupId, youth_id: insertedId(youth), role: 'participant', status: 'enrolled', enrolled_on: enrolledOn,
      situation_at_enrolment: input.situation, departing: input.departing, recorded_by: recordedBy, created_at: now,
      ...educationColumn(input),
    })
    .returning('id');
  return insertedId(enrolment);
}

/** Enrols a youth typed in by a worker, on the day typed (today when none). Refuses the same youth twice in one group. */
export async function enrol(db: Db, group: { id: number }, input: YouthFileInput, recordedBy: number | null = null): Promise<number> {
  return db.transaction(async (trx) => {
    const existing = await groupYouthKeys(trx, group.id);
    if (existing.has(sameYouthKey(input.firstName, input.lastName, input.birthDate))) throw duplicate();
    return insertEnrolment(trx, group.id, input, input.enrolledOn ?? today(), recordedBy);
  });
}

/**
 * A later enrolment day cannot leave the youth's past behind it: a register they are on, or a withdrawal,
 * dated before it. Null when the day fits.
 */
async function enrolmentDayProblem(db: Db, file: YouthFile, enrolledOn: string): Promise<string | null> {
  if (enrolledOn <= file.enrolled_on) return null;
  const register = await firstRegisterDay(db, file.enrolment_id);
  if (register && register < enrolledOn) return 'participants.errors.enrolledAfterRegister';
  const withdrawal = await db('withdrawals').where({ enrolment_id: file.enrolment_id }).where('withdrawn_on', '<', enrolledOn).first('id');
  return withdrawal ? 'participants.errors.enrolledAfterWithdrawal' : null;
}

export async function updateYouthFile(db: Db, file: YouthFile, input: YouthFileInput): Promise<void> {
  const enrolledOn = input.enrolledOn ?? file.enrolled_on;
  await db.transaction(async (trx) => {
    const existing = await groupYouthKeys(trx, file.group_id);
    const other = existing.get(sameYouthKey(input.firstName, input.lastName, input.birthDate));
    if (other !== undefined && other !== file.enrolment_id) throw duplicate();
    const problem = await enrolmentDayProblem(trx, file, enrolledOn);
    if (problem) throw new Refusal('enrolledOn', problem);
    await trx('youths').where({ id: file.youth_id }).update(youthColumns(input));
    await trx('enrolments')
      .where({ id: file.enrolment_id })
      .update({ situation_at_enrolment: input.situation, departing: input.departing, enrolled_on: enrolledOn, ...educationColumn(input) });
    // The account shows the youth's name too: a corrected spelling must not stay wrong there.
    if (file.user_id) {
      await trx('users').where({ id: file.user_id }).update({ display_name: `${input.firstName} ${input.lastName}`, updated_at: nowIso() });
    }
  });
}

// ---------------------------------------------------------------------------------------------------
// The youth's account

export interface YouthAccountStatus {
  id: number;
  username: string | null;
  active: boolean;
  pendingUntil: string | null;
}

export async function youthAccountStatus(db: Db, file: YouthFile): Promise<YouthAccountStatus | null> {
  if (!file.user_id) return null;
  const user = await db('users').where({ id: file.user_id }).first('id', 'username', 'active');
  if (!user) return null;
  const pending = await db('one_time_codes')
    .where({ user_id: user.id })
    .whereNull('used_at')
    .where('expires_at', '>', nowIso())
    .orderBy('expires_at', 'desc')
    .first('expires_at');
  return { id: user.id, username: user.username, active: Boolean(user.active), pendingUntil: pending?.expires_at ?? null };
}

/**
 * Opens the youth's account if they have none (no e-mail, no password: the youth chooses them with the
 * code), or issues a new code for the account they have: the sheet was lost, the code expired, or the
 * password is forgotten. Only the newest code works. A deactivated account stays closed: that is the admin's call.
 */
export async function openYouthAccount(
  db: Db,
  worker: Express.User,
  file: YouthFile,
): Promise<{ userId: number; displayName: string; created: boolean; issued: IssuedCode }> {
  const displayName = `${file.first_name} ${file.last_name}`;
  const { userId, created } = await db.transaction(async (trx) => {
    const youth = await trx('youths').where({ id: file.youth_id }).first('user_id');
    if (youth?.user_id) return { userId: youth.user_id as number, created: false };
    // A file linked to another structure's file shares its account: the youth has one.
    const linkedId = await linkedYouthId(trx, file.youth_id);
    const linkedFile = linkedId === null ? undefined : await trx('youths').where({ id: linkedId }).first('user_id');
    if (linkedFile?.user_id) {
      await trx('youths').where({ id: file.youth_id }).update({ user_id: linkedFile.user_id });
      return { userId: linkedFile.user_id as number, created: false };
    }
    // The youth's account belongs to the structure of the group that opens it.
    const group = await trx('groups').where({ id: file.group_id }).first('structure_id');
    const account = await createAccount(trx, { role: 'youth', displayName }, { structureId: group?.structure_id ?? null });
    // Conditional, so two clicks at once cannot give the youth two accounts: the second one rolls back.
    const opened = await trx('youths').where({ id: file.youth_id }).whereNull('user_id').update({ user_id: account.id });
    if (opened !== 1) throw new Error('the youth got an account in the meantime');
    if (linkedId !== null) await trx('youths').where({ id: linkedId }).whereNull('user_id').update({ user_id: account.id });
    return { userId: account.id, created: true };
  });
  const account = await db('users').where({ id: userId }).first('active', 'display_name');
  if (!account?.active) throw new Refusal('_form', 'participants.errors.accountInactive');
  return { userId, displayName: account.display_name, created, issued: await issueCode(db, userId, worker.id) };
}

/** The youth's account named on their file, for its code sheet; a file without one has no sheet (404). */
export async function loadYouthAccount(db: Db, file: YouthFile): Promise<{ id: number; display_name: string }> {
  const account = file.user_id ? await db('users').where({ id: file.user_id }).first('id', 'display_name') : undefined;
  if (!account) throw notFound();
  return account;
}

export type { Phase };
