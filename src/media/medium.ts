import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { can, type MediumRecord } from '../auth/permissions.js';
import type { ScopedGroup } from '../groups/group.js';
import { hasLeft, hasReturned, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';
import { idList, optionalText } from '../http/validation.js';
import { recordAudit } from '../documents/audit-log.js';
import { USE_LEVELS, youthsLackingConsent, type ConsentShortfall, type UseLevel } from './consent.js';

/**
 * The youths' media: videos first (what they make most easily on a phone), photos, sound recordings, and
 * written reports — the logbook — which may be text alone. Each is tagged with its moment (before the
 * stay, during it, after it) so the return bilan can put "before" beside "after".
 */
export const MEDIA_KINDS = ['video', 'photo', 'audio', 'report'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const MOMENTS = ['before', 'during', 'after'] as const;
export type Moment = (typeof MOMENTS)[number];

export interface MediumRow {
  id: number;
  group_id: number;
  kind: MediaKind;
  moment: Moment;
  caption: string | null;
  body: string | null;
  stored_path: string | null;
  mime: string | null;
  size_bytes: number | null;
  sha256: string | null;
  original_name: string | null;
  duration_seconds: number | null;
  thumbnail_path: string | null;
  uploaded_by: number | null;
  youth_id: number | null;
  use_level: UseLevel;
  created_at: string;
  updated_at: string;
}

/** A medium as lists show it: with its author's name. */
export interface MediumItem extends MediumRow {
  author_name: string | null;
}

// What each kind accepts, by the type read from the file's first bytes. Anything else is refused: an
// executable or a web page renamed .mp4 has no business on the server.
const TYPE_KINDS: Record<string, MediaKind> = {
  'video/mp4': 'video', 'video/quicktime': 'video', 'video/webm': 'video', 'video/3gpp': 'video', 'video/3gpp2': 'video',
  'video/matroska': 'video', 'video/x-m4v': 'video', 'video/ogg': 'video',
  'image/jpeg': 'photo', 'image/png': 'photo', 'image/webp': 'photo', 'image/gif': 'photo', 'image/heic': 'photo',
  'image/heif': 'photo', 'image/avif': 'photo',
  'audio/mpeg': 'audio', 'audio/mp4': 'audio', 'audio/x-m4a': 'audio', 'audio/aac': 'audio', 'audio/ogg': 'audio',
  'audio/wav': 'audio', 'audio/amr': 'audio', 'audio/flac': 'audio', 'audio/webm': 'audio',
  'application/pdf': 'report',
};

/** The kind of medium a file is, from its real type; undefined for a type the app does not take. */
export function kindOfType(mime: string): MediaKind | undefined {
  return TYPE_KINDS[mime.split(';')[0]!.trim().toLowerCase()];
}

/** The size limit for a kind: videos and sound share the big one, photos and written reports have their own. */
export function limitFor(kind: MediaKind, limits: Config['limits']): number {
  return kind === 'photo' ? limits.photo : kind === 'report' ? limits.document : limits.video;
}

/** The moment a new medium most likely belongs to, from where the group is in its project. */
export function defaultMoment(phase: Phase): Moment {
  if (!hasLeft(phase)) return 'before';
  return hasReturned(phase) ? 'after' : 'during';
}

// ---------------------------------------------------------------------------------------------------
// The forms

export const UploadForm = z.object({
  moment: z.enum(MOMENTS, { message: 'media.errors.moment' }),
  caption: optionalText(300),
  body: optionalText(20_000),
});
export type UploadInput = z.infer<typeof UploadForm>;

const MediumForm = UploadForm.extend({
  youth: idList,
  useLevel: z.enum(USE_LEVELS, { message: 'media.errors.useLevel' }).optional(),
});
export type MediumInput = z.infer<typeof MediumForm>;

/** The medium page's form as this editor may send it: the use level is the adults' call; from anyone else it is ignored, not trusted. */
export function mediumFormFor(editor: MediumEditor): z.ZodType<MediumInput> {
  return can(editor.user, 'decideMediumUse', editor.record) ? MediumForm : MediumForm.omit({ useLevel: true });
}

/** Deleting a medium is said twice: the box ticked, then the button. */
export const DeleteMediumForm = z.object({ confirm: z.literal('yes', { message: 'media.errors.confirm' }) });

export function mediumFormValues(m: MediumRow): Record<string, string> {
  return { moment: m.moment, caption: m.caption ?? '', body: m.body ?? '', useLevel: m.use_level };
}

// ---------------------------------------------------------------------------------------------------
// Recording

export interface StoredFile {
  path: string;
  mime: string;
  size: number;
  sha256: string;
  originalName: string;
  durationSeconds: number | null;
  thumbnailPath: string | null;
}

export interface NewMedium {
  groupId: number;
  kind: MediaKind;
  input: UploadInput;
  file: StoredFile | null;
}

/** The youth file of a signed-in youth in a group, if the account is a youth's of that group. */
async function authorYouthId(db: Db, groupId: number, userId: number): Promise<number | null> {
  const row = await db('youths')
    .join('enrolments', 'enrolments.youth_id', 'youths.id')
    .where({ 'youths.user_id': userId, 'enrolments.group_id': groupId })
    .first('youths.id');
  return row?.id ?? null;
}

/**
 * Writes the medium's row, once its file (if any) is complete and in its place. A new medium stays in
 * the group: wider use is a later, checked decision.
 */
export async function recordMedium(db: Db, user: Express.User, m: NewMedium): Promise<number> {
  const now = nowIso();
  const [row] = await db('media')
    .insert({
      group_id: m.groupId, kind: m.kind, moment: m.input.moment, caption: m.input.caption, body: m.input.body,
      stored_path: m.file?.path ?? null, mime: m.file?.mime ?? null, size_bytes: m.file?.size ?? null, sha256: m.file?.sha256 ?? null,
      original_name: m.file?.originalName ?? null, duration_seconds: m.file?.durationSeconds ?? null, thumbnail_path: m.file?.thumbnailPath ?? null,
      uploaded_by: user.id, youth_id: await authorYouthId(db, m.groupId, user.id), use_level: 'group', created_at: now, updated_at: now,
    })
    .returning('id');
  return insertedId(row);
}

async function checkYouthsOfGroup(db: Db, groupId: number, youthIds: number[]): Promise<void> {
  if (!youthIds.length) return;
  const found = await db('enrolments').where({ group_id: groupId }).whereIn('youth_id', youthIds).count<{ n: number | string }[]>('* as n');
  // Someone tagged who is not a youth of the group.
  if (toNumber(found[0]?.n) !== youthIds.length) throw new Refusal('youth', 'media.errors.youth');
}

async function replaceTags(db: Db, mediumId: number, youthIds: number[]): Promise<void> {
  await db('media_youths').where({ medium_id: mediumId }).del();
  if (youthIds.length) await db('media_youths').insert(youthIds.map((youth_id) => ({ medium_id: mediumId, youth_id })));
}

async function taggedYouthIds(db: Db, mediumId: number): Promise<number[]> {
  return (await db('media_youths').where({ medium_id: mediumId }).select('youth_id')).map((r: { youth_id: number }) => r.youth_id);
}

/** A medium may not be used that widely when some youths in it have not consented to it: the refusal names them. */
async function assertConsent(db: Db, groupId: number, youthIds: number[], level: UseLevel): Promise<void> {
  const shortfalls = await youthsLackingConsent(db, groupId, youthIds, level);
  if (shortfalls.length) throw new Refusal<ConsentShortfall[]>('useLevel', 'media.errors.consent', 422, shortfalls);
}

/** Says who appears in a medium. Refused when someone new has not consented to the use already decided. */
export async function tagYouths(db: Db, medium: MediumRow, youthIds: number[]): Promise<void> {
  await db.transaction(async (trx) => {
    await checkYouthsOfGroup(trx, medium.group_id, youthIds);
    await assertConsent(trx, medium.group_id, youthIds, medium.use_level);
    await replaceTags(trx, medium.id, youthIds);
  });
}

/** Marks how far a medium may go. Refused when any youth in it has not consented that far (parents for a minor). */
export async function setUseLevel(db: Db, medium: MediumRow, level: UseLevel): Promise<void> {
  await db.transaction(async (trx) => {
    await assertConsent(trx, medium.group_id, await taggedYouthIds(trx, medium.id), level);
    await trx('media').where({ id: medium.id }).update({ use_level: level, updated_at: nowIso() });
  });
}

/** Who saves the medium page's form, and the medium as the permission rules see it. */
export interface MediumEditor {
  user: Express.User;
  record: MediumRecord;
}

/**
 * Who appears in a medium once the form is saved: what was sent, for the youths this user may name; the
 * tags already there, for the others, whatever was sent about them (their boxes are not on this user's
 * form, so a youth saving her own photo neither adds nor takes off anyone but herself).
 */
async function tagsAfterEdit(trx: Db, editor: MediumEditor, medium: MediumRow, sent: number[]): Promise<number[]> {
  const current = await taggedYouthIds(trx, medium.id);
  const involved = [...new Set([...current, ...sent])];
  if (!involved.length) return [];
  const rows: { id: number; user_id: number | null }[] = await trx('youths').whereIn('id', involved).select('id', 'user_id');
  const accountOf = new Map(rows.map((r) => [Number(r.id), r.user_id ?? null]));
  const mayTag = (id: number) => can(editor.user, 'tagYouth', { medium: editor.record, youthUserId: accountOf.get(id) ?? null });
  return involved.filter((id) => (mayTag(id) ? sent.includes(id) : current.includes(id)));
}

// The same words as a browser sends them back: its textareas end lines with CRLF.
const sameText = (a: string | null, b: string | null) => (a ?? '').replace(/\r\n?/g, '\n') === (b ?? '').replace(/\r\n?/g, '\n');

/** What a save changes in what the medium says (not where it sits: moment, tags). */
function changedContent(medium: MediumRow, input: MediumInput): ('caption' | 'body')[] {
  return (['caption', 'body'] as const).filter((field) => !sameText(medium[field], input[field]));
}

/**
 * The medium page's form: caption, moment, text, who appears and (for those who decide it) the use level,
 * checked together — the tags and the level that will be, not those that were.
 *
 * A clearance beyond the group was given to the caption and text as they were: a save that changes them,
 * whoever makes it and whatever level the form still shows, brings the medium back to the group, with a
 * line in the audit log. Restitution events linked to it stop showing it, as when a consent narrows.
 * Returns whether that happened, for the page to say so.
 */
export async function updateMedium(db: Db, editor: MediumEditor, medium: MediumRow, input: MediumInput): Promise<{ clearanceWithdrawn: boolean }> {
  return db.transaction(async (trx) => {
    const changed = changedContent(medium, input);
    const clearanceWithdrawn = changed.length > 0 && medium.use_level !== 'group';
    const level = changed.length ? 'group' : input.useLevel ?? medium.use_level;
    await checkYouthsOfGroup(trx, medium.group_id, input.youth);
    const youths = await tagsAfterEdit(trx, editor, medium, input.youth);
    await assertConsent(trx, medium.group_id, youths, level);
    await replaceTags(trx, medium.id, youths);
    await trx('media')
      .where({ id: medium.id })
      .update({ caption: input.caption, moment: input.moment, body: input.body, use_level: level, updated_at: nowIso() });
    if (clearanceWithdrawn) {
      await recordAudit(trx, editor.user, 'medium.clearanceWithdrawn', {
        groupId: medium.group_id, subjectType: 'medium', subjectId: medium.id, details: { from: medium.use_level, changed },
      });
    }
    return { clearanceWithdrawn };
  });
}

/** Removes the row (tags go with it); `deleteMedium` removes the files afterwards. */
export async function deleteMediumRow(db: Db, medium: MediumRow): Promise<void> {
  await db('media').where({ id: medium.id, group_id: medium.group_id }).del();
}

// ---------------------------------------------------------------------------------------------------
// Reading

function mediaQuery(db: Db) {
  return db('media')
    .leftJoin('users', 'users.id', 'media.uploaded_by')
    .leftJoin('youths', 'youths.id', 'media.youth_id')
    .select(
      'media.*',
      db.raw("coalesce(youths.first_name || ' ' || youths.last_name, users.display_name) as author_name"),
    );
}

const toItem = (r: MediumItem): MediumItem => ({
  ...r, size_bytes: r.size_bytes === null ? null : toNumber(r.size_bytes),
  duration_seconds: r.duration_seconds === null ? null : Number(r.duration_seconds),
});

const KIND_ORDER: Record<MediaKind, number> = { video: 0, photo: 1, audio: 2, report: 3 };

/** The group's shared media, videos first, the newest first within each kind. */
export async function listGroupMedia(db: Db, groupId: number): Promise<MediumItem[]> {
  const rows: MediumItem[] = await mediaQuery(db).where('media.group_id', groupId).orderBy([{ column: 'media.created_at', order: 'desc' }, { column: 'media.id', order: 'desc' }]);
  return rows.map(toItem).sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind]);
}

export async function findMedium(db: Db, groupId: number, mediumId: number): Promise<MediumItem | undefined> {
  const row = await mediaQuery(db).where({ 'media.id': mediumId, 'media.group_id': groupId }).first();
  return row ? toItem(row) : undefined;
}

/** What the permission rules need to know about a medium. */
export const mediumRecord = (group: ScopedGroup, medium: MediumRow): MediumRecord => ({ group, uploadedBy: medium.uploaded_by });

export interface TaggedYouth {
  youth_id: number;
  first_name: string;
  last_name: string;
  /** Whether they still take part: who is on a medium stays named after they left, marked as such. */
  status: 'enrolled' | 'withdrawn';
}

export function mediumTags(db: Db, medium: MediumRow): Promise<TaggedYouth[]> {
  return db('media_youths')
    .join('youths', 'youths.id', 'media_youths.youth_id')
    .join('enrolments', (j) => j.on('enrolments.youth_id', 'youths.id').andOnVal('enrolments.group_id', medium.group_id))
    .where('media_youths.medium_id', medium.id)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select('youths.id as youth_id', 'youths.first_name', 'youths.last_name', 'enrolments.status');
}

export interface BeforeAfter {
  before: MediumItem[];
  after: MediumItem[];
}

/**
 * The return bilan: what was made before the stay beside what was made after it, oldest "before" first
 * and newest "after" first, so the first pair is the furthest apart. For one youth: what they made and
 * what they appear in. Videos when there are some; otherwise whatever that moment has (a photo, a page
 * of the logbook), so a youth who wrote rather than filmed still sees their change.
 */
export async function beforeAfter(db: Db, groupId: number, youthId?: number): Promise<BeforeAfter> {
  const q = mediaQuery(db).where('media.group_id', groupId).whereIn('media.moment', ['before', 'after']);
  if (youthId !== undefined) {
    q.andWhere((w) => {
      w.where('media.youth_id', youthId).orWhereExists(
        db('media_youths').whereRaw('media_youths.medium_id = media.id').andWhere('media_youths.youth_id', youthId),
      );
    });
  }
  const rows = ((await q.orderBy([{ column: 'media.created_at' }, { column: 'media.id' }])) as MediumItem[]).map(toItem);
  const side = (moment: Moment): MediumItem[] => {
    const all = rows.filter((r) => r.moment === moment);
    const videos = all.filter((r) => r.kind === 'video');
    const chosen = videos.length ? videos : all;
    return moment === 'after' ? [...chosen].reverse() : chosen;
  };
  return { before: side('before'), after: side('after') };
}
