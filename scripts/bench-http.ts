/**
 * HTTP benchmark of the production build: `npm run bench:http`.
 *
 * Builds when dist/ is stale, starts `node dist/src/server.js` as a separate process on 127.0.0.1 (free
 * port, fresh SQLite file in a temp folder, NODE_ENV=production, generated SESSION_SECRET, demo data),
 * signs in as the demo worker over HTTP, then runs autocannon (50 connections, 10 s) against GET /healthz
 * and against the signed-in GET /groups. Every response must be a 2xx and every group-list response must
 * really be the group list; otherwise the script fails. The server's peak RSS is read from
 * /proc/<pid>/status. The last line printed is the one-line summary.
 *
 * Optional environment: BENCH_CONNECTIONS (50), BENCH_DURATION (seconds, 10), BENCH_ENFORCE_TARGET=1 to
 * also fail when the group list is under 1,000 req/s or its p99 is 100 ms or more, BENCH_NODE_ARGS for
 * extra node flags of the server (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof" to profile it).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon, { type Result } from 'autocannon';
import { DEMO_ACCOUNTS, DEMO_GROUPS, DEMO_PASSWORD } from '../src/demo/demo-data.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SERVER_JS = path.join(ROOT, 'dist', 'src', 'server.js');
const HOST = '127.0.0.1';
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const DURATION_S = Number(process.env.BENCH_DURATION ?? 10);
const ENFORCE_TARGET = /^(1|true|yes)$/.test(process.env.BENCH_ENFORCE_TARGET ?? '');
const TARGET = { reqPerSec: 1000, p99Ms: 100 };
// Build + start + two runs + margins; past this the script gives up rather than hang.
const OVERALL_LIMIT_MS = 180_000 + 2 * DURATION_S * 1000;
const WORKER = DEMO_ACCOUNTS.karim.email;
// The group list of the demo worker names every group they lead or co-lead (as EJS escapes text).
const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c]!);
const LIST_MARKERS = DEMO_GROUPS.filter((g) => g.lead === 'karim' || g.coLead === 'karim').map((g) => escapeHtml(g.name));

class BenchError extends Error {}

let child: ChildProcess | undefined;
let tempDir: string | undefined;
let serverLog = '';

function log(msg: string): void {
  console.log(msg);
}

// ---------------------------------------------------------------------------------------------- build

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function buildIfNeeded(): void {
  const configs = ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json']
    .map((f) => path.join(ROOT, f))
    .filter((f) => existsSync(f))
    .map((f) => statSync(f).mtimeMs);
  const sources = Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'migrations')), ...configs);
  if (existsSync(SERVER_JS) && statSync(SERVER_JS).mtimeMs >= sources) {
    log('build: dist/ is up to date');
    return;
  }
  log('build: npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 180_000 });
  if (r.status !== 0) throw new BenchError(`npm run build failed (${r.error?.message ?? `exit ${r.status}`})`);
  if (!existsSync(SERVER_JS)) throw new BenchError(`npm run build did not produce ${SERVER_JS}`);
}

// ---------------------------------------------------------------------------------------------- server

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function startServer(port: number, dir: string): ChildProcess {
  // Only what the server needs: no DATABASE_URL, TRUST_PROXY... from the caller's environment.
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    HOST,
    PORT: String(port),
    SQLITE_FILE: path.join(dir, 'tremplin.sqlite'),
    UPLOAD_DIR: path.join(dir, 'uploads'),
    DEMO_DATA: '1',
    LOG_REQUESTS: '0',
  };
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, SERVER_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (chunk: Buffer) => {
    serverLog += chunk.toString();
    if (serverLog.length > 20_000) serverLog = serverLog.slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  return proc;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForHealth(base: string, proc: ChildProcess, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) {
      throw new BenchError(`server exited during start-up (${proc.exitCode ?? proc.signalCode})`);
    }
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200) return;
      await res.arrayBuffer();
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new BenchError(`/healthz did not answer 200 within ${limitMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if the server has not exited 15 s later. True when it exited cleanly (code 0). */
async function stopServer(): Promise<boolean> {
  const proc = child;
  if (!proc) return true;
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  return proc.exitCode === 0;
}

// ---------------------------------------------------------------------------------------------- memory

function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

/** Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so that it covers the runs only. */
function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Also samples VmRSS, in case the peak mark could not be reset. */
function sampleRss(pid: number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, procStatus(pid).VmRSS ?? 0);
    } catch {
      // process gone: reported elsewhere
    }
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

// USER_HZ, the unit of the CPU times in /proc: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

/** CPU seconds (user + system) the process has used so far, from /proc/<pid>/stat. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime field 14 and stime field 15 (1-based, man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

// ---------------------------------------------------------------------------------------------- sign-in

class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq <= 0) continue;
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === '' || /expires=Thu, 01 Jan 1970/i.test(header)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  has(name: string): boolean {
    return this.cookies.has(name);
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

async function signIn(base: string): Promise<string> {
  const jar = new CookieJar();
  const page = await fetch(`${base}/login`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
  const html = await page.text();
  if (page.status !== 200) throw new BenchError(`GET /login answered ${page.status}`);
  jar.take(page);
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new BenchError('GET /login: no <meta name="csrf-token"> in the page');
  if (!jar.has('tremplin.csrf')) throw new BenchError('GET /login: no tremplin.csrf cookie');

  const res = await fetch(`${base}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
    body: new URLSearchParams({ _csrf: token, login: WORKER, password: DEMO_PASSWORD }).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new BenchError(`POST /login answered ${res.status}, expected 303`);
  jar.take(res);
  if (!jar.has('tremplin.sid')) throw new BenchError('POST /login: no tremplin.sid session cookie');

  // The first signed-in page replaces the anonymous CSRF cookie with one bound to the session, as a
  // browser would keep it; the benchmark then sends both cookies like that browser.
  const list = await fetch(`${base}/groups`, { redirect: 'manual', headers: { cookie: jar.header() }, signal: AbortSignal.timeout(10_000) });
  const body = await list.text();
  if (list.status !== 200) throw new BenchError(`GET /groups after sign-in answered ${list.status}`);
  const missing = LIST_MARKERS.filter((m) => !body.includes(m));
  if (missing.length) throw new BenchError(`GET /groups is not the group list (missing ${missing.join(', ')})`);
  jar.take(list);
  log(`signed in as ${WORKER}`);
  return jar.header();
}

// ---------------------------------------------------------------------------------------------- runs

interface Run {
  name: string;
  result: Result;
  /** CPU used during the run, as a share of one core: the server's, and this process's (the load). */
  serverCpu: number;
  loadCpu: number;
}

async function bench(pid: number, name: string, url: string, opts: { headers?: Record<string, string>; verifyBody?: (b: string) => boolean }): Promise<Run> {
  log(`running ${name}: ${CONNECTIONS} connections, ${DURATION_S} s against ${url}`);
  const started = performance.now();
  const serverBefore = cpuSeconds(pid);
  const loadBefore = process.cpuUsage();
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    timeout: 10,
    headers: opts.headers,
    verifyBody: opts.verifyBody,
  });
  const seconds = (performance.now() - started) / 1000;
  const load = process.cpuUsage(loadBefore);
  return {
    name,
    result,
    serverCpu: (cpuSeconds(pid) - serverBefore) / seconds,
    loadCpu: (load.user + load.system) / 1e6 / seconds,
  };
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

function printTable(runs: Run[]): void {
  const rows = [
    ['endpoint', 'req/s avg', 'p50 ms', 'p99 ms', 'requests', 'non-2xx', 'errors', 'server CPU', 'load CPU'],
    ...runs.map(({ name, result: r, serverCpu, loadCpu }) => [
      name,
      r.requests.average.toFixed(0),
      fmt(r.latency.p50),
      fmt(r.latency.p99),
      String(r['2xx'] + r.non2xx),
      String(r.non2xx),
      String(r.errors + r.timeouts + r.mismatches),
      `${Math.round(serverCpu * 100)}%`,
      `${Math.round(loadCpu * 100)}%`,
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  log('');
  log(line(rows[0]!));
  log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of rows.slice(1)) log(line(row));
  log('(server CPU: the server process, all its threads; load CPU: this process, autocannon; 100% = one core)');
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<number> {
  if (!LIST_MARKERS.length) throw new BenchError(`the demo data gives ${WORKER} no group`);
  buildIfNeeded();
  tempDir = mkdtempSync(path.join(tmpdir(), 'tremplin-bench-'));
  const port = await freePort();
  const base = `http://${HOST}:${port}`;
  child = startServer(port, tempDir);
  await waitForHealth(base, child);
  const pid = child.pid!;
  log(`server pid ${pid} on ${base} (NODE_ENV=production, SQLite in ${tempDir})`);
  const atStart = procStatus(pid);

  const cookie = await signIn(base);

  const before = procStatus(pid).VmRSS ?? 0;
  const reset = resetPeakRss(pid);
  const sampler = sampleRss(pid);
  const healthz = await bench(pid, 'GET /healthz', `${base}/healthz`, { verifyBody: (b) => b.includes('"status":"ok"') });
  const groups = await bench(pid, 'GET /groups (signed in)', `${base}/groups`, {
    headers: { cookie },
    verifyBody: (b) => LIST_MARKERS.every((m) => b.includes(m)),
  });
  const sampledPeak = sampler.stop();
  const status = procStatus(pid);
  const runs = [healthz, groups];

  printTable(runs);
  log('');
  log(
    `server peak RSS during the runs: ${mib(reset ? status.VmHWM ?? 0 : sampledPeak)}` +
      (reset ? ' (VmHWM, reset before the runs)' : ' (sampled VmRSS; VmHWM could not be reset)') +
      `; RSS before the runs ${mib(before)}, after ${mib(status.VmRSS ?? 0)}; peak during start-up ${mib(atStart.VmHWM ?? 0)}`,
  );

  const failures = runs.flatMap(problems);
  const g = groups.result;
  const h = healthz.result;
  const metTarget = g.requests.average >= TARGET.reqPerSec && g.latency.p99 < TARGET.p99Ms;
  log(
    `target (group list >= ${TARGET.reqPerSec} req/s, p99 < ${TARGET.p99Ms} ms): ${metTarget ? 'met' : 'NOT met'}` +
      (ENFORCE_TARGET ? '' : ' (not enforced; BENCH_ENFORCE_TARGET=1 to fail on it)'),
  );
  if (ENFORCE_TARGET && !metTarget) failures.push('target not met');
  if (!(await stopServer())) failures.push(`server did not stop cleanly on SIGTERM (${child?.exitCode ?? child?.signalCode})`);
  for (const f of failures) console.error(`FAIL ${f}`);
  const ratio = h.requests.average > 0 ? g.requests.average / h.requests.average : 0;
  log(
    `group list: ${Math.round(g.requests.average)} req/s, p99 ${fmt(g.latency.p99)} ms; ` +
      `healthz: ${Math.round(h.requests.average)} req/s, p99 ${fmt(h.latency.p99)} ms; ratio ${ratio.toFixed(2)}`,
  );
  return failures.length ? 1 : 0;
}

async function cleanup(): Promise<void> {
  try {
    if (child?.exitCode === null && child.signalCode === null) await stopServer();
  } finally {
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    tempDir = undefined;
  }
}

const watchdog = setTimeout(() => {
  console.error(`FAIL benchmark still running after ${OVERALL_LIMIT_MS / 1000} s: giving up`);
  child?.kill('SIGKILL');
  if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  process.exit(2);
}, OVERALL_LIMIT_MS);
watchdog.unref();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

let code = 1;
try {
  code = await main();
} catch (err) {
  console.error(`FAIL ${err instanceof BenchError ? err.message : err instanceof Error ? err.stack : String(err)}`);
  if (serverLog.trim()) console.error(`--- server output (last lines) ---\n${serverLog.trim().split('\n').slice(-30).join('\n')}`);
} finally {
  await cleanup();
}
process.exit(code);
