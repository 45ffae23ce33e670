/**
 * HTTP benchmark of the production build: `npm run bench:http`.
 *
 * Builds when dist/ is stale, starts `node dist/src/server.js` as a separate process on 127.0.0.1 (free
 * port, fresh SQLite file in a temp folder, NODE_ENV=production, generated SESSION_SECRET, demo data),
 * signs in over HTTP as the demo worker, the demo youth `ines.d` and the demo director, then runs
 * autocannon (50 connections, 10 s each) against, in this order:
 *
 *   GET /healthz                                  the baseline: no session, no database
 *   GET /groups                                   the worker's group list
 *   GET /groups/:id                               the Sadiola group page, as its lead worker
 *   GET /groups/:id/meetings/:meetingId           a past Sadiola session with its register form
 *   GET /me                                       the youth's journey page
 *   GET /reports                                  the director's dashboard ("not available" if it 404s)
 *
 * Every response must be a 2xx and be the expected page (a marker of it is looked for in each body);
 * otherwise the script fails. It prints a table (req/s, p50, p99, ratio to /healthz, CPU), the servers'
 * peak RSS, and last one line of ratios.
 *
 * PostgreSQL with two instances: BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres (or
 * `--postgres`, which means that URL) creates a database next to the one named, starts two servers on it
 * sharing SESSION_SECRET (sessions live in the database), signs in on the first, checks each session is
 * signed in on the second, and spreads the connections over both (autocannon gives connection i the
 * URL i mod 2). The database is dropped at the end.
 *
 * Optional environment: BENCH_CONNECTIONS (50), BENCH_DURATION (seconds per route, 10), BENCH_ONLY (a pattern:
 * only the pages whose name matches it, after /healthz),
 * BENCH_ENFORCE_TARGET=1 to also fail when the group list is under 1,000 req/s or its p99 is 100 ms or
 * more, BENCH_NODE_ARGS / BENCH_SERVER_ENV for the servers (see scripts/bench-server.ts).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import autocannon, { type Result } from 'autocannon';
import knex from 'knex';
import { DEMO_ACCOUNTS, DEMO_GROUPS } from '../src/demo/demo-data.js';
import {
  BenchError, atExit, buildIfNeeded, cpuSeconds, log, procStatus, removeAtExit, resetPeakRss, runBenchmark, sampleRss, signIn,
  startServer, stopServer, type BenchClient, type BenchServer,
} from './bench-server.js';

const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ENFORCE_TARGET = /^(1|true|yes)$/.test(process.env.BENCH_ENFORCE_TARGET ?? '');
// To profile one page (BENCH_ONLY=register with --cpu-prof): /healthz, the baseline, always runs first.
const ONLY = process.env.BENCH_ONLY ? new RegExp(process.env.BENCH_ONLY, 'i') : undefined;
const TARGET = { reqPerSec: 1000, p99Ms: 100 };
const POSTGRES_URL =
  process.env.BENCH_DATABASE_URL || (process.argv.includes('--postgres') ? 'postgres://postgres@127.0.0.1:5432/postgres' : undefined);
const ROUTES = 6;
// Build + start + the runs + margins; past this the script gives up rather than hang.
const OVERALL_LIMIT_MS = 240_000 + ROUTES * DURATION_S * 1000;
const WORKER = DEMO_ACCOUNTS.karim.email;
const DIRECTOR = DEMO_ACCOUNTS.director.email;
const YOUTH = 'ines.d';
const GROUP_NAME = 'Rencontre des jeunes de Sadiola';
// The pages as EJS escapes their text, to recognise them in the bodies.
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
const LIST_MARKERS = DEMO_GROUPS.filter((g) => g.lead === 'karim' || g.coLead === 'karim').map((g) => escapeHtml(g.name));

// ---------------------------------------------------------------------------------------------- targets

interface Target {
  name: string;
  path: string;
  cookie?: string;
  /** A test of the body: the page really is the one asked for, not an error page or the sign-in form. */
  verify: (body: string) => boolean;
}

/** Finds the pages to load through the app itself, as the signed-in people see them. */
async function findTargets(worker: BenchClient, youth: BenchClient, director: BenchClient): Promise<{ targets: Target[]; unavailable: string[] }> {
  const list = await worker.get('/groups');
  if (list.status !== 200) throw new BenchError(`GET /groups as ${WORKER} answered ${list.status}`);
  const missing = LIST_MARKERS.filter((m) => !list.text.includes(m));
  if (missing.length) throw new BenchError(`GET /groups is not the group list (missing ${missing.join(', ')})`);
  const groupId = new RegExp(`href="/groups/(\\d+)"[^>]*>\\s*${escapeHtml(GROUP_NAME)}`).exec(list.text)?.[1];
  if (!groupId) throw new BenchError(`GET /groups: no link to "${GROUP_NAME}" for ${WORKER}`);

  const meetings = await worker.get(`/groups/${groupId}/meetings`);
  const meetingPaths = [...new Set([...meetings.text.matchAll(new RegExp(`href="(/groups/${groupId}/meetings/\\d+)"`, 'g'))].map((m) => m[1]!))];
  let registerPath: string | undefined;
  for (const p of meetingPaths) {
    if ((await worker.get(p)).text.includes(`action="${p}/register"`)) {
      registerPath = p;
      break;
    }
  }
  if (!registerPath) throw new BenchError(`no Sadiola session shows its register form (${meetingPaths.length} sessions looked at)`);

  const journey = await youth.get('/me');
  if (journey.status !== 200 || !journey.text.includes('journey-title')) throw new BenchError(`GET /me as ${YOUTH} answered ${journey.status}, not the journey page`);

  const unavailable: string[] = [];
  const targets: Target[] = [
    { name: 'GET /healthz', path: '/healthz', verify: (b) => b.includes('"status":"ok"') },
    { name: 'GET /groups (worker)', path: '/groups', cookie: worker.jar.header(), verify: (b) => LIST_MARKERS.every((m) => b.includes(m)) },
    { name: 'GET /groups/:id (worker)', path: `/groups/${groupId}`, cookie: worker.jar.header(), verify: (b) => b.includes(`<h1>${escapeHtml(GROUP_NAME)}</h1>`) },
    { name: 'GET register form (worker)', path: registerPath, cookie: worker.jar.header(), verify: (b) => b.includes(`action="${registerPath}/register"`) },
    { name: 'GET /me (youth)', path: '/me', cookie: youth.jar.header(), verify: (b) => b.includes('journey-title') },
  ];
  const reports = await director.get('/reports');
  if (reports.status === 404) unavailable.push('GET /reports (director)');
  else if (reports.status !== 200) throw new BenchError(`GET /reports as ${DIRECTOR} answered ${reports.status}`);
  // Its content is another engineer's and still moving: a 200 that is not the sign-in form will do.
  else targets.push({ name: 'GET /reports (director)', path: '/reports', cookie: director.jar.header(), verify: (b) => !b.includes('action="/login"') });
  return { targets, unavailable };
}

// ---------------------------------------------------------------------------------------------- runs

interface Run {
  name: string;
  result: Result;
  /** CPU used during the run, as a share of one core: the servers' (summed), and this process's (the load). */
  serverCpu: number;
  loadCpu: number;
}

async function bench(servers: BenchServer[], target: Target): Promise<Run> {
  const urls = servers.map((s) => `${s.base}${target.path}`);
  log(`running ${target.name}: ${CONNECTIONS} connections, ${DURATION_S} s against ${urls.join(' and ')}`);
  const pids = servers.map((s) => s.proc.pid!);
  const serverCpu = () => pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const started = performance.now();
  const serverBefore = serverCpu();
  const loadBefore = process.cpuUsage();
  const result = await autocannon({
    // An array spreads the connections: connection i goes to urls[i % urls.length].
    url: urls.length === 1 ? urls[0]! : urls,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    headers: target.cookie ? { cookie: target.cookie } : undefined,
    verifyBody: target.verify,
  });
  const seconds = (performance.now() - started) / 1000;
  const load = process.cpuUsage(loadBefore);
  return { name: target.name, result, serverCpu: (serverCpu() - serverBefore) / seconds, loadCpu: (load.user + load.system) / 1e6 / seconds };
}

function problems(run: Run): string[] {
  const r = run.result;
  const out: string[] = [];
  if (r.non2xx) out.push(`${r.non2xx} non-2xx responses (${JSON.stringify(r.statusCodeStats)})`);
  if (r.errors) out.push(`${r.errors} connection errors`);
  if (r.timeouts) out.push(`${r.timeouts} timeouts`);
  if (r.mismatches) out.push(`${r.mismatches} responses that are not the expected page`);
  if (!r['2xx']) out.push('no successful response at all');
  return out.map((p) => `${run.name}: ${p}`);
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));
const ratioTo = (baseline: Run, run: Run) => (baseline.result.requests.average > 0 ? run.result.requests.average / baseline.result.requests.average : 0);

function printTable(runs: Run[], unavailable: string[]): void {
  const baseline = runs[0]!;
  const rows = [
    ['endpoint', 'req/s avg', 'p50 ms', 'p99 ms', 'vs /healthz', 'requests', 'non-2xx', 'errors', 'server CPU', 'load CPU'],
    ...runs.map((run) => {
      const { name, result: r, serverCpu, loadCpu } = run;
      return [
        name,
        r.requests.average.toFixed(0),
        fmt(r.latency.p50),
        fmt(r.latency.p99),
        ratioTo(baseline, run).toFixed(2),
        String(r['2xx'] + r.non2xx),
        String(r.non2xx),
        String(r.errors + r.timeouts + r.mismatches),
        `${Math.round(serverCpu * 100)}%`,
        `${Math.round(loadCpu * 100)}%`,
      ];
    }),
    ...unavailable.map((name) => [name, 'not available', '', '', '', '', '', '', '', '']),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log('');
  log(line(rows[0]!));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) log(line(row));
  log('(vs /healthz: req/s as a share of the baseline; server CPU: the server processes, all threads; load CPU: autocannon; 100% = one core)');
  for (const name of unavailable) log(`${name}: not available (the route answered 404 when the run began)`);
}

// ---------------------------------------------------------------------------------------------- databases

/** A database made for this run next to the one BENCH_DATABASE_URL names, dropped when the run ends. */
async function createPostgresDatabase(url: string): Promise<string> {
  const name = `tremplin_bench_${process.pid}_${Date.now()}`;
  const admin = knex({ client: 'pg', connection: url });
  try {
    await admin.raw(`create database ${name}`);
  } finally {
    await admin.destroy();
  }
  atExit(async () => {
    const again = knex({ client: 'pg', connection: url });
    try {
      await again.raw(`drop database if exists ${name} with (force)`);
    } finally {
      await again.destroy();
    }
  });
  const own = new URL(url);
  own.pathname = `/${name}`;
  return own.toString();
}

/** A user signed in on one instance must be signed in on the other: the session is in the database. */
async function checkSessionShared(client: BenchClient, other: BenchServer, path: string, verify: (b: string) => boolean): Promise<void> {
  const home = client.base;
  client.base = other.base;
  try {
    const page = await client.get(path);
    if (page.status !== 200 || !verify(page.text)) {
      throw new BenchError(`signed in on ${home}, GET ${path} on ${other.base} answered ${page.status}: the session is not shared`);
    }
  } finally {
    client.base = home;
  }
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<number> {
  if (!LIST_MARKERS.length) throw new BenchError(`the demo data gives ${WORKER} no group`);
  buildIfNeeded();
  const tempDir = removeAtExit(mkdtempSync(path.join(tmpdir(), 'tremplin-bench-')));
  const sessionSecret = randomBytes(32).toString('hex');
  const servers: BenchServer[] = [];
  if (POSTGRES_URL) {
    const url = await createPostgresDatabase(POSTGRES_URL);
    // One after the other: the first migrates and loads the demo data, the second finds both done.
    for (let i = 0; i < 2; i++) servers.push(await startServer({ dir: tempDir, database: { url }, sessionSecret }));
    log(`servers pid ${servers.map((s) => s.proc.pid).join(' and ')} on ${servers.map((s) => s.base).join(' and ')} (NODE_ENV=production, PostgreSQL ${new URL(url).pathname.slice(1)})`);
  } else {
    servers.push(await startServer({ dir: tempDir, database: { sqliteFile: path.join(tempDir, 'tremplin.sqlite') }, sessionSecret }));
    log(`server pid ${servers[0]!.proc.pid} on ${servers[0]!.base} (NODE_ENV=production, SQLite in ${tempDir})`);
  }
  const pids = servers.map((s) => s.proc.pid!);
  const atStart = pids.map((pid) => procStatus(pid));

  const [home] = servers;
  const worker = await signIn(home!.base, WORKER);
  const youth = await signIn(home!.base, YOUTH);
  const director = await signIn(home!.base, DIRECTOR);
  log(`signed in on ${home!.base} as ${WORKER}, ${YOUTH} and ${DIRECTOR}`);
  const { targets, unavailable } = await findTargets(worker, youth, director);
  for (const other of servers.slice(1)) {
    await checkSessionShared(worker, other, '/groups', (b) => LIST_MARKERS.every((m) => b.includes(m)));
    await checkSessionShared(youth, other, '/me', (b) => b.includes('journey-title'));
    log(`sessions made on ${home!.base} are signed in on ${other.base} too`);
  }

  const before = pids.map((pid) => procStatus(pid).VmRSS ?? 0);
  const reset = pids.map((pid) => resetPeakRss(pid)).every(Boolean);
  const samplers = pids.map((pid) => sampleRss(pid, 100));
  const runs: Run[] = [];
  for (const target of targets) if (target === targets[0] || !ONLY || ONLY.test(target.name)) runs.push(await bench(servers, target));
  const sampledPeaks = samplers.map((s) => s.stop());
  const status = pids.map((pid) => procStatus(pid));

  printTable(runs, unavailable);
  log('');
  for (const [i, s] of servers.entries()) {
    log(
      `server ${s.port} peak RSS during the runs: ${mib(reset ? status[i]!.VmHWM ?? 0 : sampledPeaks[i]!)}` +
        (reset ? ' (VmHWM, reset before the runs)' : ' (sampled VmRSS; VmHWM could not be reset)') +
        `; RSS before the runs ${mib(before[i]!)}, after ${mib(status[i]!.VmRSS ?? 0)}; peak during start-up ${mib(atStart[i]!.VmHWM ?? 0)}`,
    );
  }

  const failures = runs.flatMap(problems);
  const [healthz, groups] = runs as [Run, Run];
  const g = groups.result;
  const metTarget = g.requests.average >= TARGET.reqPerSec && g.latency.p99 < TARGET.p99Ms;
  log(
    `target (group list >= ${TARGET.reqPerSec} req/s, p99 < ${TARGET.p99Ms} ms): ${metTarget ? 'met' : 'NOT met'}` +
      (ENFORCE_TARGET ? '' : ' (not enforced; BENCH_ENFORCE_TARGET=1 to fail on it)'),
  );
  if (ENFORCE_TARGET && !metTarget) failures.push('target not met');
  for (const s of servers) {
    if (!(await stopServer(s))) failures.push(`server ${s.port} did not stop cleanly on SIGTERM (${s.proc.exitCode ?? s.proc.signalCode})`);
  }
  for (const f of failures) console.error(`FAIL ${f}`);
  const where = POSTGRES_URL ? 'PostgreSQL, 2 instances' : 'SQLite, 1 instance';
  log(
    `ratios to /healthz (${Math.round(healthz.result.requests.average)} req/s, ${where}): ` +
      [...runs.slice(1).map((r) => `${r.name} ${ratioTo(healthz, r).toFixed(2)}`), ...unavailable.map((n) => `${n} not available`)].join('; '),
  );
  return failures.length ? 1 : 0;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

await runBenchmark(main, OVERALL_LIMIT_MS);
