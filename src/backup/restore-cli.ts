import path from 'node:path';
import { loadConfig } from '../config.js';
import { restore, RestoreRefused } from './backup.js';

// `npm run restore -- <backup folder> [--force]`: into the configured SQLITE_FILE or DATABASE_URL and
// UPLOAD_DIR, with the app stopped.
const args = process.argv.slice(2);
const force = args.includes('--force');
const folder = args.find((a) => !a.startsWith('--'));
if (!folder) {
  console.error('usage: npm run restore -- <backup folder> [--force]');
  process.exit(2);
}
const config = loadConfig();
try {
  const manifest = await restore(config, path.resolve(folder), { force });
  const where = config.database.client === 'pg' ? 'the PostgreSQL database of DATABASE_URL' : config.database.file;
  console.log(`restored the backup of ${manifest.createdAt} into ${where} and ${config.uploadDir} (${manifest.uploads.count} files)`);
} catch (err) {
  if (err instanceof RestoreRefused) {
    console.error(`restore refused: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
