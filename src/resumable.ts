import type { Config } from './config.js';
import type { Db } from './db/knex.js';
import { ResumableUploads } from './http/resumable-uploads.js';
import { MEDIA_AREA } from './media/medium-file.js';
import { SCAN_AREA } from './documents/youth-document.js';
import { storedFileRecorded } from './stored-files.js';

/**
 * The app's one tus server, for every purpose its routes mount (media, papers' scans), with where each keeps
 * its files and how to tell a kept file has its row: what the sweep needs to repair a finish a killed process
 * cut off, whatever it was for. Built by app.ts for the routes and by server.ts for the sweep, alike.
 */
export function appResumableUploads(db: Db, config: Config): ResumableUploads {
  return new ResumableUploads(db, {
    uploadDir: config.uploadDir,
    expiryHours: config.resumableUploadHours,
    areas: { media: MEDIA_AREA, scan: SCAN_AREA },
    isRecorded: storedFileRecorded(db),
  });
}
