import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { columnsFrom, formValuesFrom } from '../db/columns.js';
import { nowIso } from '../db/time.js';
import { Refusal } from '../http/refusal.js';
import { calendarDate, idList, isRealDate, optionalText } from '../http/validation.js';
import { localNow } from '../meetings/meeting.js';
import { enqueue } from '../outbox/outbox.js';
import { isLanguage, translator } from '../http/i18n.js';
import { paths } from '../http/paths.js';

/**
 * The stay abroad, as the accompanying adults live it: the emergency sheet they carry, the incidents they
 * log (and whom they told), and their notes of each day. Everything here is personal data of the youths
 * and is read only by the adults in charge (src/auth/permissions.ts).
 */

// ---- The emergency sheet ----

const SHEET_FIELDS = ['insurance', 'assistancePhone', 'consulate', 'partnerContacts', 'accommodationAddress', 'itinerary'] as const;

/** A health note is what the adults must know (allergy, treatment), not the medical file: a few lines. */
export const HEALTH_NOTE_MAX = 500;
/** The sheet form's field for one youth's health note. */
export const healthFieldOf = (enrolmentId: number) => `health${enrolmentId}`;

export const SheetForm = z
  .object({
    insurance: optionalText(255),
    assistancePhone: optionalText(40).refine((v) => v === null || /^[+\d][\d .()-]{3,39}$/.test(v), { message: 'stay.sheet.phoneInvalid' }),
    consulate: optionalText(500),
    partnerContacts: optionalText(500),
    accommodationAddress: optionalText(500),
    itinerary: optionalText(4000),
  })
  .passthrough()
  .transform((f, ctx) => {
    const health = new Map<number, string | null>();
    for (const [key, value] of Object.entries(f)) {
      const m = /^health(\d{1,12})$/.exec(key);
      if (!m) continue;
      const text = typeof value === 'string' ? value.trim() : null;
      if (text === null && value !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'validation.invalid' });
      else if (text && text.length > HEALTH_NOTE_MAX) ctx.addIssue({ code: 'custom', path: [key], message: 'validation.tooLong' });
      else health.set(Number(m[1]), text || null);
    }
    return { ...Object.fromEntries(SHEET_FIELDS.map((k) => [k, f[k]])) as { [K in (typeof SHEET_FIELDS)[number]]: string | null }, health };
  });
export type SheetInput = z.infer<typeof SheetForm>;

export interface SheetRow {
  group_id: number;
  insurance: string | null;
  assistance_phone: string | null;
  consulate: string | null;
  partner_contacts: string | null;
  accommodation_address: string | null;
  itinerary: string | null;
  updated_at: string;
}

/** A departing youth's line on the sheet: who they are (no photo), whom to call, what the adults must know. */
export interface SheetYouth {
  enrolment_id: number;
  first_name: string;
  last_name: string;
  birth_date: string;
  phone: string | null;
  emergency_contact_name: string | null;
  emergency_contact_phone: string | null;
  health_note: string | null;
  health_purged_at: string | null;
}

export interface EmergencySheet {
  sheet: SheetRow | null;
  youths: SheetYouth[];
}

/** Who leaves: enrolled and marked departing (a youth who withdrew is not on the trip). */
const departingEnrolments = (db: Db, groupId: number) =>
  db('enrolments').where({ 'enrolments.group_id': groupId, 'enrolments.status': 'enrolled', 'enrolments.departing': true });

export async function emergencySheet(db: Db, groupId: number): Promise<EmergencySheet> {
  const [sheet, youths] = await Promise.all([
    db('stay_sheets').where({ group_id: groupId }).first() as Promise<SheetRow | undefined>,
    departingEnrolments(db, groupId)
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .leftJoin('stay_health_notes', 'stay_health_notes.enrolment_id', 'enrolments.id')
      .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
      .select('enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date', 'youths.phone',
        'youths.emergency_contact_name', 'youths.emergency_contact_phone', 'stay_health_notes.note as health_note', 'stay_health_notes.purged_at as health_purged_at'),
  ]);
  return { sheet: sheet ?? null, youths: youths.map((y: SheetYouth) => ({ ...y, enrolment_id: Number(y.enrolment_id) })) };
}

/** What the edit form shows: the sheet's fields and each departing youth's note. */
/**
 * The last day the emergency sheet may be kept on its readers' phones for reading without network: the
 * group's return day, from the departure phase on, while it is not back. Null when it may not be kept (before
 * the departure, after the return, or with no return date to wipe it by).
 */
export function sheetKeptUntil(group: { phase: string; return_date: string | null }, day: string): string | null {
  if (group.phase !== 'departure' && group.phase !== 'stay') return null;
  if (!group.return_date || group.return_date < day) return null;
  return group.return_date;
}

export function sheetFormValues({ sheet, youths }: EmergencySheet): Record<string, string> {
  const values = sheet ? formValuesFrom(sheet, SHEET_FIELDS) : {};
  for (const y of youths) values[healthFieldOf(y.enrolment_id)] = y.health_note ?? '';
  return values;
}

/**
 * Saves the sheet and the health notes of the group's departing youths (a note sent for anyone else is
 * refused: the form only offers those). A note left empty is removed; a note written again after a purge
 * is a new note for a new trip.
 */
export async function saveSheet(db: Db, user: Express.User, groupId: number, f: SheetInput): Promise<void> {
  const departing = new Set((await departingEnrolments(db, groupId).select('enrolments.id')).map((r: { id: number }) => Number(r.id)));
  for (const id of f.health.keys()) if (!departing.has(id)) throw new Refusal('_form', 'stay.sheet.unknownYouth');
  const now = nowIso();
  await db.transaction(async (trx) => {
    const row = { ...columnsFrom(f, SHEET_FIELDS), updated_by: user.id, updated_at: now };
    await trx('stay_sheets').insert({ group_id: groupId, ...row }).onConflict('group_id').merge(row);
    for (const [enrolmentId, note] of f.health) {
      const current = await trx('stay_health_notes').where({ enrolment_id: enrolmentId }).first('note');
      if (!note) {
        await trx('stay_health_notes').where({ enrolment_id: enrolmentId }).del();
      } else if (!current || current.note !== note) {
        const written = { note, written_by: user.id, written_at: now, purged_at: null };
        await trx('stay_health_notes').insert({ enrolment_id: enrolmentId, ...written }).onConflict('enrolment_id').merge(written);
      }
    }
  });
}

// ---- Incidents ----

export const SEVERITIES = ['minor', 'serious', 'emergency'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** Those the director must hear of at once, on their home page. */
export const ALERTING: Severity[] = ['serious', 'emergency'];
export const TOLD = ['parents', 'director', 'insurer', 'consulate'] as const;
export type Told = (typeof TOLD)[number];

/** A moment typed in `<input type="datetime-local">`: YYYY-MM-DDTHH:mm, a real day, never in the future. */
const moment = (required: boolean) =>
  z.string().trim().optional().transform((v, ctx) => {
    if (!v) {
      if (required) ctx.addIssue({ code: 'custom', message: 'validation.required' });
      return null;
    }
    const m = /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d$/.exec(v);
    if (!m || !isRealDate(m[1]!)) ctx.addIssue({ code: 'custom', message: 'stay.incident.momentInvalid' });
    else if (v > localNow().slice(0, 16)) ctx.addIssue({ code: 'custom', message: 'stay.incident.momentFuture' });
    return v;
  });

const incidentFields = z.object({
  occurredAt: moment(true),
  place: optionalText(255),
  what: z.string().trim().min(1, { message: 'validation.required' }).max(4000, { message: 'validation.tooLong' }),
  severity: z.enum(SEVERITIES, { message: 'stay.incident.severityRequired' }),
  actionTaken: optionalText(4000),
  youth: idList,
  toldParentsAt: moment(false),
  toldDirectorAt: moment(false),
  toldInsurerAt: moment(false),
  toldConsulateAt: moment(false),
});

const toldAfterIncident = (f: z.infer<typeof incidentFields>, ctx: z.RefinementCtx) => {
  for (const who of ['Parents', 'Director', 'Insurer', 'Consulate'] as const) {
    const told = f[`told${who}At`];
    if (told && f.occurredAt && told < f.occurredAt) ctx.addIssue({ code: 'custom', path: [`told${who}At`], message: 'stay.incident.toldBefore' });
  }
};

export const IncidentForm = incidentFields.superRefine(toldAfterIncident);
/** A correction carries the version it was written on, so it cannot overwrite one made meanwhile unseen. */
export const IncidentCorrectionForm = incidentFields
  .extend({ revision: z.coerce.number({ message: 'validation.invalid' }).int().min(0) })
  .superRefine(toldAfterIncident);
export type IncidentCorrectionInput = z.infer<typeof IncidentCorrectionForm>;
export type IncidentInput = z.infer<typeof IncidentForm>;

export interface IncidentRow {
  id: number;
  group_id: number;
  occurred_at: string;
  place: string | null;
  what: string;
  severity: Severity;
  action_taken: string | null;
  told_parents_at: string | null;
  told_director_at: string | null;
  told_insurer_at: string | null;
  told_consulate_at: string | null;
  recorded_by: number | null;
  recorded_by_name: string | null;
  created_at: string;
  acknowledged_by: number | null;
  acknowledged_by_name: string | null;
  acknowledged_at: string | null;
  revision: number;
}

export interface Incident extends IncidentRow {
  youths: { enrolment_id: number; first_name: string; last_name: string }[];
}

const incidents = (db: Db) =>
  db('stay_incidents')
    .leftJoin('users as recorder', 'recorder.id', 'stay_incidents.recorded_by')
    .leftJoin('users as acknowledger', 'acknowledger.id', 'stay_incidents.acknowledged_by')
    .select('stay_incidents.*', 'recorder.display_name as recorded_by_name', 'acknowledger.display_name as acknowledged_by_name');

/** The youths an incident involved may only be the group's own: another group's youth is refused. */
async function checkGroupYouths(db: Db, groupId: number, youth: number[]): Promise<void> {
  const known = await db('enrolments').where({ group_id: groupId }).whereIn('id', youth.length ? youth : [-1]).select('id');
  if (known.length !== new Set(youth).size) throw new Refusal('youth', 'stay.incident.unknownYouth');
}

export async function recordIncident(db: Db, user: Express.User, groupId: number, f: IncidentInput): Promise<number> {
  await checkGroupYouths(db, groupId, f.youth);
  return db.transaction(async (trx) => {
    const [row] = await trx('stay_incidents')
      .insert({
        group_id: groupId, occurred_at: f.occurredAt, place: f.place, what: f.what, severity: f.severity, action_taken: f.actionTaken,
        told_parents_at: f.toldParentsAt, told_director_at: f.toldDirectorAt, told_insurer_at: f.toldInsurerAt, told_consulate_at: f.toldConsulateAt,
        recorded_by: user.id, created_at: nowIso(),
      })
      .returning('id');
    const id = insertedId(row);
    if (f.youth.length) await trx('stay_incident_youths').insert([...new Set(f.youth)].map((e) => ({ incident_id: id, enrolment_id: e })));
    return id;
  });
}

export async function listIncidents(db: Db, groupId: number): Promise<IncidentRow[]> {
  return incidents(db).where('stay_incidents.group_id', groupId).orderBy([{ column: 'stay_incidents.occurred_at', order: 'desc' }, { column: 'stay_incidents.id', order: 'desc' }]);
}

export async function findIncident(db: Db, groupId: number, incidentId: number): Promise<Incident | undefined> {
  const row: IncidentRow | undefined = await incidents(db).where({ 'stay_incidents.group_id': groupId, 'stay_incidents.id': incidentId }).first();
  if (!row) return undefined;
  const youths = await db('stay_incident_youths')
    .join('enrolments', 'enrolments.id', 'stay_incident_youths.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('stay_incident_youths.incident_id', incidentId)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select('enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name');
  return { ...row, youths };
}

// ---- Corrections ----

/** The incident's own columns that a correction may change, with the form field each comes from. */
const CORRECTABLE = {
  occurred_at: 'occurredAt', place: 'place', what: 'what', severity: 'severity', action_taken: 'actionTaken',
  told_parents_at: 'toldParentsAt', told_director_at: 'toldDirectorAt', told_insurer_at: 'toldInsurerAt', told_consulate_at: 'toldConsulateAt',
} as const;
type Correctable = keyof typeof CORRECTABLE;
/** What the history compares between two versions: the columns above and the youths involved. */
export type IncidentField = Correctable | 'youth_ids';
type IncidentState = Record<IncidentField, string | null>;

const youthIdsOf = (ids: number[]) => [...new Set(ids)].sort((a, b) => a - b).join(',');
const stateOf = (row: object, youthIds: string): IncidentState => ({
  ...(Object.fromEntries(Object.keys(CORRECTABLE).map((c) => [c, ((row as Record<string, unknown>)[c] as string | null) ?? null])) as Record<Correctable, string | null>),
  youth_ids: youthIds,
});

/** Raised to serious or emergency: the director must read it again, as if it were new. */
export const raisesAlert = (from: Severity, to: Severity) => ALERTING.includes(to) && SEVERITIES.indexOf(to) > SEVERITIES.indexOf(from);

/** The form's values for correcting the incident as it stands now. */
export function incidentFormValues(incident: Incident): Record<string, string> {
  const values: Record<string, string> = { revision: String(incident.revision) };
  for (const [column, field] of Object.entries(CORRECTABLE)) values[field] = (incident[column as Correctable] as string | null) ?? '';
  return values;
}

/**
 * Corrects or completes an incident, never in place: the version it replaces is kept in
 * stay_incident_revisions with who corrected it and when. Refused when nothing changed, or when the form was
 * loaded on a version someone has corrected since (409: their correction must be read first). Raised to
 * serious or emergency, the incident loses its acknowledgement (kept with the old version) and shows on the
 * director's home again; true is then returned, for the caller to alert the directors.
 */
export async function correctIncident(db: Db, user: Express.User, incident: Incident, f: IncidentCorrectionInput): Promise<{ raised: boolean }> {
  await checkGroupYouths(db, incident.group_id, f.youth);
  const changedMeanwhile = () => new Refusal('_form', 'stay.incident.changedMeanwhile', 409);
  if (f.revision !== incident.revision) throw changedMeanwhile();
  const before = stateOf(incident, youthIdsOf(incident.youths.map((y) => y.enrolment_id)));
  const after = stateOf(Object.fromEntries(Object.entries(CORRECTABLE).map(([column, field]) => [column, f[field]])), youthIdsOf(f.youth));
  if ((Object.keys(before) as IncidentField[]).every((k) => before[k] === after[k])) throw new Refusal('_form', 'stay.incident.unchanged');
  const raised = raisesAlert(incident.severity, f.severity);
  const now = nowIso();
  await db.transaction(async (trx) => {
    const { youth_ids: _youths, ...columns } = after;
    const acknowledgement = raised ? { acknowledged_by: null, acknowledged_at: null } : {};
    // Only the version the form was loaded on may be replaced: a correction saved meanwhile changed it.
    const updated = await trx('stay_incidents').where({ id: incident.id, revision: incident.revision }).update({ ...columns, ...acknowledgement, revision: incident.revision + 1 });
    if (updated !== 1) throw changedMeanwhile();
    await trx('stay_incident_revisions').insert({
      incident_id: incident.id, revision: incident.revision, ...before,
      acknowledged_by: incident.acknowledged_by, acknowledged_at: incident.acknowledged_at, changed_by: user.id, changed_at: now,
    });
    if (before.youth_ids !== after.youth_ids) {
      await trx('stay_incident_youths').where({ incident_id: incident.id }).del();
      if (f.youth.length) await trx('stay_incident_youths').insert([...new Set(f.youth)].map((e) => ({ incident_id: incident.id, enrolment_id: e })));
    }
  });
  return { raised };
}

export interface IncidentChange {
  field: IncidentField;
  before: string | null;
  after: string | null;
}

export interface IncidentCorrection {
  by_name: string | null;
  at: string;
  changes: IncidentChange[];
}

export interface IncidentHistory {
  /** Latest first. */
  corrections: IncidentCorrection[];
  /** The names of the youths any version named, by enrolment id. */
  youthNames: Map<number, string>;
}

/** Who changed what and when, from the versions kept: each correction is the difference to the next version. */
export async function incidentHistory(db: Db, incident: Incident): Promise<IncidentHistory> {
  const rows: (Record<string, unknown> & { changed_at: string; by_name: string | null })[] = await db('stay_incident_revisions')
    .leftJoin('users', 'users.id', 'stay_incident_revisions.changed_by')
    .where('stay_incident_revisions.incident_id', incident.id)
    .orderBy('stay_incident_revisions.revision')
    .select('stay_incident_revisions.*', 'users.display_name as by_name');
  const versions = [...rows.map((r) => stateOf(r, r.youth_ids as string)), stateOf(incident, youthIdsOf(incident.youths.map((y) => y.enrolment_id)))];
  const corrections = rows.map((r, k) => ({
    by_name: r.by_name,
    at: r.changed_at,
    changes: (Object.keys(versions[k]!) as IncidentField[])
      .filter((field) => versions[k]![field] !== versions[k + 1]![field])
      .map((field) => ({ field, before: versions[k]![field], after: versions[k + 1]![field] })),
  }));
  const ids = [...new Set(versions.flatMap((v) => (v.youth_ids ? v.youth_ids.split(',').map(Number) : [])))];
  const names: { id: number; first_name: string; last_name: string }[] = ids.length
    ? await db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').whereIn('enrolments.id', ids).select('enrolments.id', 'youths.first_name', 'youths.last_name')
    : [];
  return { corrections: corrections.reverse(), youthNames: new Map(names.map((n) => [Number(n.id), `${n.first_name} ${n.last_name}`])) };
}

/**
 * A serious or emergency incident is also e-mailed to the directors of the group's structure, through the
 * delivery queue: the home page shows it only to someone who opens the app. E-mail only: an SMS waits for the
 * quiet hours to end (src/outbox/sms-rules.ts), and directors' accounts hold no phone. The message names the
 * group, never a youth; the link leads to the incident through the director's own scope. `raised`: an
 * incident corrected up to serious or emergency, which the message says rather than "just logged".
 */
export async function alertDirectors(
  db: Db, by: Express.User, group: { id: number; name: string; structure_id: number }, incidentId: number, severity: Severity, publicUrl: string,
  raised = false,
): Promise<number> {
  if (!ALERTING.includes(severity)) return 0;
  const directors: { id: number; email: string; display_name: string; locale: string | null }[] = await db('users')
    .where({ role: 'director', active: true, structure_id: group.structure_id })
    .whereNotNull('email')
    .select('id', 'email', 'display_name', 'locale');
  for (const d of directors) {
    const locale = isLanguage(d.locale) ? d.locale : 'fr';
    await enqueue(db, {
      channel: 'email', address: d.email, locale, key: raised ? 'incidentRaised' : 'incidentAlert', recipientUserId: d.id, createdBy: by.id,
      data: { name: d.display_name, group: group.name, severity: translator(locale)(`stay.severityWords.${severity}`), link: `${publicUrl}${paths.groupIncident(group.id, incidentId)}` },
    });
  }
  return directors.length;
}

/** The director's "I have read it": who and when, once (a second tap changes nothing). */
export async function acknowledgeIncident(db: Db, user: Express.User, incident: IncidentRow): Promise<boolean> {
  return (await db('stay_incidents').where({ id: incident.id }).whereNull('acknowledged_at').update({ acknowledged_by: user.id, acknowledged_at: nowIso() })) === 1;
}

export interface UnacknowledgedIncident {
  id: number;
  group_id: number;
  group_name: string;
  occurred_at: string;
  severity: Severity;
}

/** Serious and emergency incidents of these groups nobody acknowledged yet: the director's home, at once. */
export function unacknowledgedIncidents(db: Db, groupIds: number[]): Promise<UnacknowledgedIncident[]> {
  return db('stay_incidents')
    .join('groups', 'groups.id', 'stay_incidents.group_id')
    .whereIn('stay_incidents.group_id', groupIds)
    .whereIn('stay_incidents.severity', ALERTING)
    .whereNull('stay_incidents.acknowledged_at')
    .orderBy('stay_incidents.occurred_at', 'desc')
    .select('stay_incidents.id', 'stay_incidents.group_id', 'groups.name as group_name', 'stay_incidents.occurred_at', 'stay_incidents.severity');
}

// ---- Daily notes ----

export const DailyNoteForm = z.object({
  day: calendarDate,
  done: z.string().trim().min(1, { message: 'validation.required' }).max(4000, { message: 'validation.tooLong' }),
  mood: optionalText(500),
  tired: optionalText(500),
});
export type DailyNoteInput = z.infer<typeof DailyNoteForm>;

export interface DailyNote {
  id: number;
  day: string;
  done: string;
  mood: string | null;
  tired: string | null;
  written_by_name: string | null;
}

export async function writeDailyNote(db: Db, user: Express.User, groupId: number, f: DailyNoteInput): Promise<number> {
  if (f.day > localNow().slice(0, 10)) throw new Refusal('day', 'stay.notes.dayFuture');
  const [row] = await db('stay_daily_notes').insert({ group_id: groupId, ...columnsFrom(f, ['day', 'done', 'mood', 'tired'] as const), written_by: user.id, created_at: nowIso() }).returning('id');
  return insertedId(row);
}

/** The adults' notes, the latest day first. */
export function listDailyNotes(db: Db, groupId: number): Promise<DailyNote[]> {
  return db('stay_daily_notes')
    .leftJoin('users', 'users.id', 'stay_daily_notes.written_by')
    .where('stay_daily_notes.group_id', groupId)
    .orderBy([{ column: 'stay_daily_notes.day', order: 'desc' }, { column: 'stay_daily_notes.id', order: 'desc' }])
    .select('stay_daily_notes.id', 'stay_daily_notes.day', 'stay_daily_notes.done', 'stay_daily_notes.mood', 'stay_daily_notes.tired', 'users.display_name as written_by_name');
}

export interface StaySection {
  notes: DailyNote[];
  /** The youths' written reports of the stay (the logbook), to point at beside the adults' notes. */
  logbookCount: number;
}

/** What the group page's stay section shows: read within the page's cached lists (src/groups/groups.routes.ts). */
export async function staySection(db: Db, groupId: number): Promise<StaySection> {
  const [notes, [{ n }]] = await Promise.all([
    listDailyNotes(db, groupId),
    db('media').where({ group_id: groupId, kind: 'report', moment: 'during' }).count<{ n: number | string }[]>({ n: '*' }),
  ]);
  return { notes, logbookCount: toNumber(n) };
}
