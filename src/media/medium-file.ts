import { rm, stat } from 'node:fs/promises';
import type { Db } from '../db/knex.js';
import { keepFile, storedFilePath, type DetectedType, type ReceivedFile } from '../http/uploads.js';
import type { MediaProbe } from './media-probe.js';
import { thumbnailTempPath } from './media-probe.js';
import { recordMedium, type MediaKind, type MediumRow, type UploadInput } from './medium.js';

const AREA = 'media';

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
  return keepFile(uploadDir, AREA, received, type.ext, async (relative) => {
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
      const thumb: ReceivedFile = { tempPath: thumbTemp, size, sha256: '', head: Buffer.alloc(0), originalName: 'thumbnail.jpg' };
      return await keepFile(uploadDir, AREA, thumb, 'jpg', (thumbRelative) => insert(thumbRelative));
    } finally {
      await rm(thumbTemp, { force: true });
    }
  });
}

/** Removes a medium's file and thumbnail, once its row is gone. Missing files are not an error. */
export async function removeMediumFiles(uploadDir: string, medium: Pick<MediumRow, 'stored_path' | 'thumbnail_path'>): Promise<void> {
  for (const relative of [medium.stored_path, medium.thumbnail_path]) {
    if (relative) await rm(storedFilePath(uploadDir, relative), { force: true });
  }
}

/** A size as people read it: "850 Ko", "12,5 Mo", "2 Go" (the unit words come from the messages). */
export function formatSize(t: (key: string, values?: Record<string, unknown>) => string, bytes: number, lang = 'fr'): string {
  const units: [key: string, size: number][] = [['gb', 1024 ** 3], ['mb', 1024 ** 2], ['kb', 1024]];
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
