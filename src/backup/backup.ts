import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { createReadStream, existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import knex from 'knex';
import type { Config } from '../config.js';
import { createDb, type Db } from '../db/knex.js';

const run = promisify(execFile);

/**
 * A backup is one folder: the database (a SQLite file, or a pg_dump archive), a copy of the uploads (the
 * temporary files of uploads under way excluded), and manifest.json with row counts and the SHA-256 of
 * every file, so that a restore can refuse a damaged copy before it overwrites anything.
 */
export interface Manifest {
  format: 1;
  createdAt: string;
  database: { client: 'sqlite3' | 'pg'; file: string; size: number; sha256: string; rows: Record<string, number> };
  uploads: { count: number; bytes: number; files: { path: string; size: number; sha256: string }[] };
  /** Files the database names but the upload folder did not have when it was copied. */
  missingFiles: string[];
}

const DB_FILE = { sqlite3: 'database.sqlite', pg: 'database.pgdump' } as const;
const UPLOADS = 'uploads';

// The columns that name a file under UPLOAD_DIR.
const FILE_COLUMNS: [table: string, column: string][] = [
  ['media', 'stored_path'],
  ['media', 'thumbnail_path'],
  ['youth_documents', 'scan_path'],
];

export async function backup(config: Config, now = new Date()): Promise<{ dir: string; manifest: Manifest }> {
  await mkdir(config.backupDir, { recursive: true });
  const name = `tremplin-${now.toISOString().replace(/[:.]/g, '-')}`;
  // Written under a temporary name and renamed at the end: a backup killed half-way never looks complete.
  const partial = path.join(config.backupDir, `.${name}.partial`);
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial);
  try {
    const dbFile = DB_FILE[config.database.client];
    const target = path.join(partial, dbFile);
    // The database first, the files after: a file written meanwhile is copied without its row (harmless),
    // whereas the other order would keep rows whose file was never copied.
    const { rows, referenced } =
      config.database.client === 'sqlite3' ? await snapshotSqlite(config.database.file, target) : await dumpPostgres(config.database.url, target);
    const files = await copyUploads(config.uploadDir, path.join(partial, UPLOADS));
    const have = new Set(files.map((f) => f.path));
    const manifest: Manifest = {
      format: 1,
      createdAt: now.toISOString(),
      database: { client: config.database.client, file: dbFile, size: (await stat(target)).size, sha256: await sha256Of(target), rows },
      uploads: { count: files.length, bytes: files.reduce((n, f) => n + f.size, 0), files },
      missingFiles: referenced.filter((p) => !have.has(p)).sort(),
    };
    await writeFile(path.join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const dir = await renameFree(partial, path.join(config.backupDir, name));
    return { dir, manifest };
  } catch (err) {
    await rm(partial, { recursive: true, force: true });
    throw err;
  }
}

/**
 * VACUUM INTO rather than the page-by-page backup API: one statement, run inside one read transaction, so
 * the copy is exactly the database at one instant even while the app writes (WAL mode lets it write
 * meanwhile); the copy is compact and self-contained (no -wal file to carry along). The backup API would
 * restart its copy each time the app wrote during it.
 */
async function snapshotSqlite(file: string, target: string): Promise<{ rows: Record<string, number>; referenced: string[] }> {
  if (!existsSync(file)) throw new Error(`no SQLite database at ${file}`);
  const source = createDb({ client: 'sqlite3', file, acquireMs: 30_000 });
  try {
    await source.raw('VACUUM INTO ?', [target]);
  } finally {
    await source.destroy();
  }
  const copy = knex({ client: 'sqlite3', connection: { filename: target }, useNullAsDefault: true });
  try {
    return await contents(copy);
  } finally {
    await copy.destroy();
  }
}

/**
 * pg_dump in its custom format, run on a snapshot exported by a transaction that also counts the rows and
 * lists the files: the counts in the manifest are those of the dump, not of a moment later.
 */
async function dumpPostgres(url: string, target: string): Promise<{ rows: Record<string, number>; referenced: string[] }> {
  const db = knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  try {
    return await db.transaction(
      async (trx) => {
        const snapshot = (await trx.raw('select pg_export_snapshot() as id')).rows[0].id as string;
        const found = await contents(trx);
        await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, `--file=${target}`, `--dbname=${url}`], { maxBuffer: 16 * 1024 * 1024 });
        return found;
      },
      { isolationLevel: 'repeatable read', readOnly: true },
    );
  } finally {
    await db.destroy();
  }
}

async function contents(db: Db | import('knex').Knex.Transaction): Promise<{ rows: Record<string, number>; referenced: string[] }> {
  const tables = await listTables(db);
  const rows: Record<string, number> = {};
  for (const t of tables) rows[t] = Number((await db(t).count({ n: '*' }))[0]!.n);
  const referenced: string[] = [];
  for (const [table, column] of FILE_COLUMNS) {
    if (!tables.includes(table)) continue;
    const found: Record<string, string>[] = await db(table).whereNotNull(column).select(column);
    for (const r of found) referenced.push(r[column]!);
  }
  return { rows, referenced };
}

export async function listTables(db: Db | import('knex').Knex.Transaction): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    const r = await db.raw("select tablename from pg_tables where schemaname = 'public' order by tablename");
    return r.rows.map((x: { tablename: string }) => x.tablename);
  }
  const r: { name: string }[] = await db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name");
  return r.map((x) => x.name);
}

async function copyUploads(from: string, to: string): Promise<Manifest['uploads']['files']> {
  const files: Manifest['uploads']['files'] = [];
  // Uploads under way (tmp/, and tus/'s partial files, which grow while they are copied) are no one's yet.
  for (const relative of await filesUnder(from, '', (top) => top !== 'tmp' && top !== 'tus')) {
    const dest = path.join(to, relative);
    await mkdir(path.dirname(dest), { recursive: true });
    try {
      await copyFile(path.join(from, relative), dest);
    } catch (err) {
      // Deleted between the listing and the copy (a scan past retention, a replaced file): not an error.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    files.push({ path: relative, size: (await stat(dest)).size, sha256: await sha256Of(dest) });
  }
  return files;
}

/** Paths relative to `root`, with forward slashes (they are compared with the paths stored in rows). */
async function filesUnder(root: string, prefix = '', keepTop: (name: string) => boolean = () => true): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, prefix), { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: string[] = [];
  for (const e of entries) {
    if (!prefix && !keepTop(e.name)) continue;
    const relative = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await filesUnder(root, relative)));
    else if (e.isFile()) out.push(relative);
  }
  return out.sort();
}

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (c) => hash.update(c))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

async function renameFree(from: string, to: string): Promise<string> {
  for (let i = 0; ; i++) {
    const candidate = i === 0 ? to : `${to}-${i}`;
    if (existsSync(candidate)) continue;
    await rename(from, candidate);
    return candidate;
  }
}

export class RestoreRefused extends Error {}

/**
 * Puts a backup back into the configured database and upload folder. Checks every file against the
 * manifest first; refuses a target that already holds data unless `force` (then the target's database
 * and uploads are replaced, not merged). The app must not be running on the target meanwhile.
 */
export async function restore(config: Config, from: string, opts: { force?: boolean } = {}): Promise<Manifest> {
  const manifest = JSON.parse(await readFile(path.join(from, 'manifest.json'), 'utf8')) as Manifest;
  if (manifest.format !== 1) throw new RestoreRefused(`unknown backup format ${String(manifest.format)}`);
  if (manifest.database.client !== config.database.client) {
    throw new RestoreRefused(`this backup is of a ${manifest.database.client} database; the configured one is ${config.database.client}`);
  }
  const dbFile = path.join(from, manifest.database.file);
  if ((await sha256Of(dbFile)) !== manifest.database.sha256) throw new RestoreRefused(`${manifest.database.file} does not match its SHA-256 in the manifest`);
  for (const f of manifest.uploads.files) {
    if (f.path.split('/').includes('..')) throw new RestoreRefused(`unsafe path in the manifest: ${f.path}`);
    if ((await sha256Of(path.join(from, UPLOADS, f.path))) !== f.sha256) throw new RestoreRefused(`${f.path} does not match its SHA-256 in the manifest`);
  }

  const occupied: string[] = [];
  if ((await filesUnder(config.uploadDir)).length) occupied.push(`the upload folder ${config.uploadDir} is not empty`);
  if (config.database.client === 'sqlite3') {
    if (existsSync(config.database.file) && (await stat(config.database.file)).size > 0) occupied.push(`${config.database.file} exists`);
  } else {
    const db = knex({ client: 'pg', connection: config.database.url, pool: { min: 0, max: 1 } });
    try {
      if ((await listTables(db)).length) occupied.push('the PostgreSQL database has tables');
    } finally {
      await db.destroy();
    }
  }
  if (occupied.length && !opts.force) throw new RestoreRefused(`refusing to overwrite: ${occupied.join('; ')} (add --force to replace them)`);

  if (config.database.client === 'sqlite3') {
    const target = config.database.file;
    await mkdir(path.dirname(target), { recursive: true });
    const incoming = `${target}.restoring`;
    await copyFile(dbFile, incoming);
    // A -wal left by the old file would be replayed onto the restored one.
    await rm(`${target}-wal`, { force: true });
    await rm(`${target}-shm`, { force: true });
    await rename(incoming, target);
  } else {
    await run('pg_restore', ['--clean', '--if-exists', '--no-owner', '--single-transaction', '--exit-on-error', `--dbname=${config.database.url}`, dbFile], {
      maxBuffer: 16 * 1024 * 1024,
    });
  }

  if (opts.force) await rm(config.uploadDir, { recursive: true, force: true });
  for (const f of manifest.uploads.files) {
    const dest = path.join(config.uploadDir, f.path);
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(path.join(from, UPLOADS, f.path), dest);
  }
  await mkdir(config.uploadDir, { recursive: true });
  return manifest;
}
