import { loadConfig } from '../config.js';
import { createDb } from '../db/knex.js';
import { purgeExpiredScans, purgeHealthNotes } from './retention.js';

// `npm run purge` (or `node dist/src/documents/purge-cli.js` from the build): deletes the identity, visa
// and health scans of groups back for longer than their structure's retention (RETENTION_DAYS days unless
// the structure chose its own). The server also does it at start-up;
// this is for a daily cron on instances that rarely restart.
const config = loadConfig();
const db = createDb(config.database);
try {
  const purged = await purgeExpiredScans(db, config.uploadDir, config.retentionDays);
  const notes = await purgeHealthNotes(db, config.retentionDays);
  if (notes) console.log(`health notes of emergency sheets deleted: ${notes}`);
  console.log(purged ? `scans deleted: ${purged} (groups back for longer than their structure's retention; ${config.retentionDays} days unless it chose its own)` : 'no scan to delete');
} finally {
  await db.destroy();
}
