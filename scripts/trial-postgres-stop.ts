// A trial, not part of the suite (it needs PostgreSQL's server binaries and, as root, the postgres user):
// the app on a throwaway PostgreSQL cluster that is really stopped (`pg_ctl stop -m fast`, the way a
// restart or a failover ends connections) and started again. Prints what the pages answered and how long
// after PostgreSQL came back the same signed-in session was served again. See docs/reliability.md.
//   npx tsx scripts/trial-postgres-stop.ts
import { execFileSync } from 'node:child_process';
import { chownSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import knex from 'knex';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createDb } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { DEMO_PASSWORD, loadDemoData } from '../src/demo/demo-data.js';

const port = Number(process.env.TRIAL_PG_PORT ?? 54329);
const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a));
const bin = path.join('/usr/lib/postgresql', versions[0]!, 'bin');
const dir = mkdtempSync(path.join(os.tmpdir(), 'tremplin-pg-trial-'));
const asRoot = process.getuid?.() === 0;
if (asRoot) chownSync(dir, Number(execFileSync('id', ['-u', 'postgres']).toString()), Number(execFileSync('id', ['-g', 'postgres']).toString()));
const sh = (cmd: string) => (asRoot ? execFileSync('su', ['postgres', '-c', cmd], { stdio: 'pipe' }) : execFileSync('sh', ['-c', cmd], { stdio: 'pipe' }));
const pgctl = (what: string) => sh(`${bin}/pg_ctl -D ${dir}/data -o '-p ${port} -k ${dir} -c listen_addresses=127.0.0.1' -l ${dir}/log -w ${what}`);

sh(`${bin}/initdb -D ${dir}/data -A trust -U postgres`);
pgctl('start');
try {
  const admin = knex({ client: 'pg', connection: `postgres://postgres@127.0.0.1:${port}/postgres` });
  await admin.raw('create database trial');
  await admin.destroy();
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/trial`, DB_ACQUIRE_TIMEOUT_MS: process.env.DB_ACQUIRE_TIMEOUT_MS ?? '1500', UPLOAD_DIR: path.join(dir, 'uploads') });
  const db = createDb(config.database);
  await migrateLatest(db);
  const ids = await loadDemoData(db);
  const app = createApp({ config, db, log: () => undefined });
  const agent = request.agent(app);
  const token = /name="csrf-token" content="([^"]+)"/.exec((await agent.get('/login')).text)![1]!;
  const signedIn = await agent.post('/login').type('form').send({ _csrf: token, login: 'karim@tremplin.test', password: DEMO_PASSWORD });
  const group = `/groups/${ids.groups.sadiola}`;
  console.log(`signed in: ${signedIn.status}; group page: ${(await agent.get(group)).status}`);

  let t = Date.now();
  pgctl('stop -m fast');
  console.log(`pg_ctl stop -m fast: ${Date.now() - t} ms`);
  for (let i = 0; i < 3; i++) {
    t = Date.now();
    const r = await agent.get(group);
    console.log(`group page while stopped: ${r.status} in ${Date.now() - t} ms (Retry-After: ${r.headers['retry-after']})`);
  }
  t = Date.now();
  console.log(`/healthz while stopped: ${(await request(app).get('/healthz')).status} in ${Date.now() - t} ms`);
  t = Date.now();
  pgctl('start');
  const up = Date.now();
  console.log(`pg_ctl start: ${up - t} ms`);
  for (;;) {
    const r = await agent.get(group);
    if (r.status === 200) {
      console.log(`group page 200 again, same session, ${Date.now() - up} ms after PostgreSQL was up`);
      break;
    }
    if (Date.now() - up > 30_000) throw new Error(`still ${r.status} 30 s after PostgreSQL was up`);
    await new Promise((res) => setTimeout(res, 50));
  }
  await db.destroy();
} finally {
  try {
    pgctl('stop -m immediate');
  } catch {
    // already stopped
  }
  rmSync(dir, { recursive: true, force: true });
}
