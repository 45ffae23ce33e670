import knex from 'knex';
import sqlite3 from 'sqlite3';
import type { Config } from '../../src/config.js';
import { until } from './processes.js';

export interface Hold {
  /** Resolves once the server's insert is held: its statement started (and, with `after`, its transaction wrote that table). */
  untilServerWaits(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Holds the server's next INSERT INTO `table` up, from another connection, so that a test can kill the server
 * while it is writing that row.
 * PostgreSQL: a SHARE lock on the table, which the insert waits for; pg_locks then shows the server's
 * backend waiting for it (and, with `after`, already holding the row lock of its earlier write to that table).
 * SQLite (one writer at a time, no waiting on a table): a BEFORE INSERT trigger that burns a few seconds of
 * CPU inside the server's statement. The server holding the write lock for that long (BEGIN IMMEDIATE
 * elsewhere answers SQLITE_BUSY five times over 250 ms) means it is in the trigger: its insert begun, not
 * committed. (Nothing else holds the write lock for more than milliseconds.)
 */
export function holdInsert(database: Config['database'], table: string, after?: string): Promise<Hold> {
  return holdWrite(database, table, 'INSERT', after);
}

/**
 * The same for the server's next UPDATE of `table` (PostgreSQL's SHARE lock holds it up as it holds an
 * insert; on SQLite the trigger is BEFORE UPDATE).
 */
export function holdUpdate(database: Config['database'], table: string): Promise<Hold> {
  return holdWrite(database, table, 'UPDATE');
}

async function holdWrite(database: Config['database'], table: string, statement: 'INSERT' | 'UPDATE', after?: string): Promise<Hold> {
  if (database.client === 'pg') {
    const holder = knex({ client: 'pg', connection: database.url, pool: { min: 1, max: 2 } });
    const trx = await holder.transaction();
    await trx.raw(`lock table ${table} in share mode`);
    return {
      async untilServerWaits() {
        await until(`the server waiting on ${table}${after ? ` after writing ${after}` : ''}`, async () => {
          const r = await holder.raw(`
            select w.pid from pg_locks w join pg_class c on c.oid = w.relation
            where c.relname = ? and not w.granted
              and (?::text is null or exists (select 1 from pg_locks g join pg_class gc on gc.oid = g.relation
                          where g.pid = w.pid and gc.relname = ? and g.mode = 'RowExclusiveLock' and g.granted))`, [table, after ?? null, after ?? '']);
          return r.rows.length;
        }, (n) => n === 1);
      },
      async release() {
        await trx.rollback();
        // The killed server's backend finds its client gone once it can move on, and rolls its work back.
        await until('the killed server\'s backend to end', async () => {
          const r = await holder.raw("select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and state <> 'idle'");
          return r.rows[0].n as number;
        }, (n) => n === 0);
        await holder.destroy();
      },
    };
  }
  const conn = new sqlite3.Database(database.file);
  const exec = (sql: string) => new Promise<void>((resolve, reject) => conn.exec(sql, (err) => (err ? reject(err) : resolve())));
  await exec(`
    PRAGMA busy_timeout = 5000;
    CREATE TABLE hold_burn(x);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO hold_burn SELECT i FROM n;
    CREATE TRIGGER hold_slow_insert BEFORE ${statement} ON ${table} BEGIN
      SELECT count(*) FROM hold_burn a, hold_burn b, hold_burn c;
    END;
    PRAGMA busy_timeout = 0;`);
  return {
    async untilServerWaits() {
      let busyInARow = 0;
      await until(`the server holding the write lock in its ${statement.toLowerCase()}`, async () => {
        try {
          await exec('BEGIN IMMEDIATE');
          await exec('ROLLBACK');
          busyInARow = 0;
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
          busyInARow++;
        }
        return busyInARow;
      }, (n) => n >= 5, 60_000);
    },
    async release() {
      await exec('PRAGMA busy_timeout = 5000; DROP TRIGGER hold_slow_insert; DROP TABLE hold_burn;');
      await new Promise((r) => conn.close(r));
    },
  };
}
