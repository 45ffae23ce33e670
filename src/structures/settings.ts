import { readFile, rm } from 'node:fs/promises';
import { z } from 'zod';
import { MB } from '../config.js';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { Refusal } from '../http/refusal.js';
import { detectType, discard, keepFile, storedFilePath, type ReceivedFile } from '../http/uploads.js';
import { checkboxList, optionalText } from '../http/validation.js';
import { isMilestone, MILESTONES, plannedMilestones, type Milestone } from '../followups/followup.js';

/**
 * The settings a structure chooses for itself, which were the installation's: how long its scans are kept,
 * the follow-up milestones it plans, its SMS sender name, its address on the report PDFs. Each change is a
 * row of structure_setting_changes (who, when, what it became), read back on the settings page.
 */
export interface StructureSettings {
  /** Null: the installation's RETENTION_DAYS. */
  retentionDays: number | null;
  milestones: Milestone[];
  smsSender: string | null;
  address: string | null;
}

export const SETTINGS = ['namedInNetwork', 'retentionDays', 'milestones', 'smsSender', 'address', 'logo', 'papers'] as const;
export type Setting = (typeof SETTINGS)[number];

interface SettingsRow {
  retention_days: number | null;
  follow_up_milestones: string | null;
  sms_sender: string | null;
  address: string | null;
}

export async function settingsOf(db: Db, structureId: number): Promise<StructureSettings> {
  const row: SettingsRow | undefined = await db('structures').where({ id: structureId }).first('retention_days', 'follow_up_milestones', 'sms_sender', 'address');
  if (!row) throw new Error(`no structure ${structureId}`);
  return {
    retentionDays: row.retention_days === null ? null : Number(row.retention_days),
    milestones: plannedMilestones(row.follow_up_milestones),
    smsSender: row.sms_sender,
    address: row.address,
  };
}

/**
 * An alphanumeric SMS sender, as operators accept it: 3 to 11 characters, letters (unaccented), digits and
 * spaces, at least one letter — a sender of digits only would read as a phone number one cannot answer.
 */
export const SMS_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{3,11}$/;

export const SettingsForm = z.object({
  // Empty: the installation's retention.
  retentionDays: z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || /^\d{1,4}$/.test(v), { message: 'validation.number' })
    .transform((v) => (v ? Number(v) : null))
    .refine((n) => n === null || n <= 3650, { message: 'structures.settingsForm.retentionRange' }),
  milestones: checkboxList
    .refine((list) => list.every((m) => isMilestone(Number(m))), { message: 'validation.invalid' })
    .transform((list) => MILESTONES.filter((m) => list.includes(String(m))))
    .refine((list) => list.length > 0, { message: 'structures.settingsForm.milestonesRequired' }),
  smsSender: optionalText(11).refine((v) => v === null || SMS_SENDER.test(v), { message: 'structures.settingsForm.smsSenderRules' }),
  address: optionalText(300),
});

export type SettingsInput = z.infer<typeof SettingsForm>;

/** What the form shows for the structure's settings as they are. */
export function settingsFormValues(s: StructureSettings): Record<string, string> {
  return { retentionDays: s.retentionDays === null ? '' : String(s.retentionDays), smsSender: s.smsSender ?? '', address: s.address ?? '' };
}

const stored = (s: StructureSettings): Record<Exclude<Setting, 'logo' | 'papers' | 'namedInNetwork'>, string | null> => ({
  retentionDays: s.retentionDays === null ? null : String(s.retentionDays),
  milestones: s.milestones.join(','),
  smsSender: s.smsSender,
  address: s.address,
});

/** Records a change of one setting: who, when, and the value it became (null: back to the default, or none). */
export async function recordSettingChange(db: Db, user: Pick<Express.User, 'id' | 'displayName'>, structureId: number, setting: Setting, value: string | null): Promise<void> {
  await db('structure_setting_changes').insert({ structure_id: structureId, setting, value, changed_by: user.id, changed_by_name: user.displayName, at: nowIso() });
}

/** Whether the network reads the structure's name or a letter: the structure's choice, recorded like its other settings. */
export async function setNamedInNetwork(db: Db, user: Express.User, structureId: number, named: boolean): Promise<void> {
  await db.transaction(async (trx) => {
    const row: { named_in_network: boolean | number } = await trx('structures').where({ id: structureId }).first('named_in_network');
    if (Boolean(row.named_in_network) === named) return;
    await trx('structures').where({ id: structureId }).update({ named_in_network: named });
    await recordSettingChange(trx, user, structureId, 'namedInNetwork', named ? 'yes' : 'no');
  });
}

/** Saves the structure's settings; each one that changed is recorded. Returns the settings that changed. */
export async function saveSettings(db: Db, user: Express.User, structureId: number, input: SettingsInput): Promise<Setting[]> {
  return db.transaction(async (trx) => {
    const before = stored(await settingsOf(trx, structureId));
    const after = stored(input);
    await trx('structures').where({ id: structureId }).update({
      retention_days: input.retentionDays, follow_up_milestones: after.milestones, sms_sender: input.smsSender, address: input.address,
    });
    const changed = (Object.keys(after) as (keyof typeof after)[]).filter((k) => before[k] !== after[k]);
    for (const setting of changed) await recordSettingChange(trx, user, structureId, setting, after[setting]);
    return changed;
  });
}

export interface SettingChange {
  setting: Setting;
  value: string | null;
  changed_by_name: string | null;
  at: string;
}

/** The latest changes first. */
export function settingsHistory(db: Db, structureId: number, limit = 20): Promise<SettingChange[]> {
  return db('structure_setting_changes').where({ structure_id: structureId }).orderBy([{ column: 'at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit)
    .select('setting', 'value', 'changed_by_name', 'at');
}

// ---------------------------------------------------------------------------------------------------
// The logo at the top of the report PDFs

/** The logo's types, decided from its bytes (pdfkit draws these two), and the extension it is stored with. */
export const LOGO_TYPES: Record<string, string> = { 'image/png': 'png', 'image/jpeg': 'jpg' };
/** A letterhead logo, not a photo: 2 MB is plenty and keeps the PDF light. */
export const LOGO_MAX_BYTES = 2 * MB;

export interface StoredLogo {
  path: string;
  mime: string;
}

export async function logoOf(db: Db, uploadDir: string, structureId: number): Promise<(StoredLogo & { absolute: string }) | null> {
  const row: { logo_path: string | null; logo_mime: string | null } | undefined = await db('structures').where({ id: structureId }).first('logo_path', 'logo_mime');
  if (!row?.logo_path || !row.logo_mime) return null;
  return { path: row.logo_path, mime: row.logo_mime, absolute: storedFilePath(uploadDir, row.logo_path) };
}

/** Whether a structure's logo is this stored file (the sweep of files a killed process was keeping asks). */
export async function logoFileRecorded(db: Db, storedPath: string): Promise<boolean> {
  return Boolean(await db('structures').where({ logo_path: storedPath }).first('id'));
}

/**
 * Replaces the structure's logo with the file received: a PNG or a JPEG by its content, whatever its name
 * says. Stored under UPLOAD_DIR with a generated name; the previous file is removed once the new one is
 * recorded. Refused, the file received is removed.
 */
export async function setLogo(db: Db, uploadDir: string, user: Express.User, structureId: number, file: ReceivedFile | undefined): Promise<void> {
  if (!file) throw new Refusal('logo', 'structures.settingsForm.logoRequired');
  const type = await detectType(file);
  const ext = type && LOGO_TYPES[type.mime];
  if (!type || !ext) {
    await discard(file);
    throw new Refusal('logo', 'structures.settingsForm.logoType');
  }
  const previous = await logoOf(db, uploadDir, structureId);
  await keepFile(uploadDir, 'logos', file, ext, (stored) => db.transaction(async (trx) => {
    await trx('structures').where({ id: structureId }).update({ logo_path: stored, logo_mime: type.mime });
    await recordSettingChange(trx, user, structureId, 'logo', type.mime);
  }));
  if (previous) await rm(previous.absolute, { force: true });
}

/** What the report PDFs print at their top for a structure: its name, its address, its logo's bytes. */
export interface Letterhead {
  name: string;
  address: string | null;
  logo: Buffer | null;
}

/** The signed-in user's structure's letterhead; none for an account of no structure (a coordinator, the platform), nor for a structure with neither address nor logo. */
export async function letterheadOf(db: Db, uploadDir: string, structureId: number | null): Promise<Letterhead | null> {
  if (structureId === null) return null;
  const row: { name: string; address: string | null } | undefined = await db('structures').where({ id: structureId }).first('name', 'address');
  if (!row) return null;
  const logo = await logoOf(db, uploadDir, structureId);
  // A logo file gone from the disk (a restored database, a moved folder) leaves the report without it.
  const bytes = logo ? await readFile(logo.absolute).catch(() => null) : null;
  // Nothing chosen: the report stays as it was before structures had a letterhead.
  if (!row.address && !bytes) return null;
  return { name: row.name, address: row.address, logo: bytes };
}
