import { mkdirSync } from 'node:fs';
import path from 'node:path';
import knex, { type Knex } from 'knex';
import type { Config } from '../config.js';

export type Db = Knex;

export function createDb(database: Config['database']): Db {
  if (database.client === 'pg') {
    return knex({
      client: 'pg',
      connection: database.url,
      pool: { min: 0, max: 10 },
      // Fail fast when PostgreSQL is down so pages answer 503 instead of hanging.
      acquireConnectionTimeout: 5000,
    });
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  return knex({
    client: 'sqlite3',
    connection: { filename: database.file },
    useNullAsDefault: true,
    acquireConnectionTimeout: 5000,
    pool: {
      min: 1,
      max: 4,
      // Pragmas are per connection, so they go here and not in a migration.
      afterCreate(conn: { run: (sql: string, cb: (err: Error | null) => void) => void }, done: (err: Error | null, conn: unknown) => void) {
        const pragmas = [
          'PRAGMA journal_mode = WAL',
          'PRAGMA synchronous = NORMAL',
          'PRAGMA foreign_keys = ON',
          'PRAGMA busy_timeout = 5000',
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
