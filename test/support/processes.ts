import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { ROOT } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';

/** The environment a child process of the app needs to use `config`'s database and folders. */
export function envFor(database: { client: 'pg'; url: string } | { client: 'sqlite3'; file: string }, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', DEMO_DATA: 'false', ...extra };
  delete env.DATABASE_URL;
  delete env.SQLITE_FILE;
  if (database.client === 'pg') env.DATABASE_URL = database.url;
  else env.SQLITE_FILE = database.file;
  return env;
}

type Database = { client: 'pg'; url: string } | { client: 'sqlite3'; file: string };

/**
 * A database of its own for a test that runs the app in another process: on PostgreSQL a new database next
 * to the shared one (dropped by `drop`), on SQLite the given file.
 */
export async function scratchDatabase(shared: Database, prefix: string, sqliteFile: string): Promise<{ database: Database; drop: () => Promise<void> }> {
  if (shared.client !== 'pg') return { database: { client: 'sqlite3', file: sqliteFile }, drop: async () => undefined };
  const name = `${prefix}_${process.pid}_${Date.now()}`;
  const admin = knex({ client: 'pg', connection: shared.url });
  await admin.raw(`create database ${name}`);
  await admin.destroy();
  const url = new URL(shared.url);
  url.pathname = `/${name}`;
  return {
    database: { client: 'pg', url: url.toString() },
    drop: async () => {
      const again = knex({ client: 'pg', connection: shared.url });
      await again.raw(`drop database if exists ${name} with (force)`);
      await again.destroy();
    },
  };
}

/** Runs one of the app's command-line entry points (src/…-cli.ts) through tsx, as `npm run` does. */
export function runCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The real server (src/server.ts) in a child process; resolves once it prints that it listens. */
export async function startServer(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; base: string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: { ...env, PORT: '0', HOST: '127.0.0.1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const check = () => {
      const m = /running on http:\/\/localhost:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${m[1]}`);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${out}`));
    });
  });
  child.removeAllListeners('exit');
  return { child, base, output: () => out };
}

/** SIGKILL, the way the OOM killer or a pulled plug ends a process: no handler runs. */
export function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

/** A browser's cookies and CSRF token, for talking to a server in another process with fetch. */
export class BrowserSession {
  private readonly cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private take(res: Response): void {
    for (const h of res.headers.getSetCookie()) {
      const [pair] = h.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }

  async get(path: string): Promise<{ status: number; text: string; token: string | undefined }> {
    const res = await fetch(`${this.base}${path}`, { redirect: 'manual', headers: { cookie: this.header() } });
    this.take(res);
    const text = await res.text();
    return { status: res.status, text, token: /name="csrf-token" content="([^"]+)"/.exec(text)?.[1] };
  }

  /** Posts a form with the token of the page at `from`, as the page's form would. */
  async post(path: string, fields: Record<string, string>, from: string): Promise<{ status: number; location: string | null; text: string }> {
    const { token } = await this.get(from);
    const res = await fetch(`${this.base}${path}`, {
      method: 'POST', redirect: 'manual',
      headers: { cookie: this.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: token ?? '', ...fields }).toString(),
    });
    this.take(res);
    return { status: res.status, location: res.headers.get('location'), text: await res.text() };
  }

  async signIn(login: string, password: string): Promise<void> {
    const res = await this.post('/login', { login, password }, '/login');
    if (res.status !== 303) throw new Error(`sign-in as ${login}: ${res.status}`);
  }
}

/**
 * Starts src/server.ts with `env` over the current environment (a database and uploads folder of its own
 * in a temporary folder), and waits for it to exit; one still running after `ms` is stopped, and its exit
 * code is then null. For what start-up prints or refuses.
 */
export async function startUntilExit(env: Record<string, string>, ms: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-start-'));
  const full: NodeJS.ProcessEnv = { ...process.env, PORT: '0', HOST: '127.0.0.1', SQLITE_FILE: path.join(tmp, 'db.sqlite'), UPLOAD_DIR: path.join(tmp, 'uploads'), ...env };
  delete full.DATABASE_URL;
  for (const [k, v] of Object.entries(env)) if (v === '') delete full[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env: full, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), ms);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearTimeout(timer);
  rmSync(tmp, { recursive: true, force: true });
  return { code, stdout, stderr };
}

/** Reads `read` every 50 ms until `ok` says yes, and returns that value; fails after `withinMs`, saying what it last read. */
export async function until<T>(what: string, read: () => Promise<T> | T, ok: (v: T) => boolean, withinMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() - started > withinMs) throw new Error(`${what}: still ${JSON.stringify(v)} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * A deployment of its own for tests that kill or double the real server: a temporary folder holding the
 * upload folder (and the SQLite file), a scratch database, a pool onto it for the test's own reads, and as
 * many server processes as asked, all with the same SESSION_SECRET (one signed-in session works on each).
 */
export class ScratchDeployment {
  readonly uploadDir: string;
  db!: Db;
  database!: Database;
  private readonly children: ChildProcess[] = [];
  private drop: (() => Promise<void>) | undefined;

  private constructor(private readonly tmp: string, private readonly extraEnv: Record<string, string>) {
    this.uploadDir = path.join(tmp, 'uploads');
  }

  /** `shared` is the test run's database, next to which a PostgreSQL scratch database is made. */
  static async create(shared: Database, prefix: string, extraEnv: Record<string, string> = {}): Promise<ScratchDeployment> {
    const d = new ScratchDeployment(mkdtempSync(path.join(os.tmpdir(), `${prefix.replace(/_/g, '-')}-`)), extraEnv);
    ({ database: d.database, drop: d.drop } = await scratchDatabase(shared, prefix, path.join(d.tmp, 'tremplin.sqlite')));
    return d;
  }

  env(): NodeJS.ProcessEnv {
    return envFor(this.database, { UPLOAD_DIR: this.uploadDir, DEMO_DATA: 'true', SESSION_SECRET: 'scratch-deployment-secret-shared-by-instances', ...this.extraEnv });
  }

  /** One more server process; the first one migrates and loads the demo data before the pool opens. */
  async start(): Promise<{ child: ChildProcess; base: string }> {
    const server = await startServer(this.env());
    this.children.push(server.child);
    this.db ??= createDb(this.database);
    return server;
  }

  async close(): Promise<void> {
    for (const child of this.children) await kill9(child);
    await this.db?.destroy();
    await this.drop?.();
    rmSync(this.tmp, { recursive: true, force: true });
  }
}
