import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { Config } from '../config.js';
import { SqliteImmediateClient } from './sqlite-immediate.js';

export type Db = Knex;

export function createDb(database: Config['database']): Db {
  // Long enough for a busy moment, short enough that a page with the database gone answers 503 in seconds
  // rather than hanging until the browser gives up.
  const acquireMs = database.acquireMs ?? 5000;
  if (database.client === 'pg') {
    return knex({
      client: 'pg',
      pool: { min: 0, max: 10 },
      acquireConnectionTimeout: acquireMs,
      // Without it a connection attempt to a host that swallows packets waits for the OS (minutes).
      connection: { connectionString: database.url, connectionTimeoutMillis: acquireMs },
    });
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  return knex({
    // knex's SQLite client, with transactions that take the write lock first (see sqlite-immediate.ts).
    client: SqliteImmediateClient as unknown as typeof knex.Client,
    connection: { filename: database.file },
    useNullAsDefault: true,
    acquireConnectionTimeout: acquireMs,
    pool: {
      min: 1,
      max: 4,
      // Pragmas are per connection, so they go here and not in a migration.
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        const pragmas = [
          'PRAGMA journal_mode = WAL',
          'PRAGMA synchronous = NORMAL',
          'PRAGMA foreign_keys = ON',
          // A write that finds the file locked by another process waits this long, then the page says 503.
          `PRAGMA busy_timeout = ${Math.round(acquireMs)}`,
        ];
        const next = (i: number): void => {
          if (i === pragmas.length) return done(null, conn);
          conn.run(pragmas[i]!, (err) => (err ? done(err, conn) : next(i + 1)));
        };
        next(0);
      },
    },
  });
}

export function isPostgres(db: Db): boolean {
  return db.client.config.client === 'pg';
}

/** The id of a row inserted with `.returning('id')`: PostgreSQL gives `{ id }`, SQLite the bare number. */
export function insertedId(row: unknown): number {
  return typeof row === 'object' && row !== null ? Number((row as { id: unknown }).id) : Number(row);
}

/** Count rows the same way on both databases (PostgreSQL returns bigint counts as strings). */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === 'number' ? value : Number(value);
}

/**
 * The error of a write that broke a unique index or primary key, on either database. PostgreSQL gives its
 * own code; SQLite's driver gives only SQLITE_CONSTRAINT, shared with NOT NULL, CHECK and foreign keys, and
 * says which in its message: "… - SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email". Before that
 * comes knex's copy of the statement with its values (a name, an e-mail), which could hold any word, so
 * only the driver's own last words are read, in the case SQLite writes them.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null | undefined;
  if (e?.code === '23505') return true;
  if (e?.code !== 'SQLITE_CONSTRAINT' || typeof e.message !== 'string') return false;
  const driverSays = e.message.slice(e.message.lastIndexOf('SQLITE_CONSTRAINT: '));
  return driverSays.startsWith('SQLITE_CONSTRAINT: UNIQUE constraint failed');
}
