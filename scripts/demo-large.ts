/**
 * `npm run demo:large`: ten years of a regional network in a database of its own, to try the dashboard
 * (and `npm run bench:dashboard`) at the size of a real network. SQLite file `data/large.sqlite` by
 * default (SQLITE_FILE to choose another), or the PostgreSQL database of DATABASE_URL.
 *
 * It empties the database first: on PostgreSQL it refuses a database that already has groups unless
 * `--reset` is given, so a production database cannot be wiped by mistake.
 *
 * `--national` builds ten times as much across 400 structures of one national network (NATIONAL_NETWORK),
 * on PostgreSQL only (DATABASE_URL): SQLite is the one-structure deployment, not a national one.
 */
import path from 'node:path';
import { rmSync } from 'node:fs';
import { ROOT, loadConfig } from '../src/config.js';
import { createDb } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { LARGE_NETWORK, LARGE_NETWORK_LOGINS, loadLargeNetwork, NATIONAL_NETWORK } from './large-network.js';
import { DEMO_PASSWORD } from '../src/demo/demo-data.js';

export const DEFAULT_LARGE_FILE = path.join(ROOT, 'data', 'large.sqlite');

export async function buildLargeDatabase(env: NodeJS.ProcessEnv, reset: boolean, log: (s: string) => void = console.log, national = false): Promise<void> {
  const config = loadConfig({ ...env, SQLITE_FILE: env.SQLITE_FILE ?? DEFAULT_LARGE_FILE });
  if (national && config.database.client !== 'pg') throw new Error('--national builds on PostgreSQL: set DATABASE_URL');
  if (config.database.client === 'sqlite3') {
    for (const suffix of ['', '-wal', '-shm']) rmSync(config.database.file + suffix, { force: true });
  }
  const db = createDb(config.database);
  try {
    const t0 = Date.now();
    await migrateLatest(db);
    if (config.database.client === 'pg' && !reset) {
      const [row] = await db('groups').count({ n: '*' });
      if (Number(row?.n) > 0) throw new Error('this PostgreSQL database already has groups: run with --reset to replace them');
    }
    const where = config.database.client === 'pg' ? 'PostgreSQL' : config.database.file;
    log(`demo:large: filling ${where}…`);
    const { counts, ms } = await loadLargeNetwork(db, national ? NATIONAL_NETWORK : LARGE_NETWORK);
    log(
      `demo:large: ${counts.structures} structures, ${counts.groups} groups, ${counts.youths} youths, ${counts.enrolments} enrolments, ${counts.withdrawals} withdrawals, ` +
        `${counts.attendance} attendance rows, ${counts.follow_ups} follow-ups, ${counts.restitution_events} restitution events, ` +
        `${counts.assessment_answers} self-assessment answers`,
    );
    log(`demo:large: generated and written in ${(ms / 1000).toFixed(1)} s (${((Date.now() - t0) / 1000).toFixed(1)} s with migrations)`);
    log(`demo:large: sign in as ${LARGE_NETWORK_LOGINS.director} (or ${LARGE_NETWORK_LOGINS.worker}, or the network's ${LARGE_NETWORK_LOGINS.coordinator}) with the password ${DEMO_PASSWORD}`);
  } finally {
    await db.destroy();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  buildLargeDatabase(process.env, process.argv.includes('--reset'), console.log, process.argv.includes('--national')).catch((err) => {
    console.error(`demo:large: ${String(err instanceof Error ? err.message : err).slice(0, 500)}`);
    process.exit(1);
  });
}
