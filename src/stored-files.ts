import type { Db } from './db/knex.js';
import type { StoredFileRecorded } from './http/uploads.js';
import { mediaFileRecorded } from './media/medium-file.js';
import { scanFileRecorded } from './documents/youth-document.js';
import { logoFileRecorded } from './structures/settings.js';

/**
 * Whether some row names a file kept under UPLOAD_DIR, whatever concept kept it: what the sweeps ask
 * before deleting a file a killed process left between its move and its row (src/http/uploads.ts
 * keepFile, src/http/resumable-uploads.ts). A concept that keeps files with keepFile answers here.
 */
export function storedFileRecorded(db: Db): StoredFileRecorded {
  return async (stored) =>
    (await mediaFileRecorded(db, stored)) || (await scanFileRecorded(db, stored)) || (await logoFileRecorded(db, stored));
}
