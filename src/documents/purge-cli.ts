import { loadConfig } from '../config.js';
import { createDb } from '../db/knex.js';
import { purgeExpiredScans } from './retention.js';

// `npm run purge` (or `node dist/src/documents/purge-cli.js` from the build): deletes the identity, visa
// and health scans of groups back for more than RETENTION_DAYS days. The server also does it at start-up;
// this is for a daily cron on instances that rarely restart.
const config = loadConfig();
const db = createDb(config.database);
try {
  const purged = await purgeExpiredScans(db, config.uploadDir, config.retentionDays);
  console.log(purged ? `scans deleted: ${purged} (groups back for more than ${config.retentionDays} days)` : 'no scan to delete');
} finally {
  await db.destroy();
}
