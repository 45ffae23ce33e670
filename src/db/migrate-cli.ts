import { loadConfig } from '../config.js';
import { createDb } from './knex.js';
import { migrateLatest, migrationConfig } from './migrate.js';

// `npm run migrate` (latest) and `npm run migrate -- down` (undo the last batch).
const db = createDb(loadConfig().database);
try {
  if (process.argv[2] === 'down') {
    const [, undone] = (await db.migrate.rollback(migrationConfig())) as [number, string[]];
    console.log(undone.length ? `rolled back: ${undone.join(', ')}` : 'nothing to roll back');
  } else {
    const applied = await migrateLatest(db);
    console.log(applied.length ? `applied: ${applied.join(', ')}` : 'already up to date');
  }
} finally {
  await db.destroy();
}
