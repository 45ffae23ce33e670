/**
 * `npm run bench:dashboard`: how long the director's dashboard takes on ten years of a regional network.
 *
 * For SQLite (`data/large.sqlite`, or BENCH_SQLITE_FILE) and, when it answers, PostgreSQL (database
 * `tremplin_bench_large`, or BENCH_POSTGRES_DATABASE, next to BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres):
 * builds the database with `npm run demo:large`'s generator when it is missing (or with `--rebuild`),
 * brings its schema up to date, then times, after a warm-up, the median of BENCH_RUNS (9) runs of:
 *   - computeDashboard() unfiltered, as a director: every figure of GET /reports;
 *   - computeDashboard() filtered on one year and one structure;
 *   - one real GET /reports over HTTP as the director (sign-in through the form, filters form, charts, view);
 *   - the trends across years alone (part of the first), after checking that each year's line equals the
 *     dashboard filtered on that year (it stops with an error if one does not).
 * Prints a table, and as its last line `dashboard: X ms (sqlite), Y ms (postgres)` (the unfiltered median).
 *
 * `--national`: on PostgreSQL only, in the database `tremplin_national` next to BENCH_POSTGRES_URL (built
 * with `npm run demo:large -- --national`'s generator when it is missing, or with `--rebuild`), times one
 * structure's whole dashboard (its director's, target under 50 ms) and the national network's page, its 400
 * structures side by side (its coordinator's, target under 500 ms). Last line:
 * `national dashboard: structure X ms, network Y ms (postgres, N groups)`.
 */
import os from 'node:os';
import path from 'node:path';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import knex from 'knex';
import { ROOT, loadConfig } from '../src/config.js';
import { createDb, type Db } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';
import { createApp } from '../src/app.js';
import { computeDashboard } from '../src/reports/dashboard.js';
import { trendsByYear } from '../src/reports/trends.js';
import type { ReportScope } from '../src/reports/filters.js';
import { today } from '../src/db/time.js';
import { LARGE_NETWORK, LARGE_NETWORK_LOGINS, loadLargeNetwork, NATIONAL_NETWORK } from './large-network.js';
import { networkFigures } from '../src/structures/network.js';
import { DEMO_PASSWORD } from '../src/demo/demo-data.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const WARMUP = 2;
const TARGET_MS = 150;
const SQLITE_FILE = process.env.BENCH_SQLITE_FILE ?? path.join(ROOT, 'data', 'large.sqlite');
const POSTGRES_URL = process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const national = process.argv.includes('--national');
// BENCH_POSTGRES_DATABASE: a database of one's own, when several checkouts (with different migrations) bench on one server.
const PG_DATABASE = process.env.BENCH_POSTGRES_DATABASE ?? (national ? 'tremplin_national' : 'tremplin_bench_large');
const rebuild = process.argv.includes('--rebuild');
const NATIONAL_TARGETS = { structure: 50, network: 500 };

interface Result {
  name: string;
  all: number[];
  filtered: number[];
  http: number[];
  trends: number[];
  years: string;
  rows: Record<string, number>;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)]! + s[Math.ceil((s.length - 1) / 2)]!) / 2 : NaN;
};

async function timed(fn: () => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    out.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return out;
}

async function prepare(db: Db, label: string): Promise<void> {
  await migrateLatest(db);
  const [row] = await db('groups').count({ n: '*' });
  if (!rebuild && Number(row?.n) >= LARGE_NETWORK.groups) return;
  console.log(`${label}: building the ten-year network (about 1,000 groups)…`);
  const { ms } = await loadLargeNetwork(db);
  console.log(`${label}: built in ${(ms / 1000).toFixed(1)} s`);
}

/** Signs in as the director through the real form, then times GET /reports. */
async function httpTimes(env: Record<string, string>, db: Db): Promise<number[]> {
  const config = loadConfig({ NODE_ENV: 'test', SIGNIN_MAX_FAILURES: '1000', ...env });
  const app = createApp({ config, db, log: () => undefined });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const jar = new Map<string, string>();
    const keep = (res: Response) => {
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';');
        const [k, v] = pair!.split('=');
        jar.set(k!, v!);
      }
    };
    const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const login = await fetch(`${base}/login`, { redirect: 'manual' });
    keep(login);
    const token = /name="csrf-token" content="([^"]+)"/.exec(await login.text())?.[1] ?? '';
    const signedIn = await fetch(`${base}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
      body: new URLSearchParams({ _csrf: token, login: LARGE_NETWORK_LOGINS.director, password: DEMO_PASSWORD }).toString(),
    });
    keep(signedIn);
    if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}`);
    return await timed(async () => {
      const res = await fetch(`${base}/reports`, { headers: { cookie: cookie() } });
      const body = await res.text();
      if (res.status !== 200 || !body.includes('report-tiles')) throw new Error(`GET /reports answered ${res.status}`);
    });
  } finally {
    await new Promise((r) => server.close(r));
  }
}

async function bench(name: string, env: Record<string, string>): Promise<Result> {
  const config = loadConfig({ NODE_ENV: 'test', ...env });
  const db = createDb(config.database);
  try {
    await prepare(db, name);
    const director = await db('users').where({ email: LARGE_NETWORK_LOGINS.director }).first('id');
    const structure = await db('structures').orderBy('id').first('id');
    // A director reads their own structure's groups (the first one's, in the large network).
    const scope = { role: 'director' as const, userId: Number(director.id), structureId: Number(structure.id) };
    const filters = { year: new Date().getFullYear() - 3, structure: Number(structure.id) };
    const rows: Record<string, number> = {};
    for (const table of ['groups', 'youths', 'attendance', 'follow_ups', 'restitution_events']) {
      const [r] = await db(table).count({ n: '*' });
      rows[table] = Number(r?.n);
    }
    const all = await timed(() => computeDashboard(db, scope, {}));
    const filtered = await timed(() => computeDashboard(db, scope, filters));
    const http = await httpTimes(env, db);
    const years = await checkedTrends(db, scope);
    const trends = await timed(() => trendsByYear({ db, scope, filters: {}, today: today() }));
    return { name, all, filtered, http, trends, years, rows };
  } finally {
    await db.destroy();
  }
}

/** The trends on ten years: each year's line as the dashboard filtered on that year counts it. Returns "N years, first–last". */
async function checkedTrends(db: Db, scope: ReportScope): Promise<string> {
  const day = today();
  const trends = (await computeDashboard(db, scope, {}, day)).trends;
  for (const y of trends) {
    const d = await computeDashboard(db, scope, { year: y.year }, day);
    const six = d.situations.find((s) => s.at === '6')!;
    const twelve = d.situations.find((s) => s.at === '12')!;
    const expected = [d.groups.total, d.funnel.departed, d.restitution.peopleReached, six.known, six.jobOrTraining, twelve.known, twelve.jobOrTraining, d.engagement.followed, d.engagement.any];
    const got = [y.groups, y.departed, y.peopleReached, y.situations[0]!.known, y.situations[0]!.jobOrTraining, y.situations[1]!.known, y.situations[1]!.jobOrTraining, y.engagement.followed, y.engagement.any];
    if (got.join() !== expected.join()) throw new Error(`trends of ${y.year}: ${got.join()} where the dashboard filtered on it counts ${expected.join()}`);
  }
  if (trends.length < 10) throw new Error(`trends: ${trends.length} years, ten expected at least`);
  return `${trends.length} years, ${trends[0]!.year}–${trends.at(-1)!.year}`;
}

async function postgresReachable(): Promise<boolean> {
  const admin = knex({ client: 'pg', connection: POSTGRES_URL, pool: { min: 0, max: 1 }, acquireConnectionTimeout: 3000 });
  try {
    const r = await admin.raw('select 1 from pg_database where datname = ?', [PG_DATABASE]);
    if (!r.rows.length) await admin.raw(`create database ${PG_DATABASE}`);
    return true;
  } catch {
    return false;
  } finally {
    await admin.destroy();
  }
}

/** The national network: one structure's dashboard, then the network's page across its structures. */
async function benchNational(): Promise<void> {
  if (!(await postgresReachable())) throw new Error(`${POSTGRES_URL} does not answer: --national runs on PostgreSQL`);
  const url = new URL(POSTGRES_URL);
  url.pathname = `/${PG_DATABASE}`;
  const db = createDb(loadConfig({ NODE_ENV: 'test', DATABASE_URL: url.toString() }).database);
  try {
    await migrateLatest(db);
    const [row] = await db('groups').count({ n: '*' });
    if (rebuild || Number(row?.n) < NATIONAL_NETWORK.groups) {
      console.log('postgres: building the national network (about 10,000 groups, 400 structures)…');
      const { ms } = await loadLargeNetwork(db, NATIONAL_NETWORK);
      console.log(`postgres: built in ${(ms / 1000).toFixed(1)} s`);
    }
    const director = await db('users').where({ email: LARGE_NETWORK_LOGINS.director }).first('id', 'structure_id');
    const coordinator = await db('users').where({ email: LARGE_NETWORK_LOGINS.coordinator }).first('id', 'network_id');
    const [groups] = await db('groups').count({ n: '*' });
    const [structures] = await db('structures').where({ network_id: coordinator.network_id }).count({ n: '*' });
    const scope = { role: 'director' as const, userId: Number(director.id), structureId: Number(director.structure_id) };
    const structure = await timed(() => computeDashboard(db, scope, {}));
    const network = await timed(() => networkFigures(db, { id: Number(coordinator.id), role: 'coordinator' }, Number(coordinator.network_id)));
    const f = (xs: number[]) => `${median(xs).toFixed(1)} ms (fastest ${Math.min(...xs).toFixed(1)}, slowest ${Math.max(...xs).toFixed(1)})`;
    console.log(`median of ${RUNS} runs after ${WARMUP} warm-up; load average now: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} on ${os.cpus().length} CPUs`);
    console.log(`one structure's dashboard (target ${NATIONAL_TARGETS.structure} ms): ${f(structure)}`);
    console.log(`the network's ${Number(structures?.n)} structures side by side (target ${NATIONAL_TARGETS.network} ms): ${f(network)}`);
    console.log(`national dashboard: structure ${median(structure).toFixed(0)} ms, network ${median(network).toFixed(0)} ms (postgres, ${Number(groups?.n)} groups)`);
  } finally {
    await db.destroy();
  }
}

async function main(): Promise<void> {
  if (national) return benchNational();
  if (!existsSync(SQLITE_FILE)) console.log(`sqlite: ${SQLITE_FILE} is missing, it will be built`);
  const results: Result[] = [await bench('sqlite', { SQLITE_FILE })];
  let pg: Result | null = null;
  if (await postgresReachable()) {
    const url = new URL(POSTGRES_URL);
    url.pathname = `/${PG_DATABASE}`;
    pg = await bench('postgres', { DATABASE_URL: url.toString() });
    results.push(pg);
  } else {
    console.log(`postgres: ${POSTGRES_URL} does not answer, skipped`);
  }

  const f = (xs: number[]) => median(xs).toFixed(1).padStart(8);
  console.log('');
  console.log(`rows: ${Object.entries(results[0]!.rows).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  console.log(`median of ${RUNS} runs after ${WARMUP} warm-up, ms (target: whole dashboard under ${TARGET_MS} ms)`);
  // Timings on a shared machine mean little without its load: say it.
  console.log(`load average now: ${os.loadavg().map((l) => l.toFixed(2)).join(', ')} on ${os.cpus().length} CPUs`);
  console.log('database  | dashboard, all | filtered (year+structure) | GET /reports (HTTP) | fastest/slowest all');
  for (const r of results) {
    console.log(`${r.name.padEnd(9)} | ${f(r.all)}       | ${f(r.filtered)}                  | ${f(r.http)}            | ${Math.min(...r.all).toFixed(1)}/${Math.max(...r.all).toFixed(1)}`);
  }
  for (const r of results) console.log(`trends across years (${r.name}): ${r.years}, each equal to its year's dashboard; ${median(r.trends).toFixed(1)} ms of the whole`);
  const sqlite = median(results[0]!.all).toFixed(0);
  console.log(`dashboard: ${sqlite} ms (sqlite), ${pg ? `${median(pg.all).toFixed(0)} ms` : 'unreachable'} (postgres)`);
}

main().catch((err) => {
  console.error(`bench:dashboard: ${String(err instanceof Error ? err.stack ?? err.message : err).slice(0, 2000)}`);
  process.exit(1);
});
