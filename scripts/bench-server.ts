/**
 * What the benchmarks share: building dist/, starting `node dist/src/server.js` as separate processes on
 * 127.0.0.1, waiting for /healthz, signing in over HTTP with a cookie jar, reading a process's memory and
 * CPU from /proc, and stopping everything (servers, temp folders, a PostgreSQL database made for the run)
 * whatever way the run ends. Used by scripts/bench-http.ts and scripts/bench-upload.ts.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_PASSWORD } from '../src/demo/demo-data.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SERVER_JS = path.join(ROOT, 'dist', 'src', 'server.js');
export const HOST = '127.0.0.1';

export class BenchError extends Error {}

export const log = (msg: string) => console.log(msg);
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------- build

/** Always builds (bench:upload measures the build as shipped), unless BENCH_BUILD=0. */
export function build(): void {
  if (process.env.BENCH_BUILD === '0') return log('build: skipped (BENCH_BUILD=0), using dist/ as it is');
  log('build: npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit', timeout: 300_000 });
  if (r.status !== 0) throw new BenchError(`npm run build failed (${r.error?.message ?? `exit ${r.status}`})`);
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

/** Builds only when a source, a migration or a config file is newer than dist/src/server.js. */
export function buildIfNeeded(): void {
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

// ---------------------------------------------------------------------------------------------- servers

export function freePort(): Promise<number> {
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

export interface BenchServer {
  proc: ChildProcess;
  port: number;
  base: string;
  /** The last 20,000 characters the server printed, for the failure message. */
  output: () => string;
}

const servers: BenchServer[] = [];
const tempDirs: string[] = [];
const cleanups: (() => Promise<void>)[] = [];

/** A folder removed when the run ends, however it ends. */
export function removeAtExit(dir: string): string {
  tempDirs.push(dir);
  return dir;
}

/** Something else to undo when the run ends (a PostgreSQL database made for it, say). */
export function atExit(fn: () => Promise<void>): void {
  cleanups.push(fn);
}

/**
 * The variables and node flags `npm start` puts around `node dist/src/server.js` (package.json): the server's
 * memory depends on them, so the benchmark starts it with them too, before anything given in
 * BENCH_SERVER_ENV / BENCH_NODE_ARGS (which can override them).
 */
function npmStartSettings(): { env: string[]; nodeArgs: string[] } {
  const start = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts?.start ?? '';
  const command = start.split('&&').pop()!.trim().split(/\s+/);
  const node = command.indexOf('node');
  const server = command.indexOf('dist/src/server.js');
  const env = command.slice(0, Math.max(node, 0));
  if (node < 0 || server < node || !env.every((w) => /^[A-Z_][A-Z0-9_]*=\S*$/.test(w))) {
    throw new BenchError(`npm start ("${start}") does not end with "[VAR=value...] node [flags...] dist/src/server.js": cannot start the server the same way`);
  }
  return { env, nodeArgs: command.slice(node + 1, server) };
}

/**
 * Starts the production server as `npm start` does (its variables and node flags), with only what it needs: nothing (DATABASE_URL, TRUST_PROXY...) comes from
 * the caller's environment except BENCH_SERVER_ENV (e.g. "MALLOC_MMAP_THRESHOLD_=131072") and BENCH_NODE_ARGS
 * (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"). `database` is a SQLite file or a PostgreSQL URL; several
 * instances sharing one database must share `sessionSecret` too, or a session made on one is refused by the other.
 */
export async function startServer(opts: { dir: string; database: { sqliteFile: string } | { url: string }; sessionSecret: string }): Promise<BenchServer> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', SESSION_SECRET: opts.sessionSecret,
    HOST, PORT: String(port), PUBLIC_URL: `http://${HOST}:${port}`, UPLOAD_DIR: path.join(opts.dir, 'uploads'), DEMO_DATA: '1', LOG_REQUESTS: '0',
    ...('url' in opts.database ? { DATABASE_URL: opts.database.url } : { SQLITE_FILE: opts.database.sqliteFile }),
  };
  const settings = npmStartSettings();
  for (const pair of [...settings.env, ...(process.env.BENCH_SERVER_ENV ?? '').split(/\s+/).filter(Boolean)]) {
    const eq = pair.indexOf('=');
    if (eq > 0) env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const nodeArgs = [...settings.nodeArgs, ...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean)];
  if (servers.length === 0) log(`starting the server as npm start does: ${[...settings.env, 'node', ...settings.nodeArgs, 'dist/src/server.js'].join(' ')}`);
  const proc = spawn(process.execPath, [...nodeArgs, SERVER_JS], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const server = { proc, port, base: `http://${HOST}:${port}`, output: () => output };
  servers.push(server);
  await waitForHealth(server);
  return server;
}

async function waitForHealth({ base, proc }: BenchServer, limitMs = 60_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new BenchError(`server exited during start-up (${proc.exitCode ?? proc.signalCode})`);
    try {
      const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
  throw new BenchError(`/healthz did not answer 200 within ${limitMs / 1000} s`);
}

/** SIGTERM, then SIGKILL if the server has not exited 15 s later. True when it exited cleanly (code 0). */
export async function stopServer({ proc }: BenchServer): Promise<boolean> {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = once(proc, 'exit');
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
  return proc.exitCode === 0;
}

async function cleanup(): Promise<void> {
  try {
    for (const s of servers) if (s.proc.exitCode === null && s.proc.signalCode === null) await stopServer(s);
    for (const fn of cleanups.splice(0).reverse()) await fn().catch((err) => console.error(`cleanup: ${err instanceof Error ? err.message : err}`));
  } finally {
    for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Runs a benchmark's main(): a watchdog past `limitMs`, Ctrl-C handled, everything started stopped and
 * removed at the end, the servers' last lines printed on a failure. Exits with main's code (1 on an error).
 */
export async function runBenchmark(main: () => Promise<number>, limitMs: number): Promise<never> {
  const watchdog = setTimeout(() => {
    console.error(`FAIL benchmark still running after ${limitMs / 1000} s: giving up`);
    for (const s of servers) s.proc.kill('SIGKILL');
    // The rest (a database made for the run, the temp folders) is undone if it can be within 20 s.
    setTimeout(() => process.exit(2), 20_000).unref();
    void cleanup().finally(() => process.exit(2));
  }, limitMs);
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
    for (const s of servers) {
      const out = s.output().trim();
      if (out) console.error(`--- server output${servers.length > 1 ? ` (port ${s.port})` : ''} (last lines) ---\n${out.split('\n').slice(-30).join('\n')}`);
    }
  } finally {
    await cleanup();
  }
  process.exit(code);
}

// ---------------------------------------------------------------------------------------------- /proc

export function procStatus(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(Vm\w+):\s+(\d+) kB/.exec(line);
    if (m) out[m[1]!] = Number(m[2]) * 1024;
  }
  return out;
}

/** Resets the kernel's peak-RSS mark (VmHWM) to the current RSS, so that it covers the runs only. */
export function resetPeakRss(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** Also samples VmRSS, in case the peak mark could not be reset. */
export function sampleRss(pid: number, everyMs: number): { stop: () => number } {
  let peak = 0;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, procStatus(pid).VmRSS ?? 0);
    } catch {
      // process gone: reported elsewhere
    }
  }, everyMs);
  return { stop: () => (clearInterval(timer), peak) };
}

// USER_HZ, the unit of the CPU times in /proc: 100 on every Linux architecture Node runs on.
const CLOCK_TICKS = 100;

/** CPU seconds the process has used so far, in user space and in the kernel (all its threads). */
export function cpuTimes(pid: number): { user: number; system: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime field 14 and stime field 15 (1-based, man 5 proc).
  return { user: Number(fields[11]) / CLOCK_TICKS, system: Number(fields[12]) / CLOCK_TICKS };
}

export function cpuSeconds(pid: number): number {
  const t = cpuTimes(pid);
  return t.user + t.system;
}

// ---------------------------------------------------------------------------------------------- sign-in

export class CookieJar {
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

export function csrfTokenOf(html: string, what: string): string {
  const token = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1];
  if (!token) throw new BenchError(`${what}: no CSRF token in the page`);
  return token;
}

export interface Page {
  status: number;
  text: string;
  location: string | null;
}

/** A browser-like client: keeps the cookies it is given and sends them back, follows no redirect. */
export class BenchClient {
  readonly jar = new CookieJar();

  constructor(public base: string) {}

  async get(p: string): Promise<Page> {
    const res = await fetch(`${this.base}${p}`, { redirect: 'manual', headers: { cookie: this.jar.header() }, signal: AbortSignal.timeout(10_000) });
    this.jar.take(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }

  async postForm(p: string, fields: Record<string, string>): Promise<Page> {
    const res = await fetch(`${this.base}${p}`, {
      method: 'POST', redirect: 'manual', signal: AbortSignal.timeout(10_000),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: this.jar.header() },
      body: new URLSearchParams(fields).toString(),
    });
    this.jar.take(res);
    return { status: res.status, text: await res.text(), location: res.headers.get('location') };
  }
}

/** Signs in through the sign-in form, as a person would; throws unless the app answers 303 with a session. */
export async function signIn(base: string, login: string, password = DEMO_PASSWORD): Promise<BenchClient> {
  const client = new BenchClient(base);
  const page = await client.get('/login');
  if (page.status !== 200) throw new BenchError(`GET /login answered ${page.status}`);
  const res = await client.postForm('/login', { _csrf: csrfTokenOf(page.text, 'GET /login'), login, password });
  if (res.status !== 303) throw new BenchError(`POST /login as ${login} answered ${res.status}, expected 303`);
  if (!client.jar.has('tremplin.sid')) throw new BenchError(`POST /login as ${login}: no tremplin.sid session cookie`);
  return client;
}
