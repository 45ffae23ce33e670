import { rm, stat } from 'node:fs/promises';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { isRefusal, Refusal } from '../http/refusal.js';
import { detectTypeOf, discard, keepFile, storedFilePath, type DetectedType, type ReceivedFile } from '../http/uploads.js';
import type { MediaProbe } from './media-probe.js';
import { thumbnailTempPath } from './media-probe.js';
import { deleteMediumRow, kindOfType, limitFor, recordMedium, type MediaKind, type MediumRow, type UploadInput } from './medium.js';

/** Where media are kept under UPLOAD_DIR (and where a resumable upload's cut-off finish is looked for). */
export const MEDIA_AREA = 'media';

/** Where media files go, what reads them, and how large each kind may be. */
export interface MediaStore {
  uploadDir: string;
  probe: MediaProbe;
  limits: Config['limits'];
}

/** What a file's first bytes say it is as a medium, its type and kind; anything else is refused. */
async function mediumTypeOf(head: Buffer): Promise<{ type: DetectedType; kind: MediaKind }> {
  const type = await detectTypeOf(head);
  const kind = type ? kindOfType(type.mime) : undefined;
  if (!type || !kind) throw new Refusal('file', 'media.errors.type');
  return { type, kind };
}

/** The question `examineUpload` asks first, asked of a resumable upload's first piece. */
export async function refuseUnlessMedium(head: Buffer): Promise<void> {
  await mediumTypeOf(head);
}

/**
 * What a sent file really is, from its first bytes, and so its kind and its size limit. Anything else is
 * refused: an executable or a web page renamed .mp4 has no business on the server; a photo or a PDF over
 * its own limit is refused even under a video's (413).
 */
async function examineUpload(file: ReceivedFile, limits: Config['limits']): Promise<{ type: DetectedType; kind: MediaKind }> {
  const { type, kind } = await mediumTypeOf(file.head);
  if (file.size > limitFor(kind, limits)) throw new Refusal('file', 'media.errors.tooLarge', 413);
  return { type, kind };
}

/**
 * A youth or a worker adds a medium to the group: a file, kept as the kind its bytes say, or a page of the
 * logbook written without any file. Whatever is refused or fails, no temporary file is left when this
 * returns (a kept file has moved already).
 */
export async function addMedium(db: Db, store: MediaStore, user: Express.User, groupId: number, input: UploadInput, file?: ReceivedFile): Promise<number> {
  try {
    if (!file) {
      if (!input.body) throw new Refusal('file', 'media.errors.nothing');
      return await recordMedium(db, user, { groupId, kind: 'report', input, file: null });
    }
    const { type, kind } = await examineUpload(file, store.limits);
    return await keepUploadedMedium(db, store.uploadDir, store.probe, user, groupId, file, type, kind, input);
  } finally {
    await discard(file);
  }
}

/**
 * The file sent with a form refused for its own fields: it goes, and what was wrong with it is said too,
 * so that one post shows every problem.
 */
export async function dropRefusedUpload(file: ReceivedFile | undefined, limits: Config['limits']): Promise<Refusal | undefined> {
  try {
    if (file) await examineUpload(file, limits);
    return undefined;
  } catch (err) {
    if (!isRefusal(err)) throw err;
    return err;
  } finally {
    await discard(file);
  }
}

/**
 * Keeps a checked upload: moves it to its generated name, asks ffprobe for its duration and ffmpeg for a
 * thumbnail (both optional), keeps the thumbnail under a generated name too, and only then writes the
 * row. If the row cannot be written, keepFile removes both files again. A file whose type says video but
 * which holds only sound (a phone's voice memo in a .3gp) is recorded as sound.
 */
export async function keepUploadedMedium(
  db: Db,
  uploadDir: string,
  probe: MediaProbe,
  user: Express.User,
  groupId: number,
  received: ReceivedFile,
  type: DetectedType,
  kind: MediaKind,
  input: UploadInput,
): Promise<number> {
  return keepFile(uploadDir, MEDIA_AREA, received, type.ext, async (relative) => {
    const absolute = storedFilePath(uploadDir, relative);
    let finalKind = kind;
    let durationSeconds: number | null = null;
    // A video ffprobe cannot read has no picture ffmpeg could take either: no thumbnail is tried then.
    let pictureToTake = kind === 'photo';
    if (kind === 'video' || kind === 'audio') {
      const facts = await probe.facts(absolute);
      if (facts) {
        durationSeconds = facts.durationSeconds;
        if (kind === 'video' && !facts.hasVideo && facts.hasAudio) finalKind = 'audio';
        pictureToTake = finalKind === 'video' && facts.hasVideo;
      }
    }
    const insert = (thumbnailPath: string | null) =>
      recordMedium(db, user, {
        groupId, kind: finalKind, input,
        file: { path: relative, mime: type.mime, size: received.size, sha256: received.sha256, originalName: received.originalName, durationSeconds, thumbnailPath },
      });
    if (!pictureToTake || (finalKind !== 'video' && finalKind !== 'photo')) return insert(null);
    const thumbTemp = thumbnailTempPath(uploadDir);
    try {
      if (!(await probe.thumbnail(absolute, finalKind, thumbTemp))) return insert(null);
      const size = (await stat(thumbTemp)).size;
      const thumb: ReceivedFile = {
        tempPath: thumbTemp, size, sha256: '', head: Buffer.alloc(0), originalName: 'thumbnail.jpg',
        keepAs: received.keepAs && `${received.keepAs}-thumbnail`,
      };
      return await keepFile(uploadDir, MEDIA_AREA, thumb, 'jpg', (thumbRelative) => insert(thumbRelative));
    } finally {
      await rm(thumbTemp, { force: true });
    }
  });
}

/**
 * The medium a resumable upload of this user became, if it did: its file is kept under the upload's id
 * (`media/<year>/<id>.<ext>`). For a sender asking again after its answer was lost.
 */
export async function mediumKeptAs(db: Db, groupId: number, userId: number, keepAs: string): Promise<{ id: number; size: number } | undefined> {
  // An id from the URL goes into a LIKE pattern: letters, digits and dashes only (tus ids are hex).
  if (!/^[0-9A-Za-z-]+$/.test(keepAs)) return undefined;
  const row = await db('media').where({ group_id: groupId, uploaded_by: userId }).andWhere('stored_path', 'like', `${MEDIA_AREA}/%/${keepAs}.%`).first('id', 'size_bytes');
  return row ? { id: row.id as number, size: Number(row.size_bytes) } : undefined;
}

/** Whether a file under UPLOAD_DIR is a medium's (or its thumbnail): asked of the files a killed finish left. */
export async function mediaFileRecorded(db: Db, storedPath: string): Promise<boolean> {
  const row = await db('media').where({ stored_path: storedPath }).orWhere({ thumbnail_path: storedPath }).first('id');
  return Boolean(row);
}

/** Deletes a medium: the row first (tags go with it), then its files. A file without its row is harmless, a row without its file is not. */
export async function deleteMedium(db: Db, uploadDir: string, medium: MediumRow): Promise<void> {
  await deleteMediumRow(db, medium);
  await removeMediumFiles(uploadDir, medium);
}

/** Removes a medium's file and thumbnail, once its row is gone. Missing files are not an error. */
async function removeMediumFiles(uploadDir: string, medium: Pick<MediumRow, 'stored_path' | 'thumbnail_path'>): Promise<void> {
  for (const relative of [medium.stored_path, medium.thumbnail_path]) {
    if (relative) await rm(storedFilePath(uploadDir, relative), { force: true });
  }
}

/**
 * A size as people read it: "850 Ko", "2,5 Mo", "2 Go" (the unit words come from the messages), in powers
 * of 1000 as "Mo" and "MB" mean (a 311 MB file read "297 Mo" when this counted in 1024s).
 */
export function formatSize(t: (key: string, values?: Record<string, unknown>) => string, bytes: number, lang = 'fr'): string {
  const units: [key: string, size: number][] = [['gb', 1000 ** 3], ['mb', 1000 ** 2], ['kb', 1000]];
  const [key, size] = units.find(([, s]) => bytes >= s) ?? units[2]!;
  const value = bytes / size;
  const n = new Intl.NumberFormat(lang, { maximumFractionDigits: value < 10 ? 1 : 0 }).format(value);
  return t(`media.units.${key}`, { n });
}

/** A duration as a player shows it: 0:07, 2:35, 1:02:09. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}
