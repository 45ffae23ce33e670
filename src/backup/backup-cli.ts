import { loadConfig } from '../config.js';
import { backup } from './backup.js';

// `npm run backup`: safe while the app runs (see backup.ts).
const config = loadConfig();
const { dir, manifest } = await backup(config);
const rows = Object.values(manifest.database.rows).reduce((a, b) => a + b, 0);
console.log(`backup written to ${dir}`);
console.log(`  database: ${manifest.database.client}, ${rows} rows in ${Object.keys(manifest.database.rows).length} tables`);
console.log(`  uploads: ${manifest.uploads.count} files, ${(manifest.uploads.bytes / 1024 / 1024).toFixed(1)} MB`);
if (manifest.missingFiles.length) {
  console.warn(`  warning: ${manifest.missingFiles.length} file(s) named in the database were not in the upload folder:`);
  for (const f of manifest.missingFiles) console.warn(`    ${f}`);
}
