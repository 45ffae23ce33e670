import type { Knex } from 'knex';
// knex's own SQLite client and transaction classes, extended below (CommonJS, without types).
import Client_SQLite3 from 'knex/lib/dialects/sqlite3/index.js';
import Transaction_Sqlite from 'knex/lib/dialects/sqlite3/execution/sqlite-transaction.js';

/**
 * knex opens SQLite transactions with a plain BEGIN, which takes the write lock only at the first write.
 * A transaction that reads first (most of ours: look the record up, then write) and finds that another
 * one wrote in the meantime cannot upgrade: SQLite answers SQLITE_BUSY at once, busy_timeout or not, and
 * the page says 503. Two workers enrolling youths at the same second, or one double click, were enough.
 * BEGIN IMMEDIATE takes the write lock first, so a second writer waits its turn (busy_timeout) instead.
 * Savepoints (nested transactions) are unchanged; readers outside transactions still run side by side (WAL).
 */
class ImmediateTransaction extends (Transaction_Sqlite as unknown as new (...args: unknown[]) => { query(conn: unknown, sql: string): Promise<unknown> }) {
  begin(conn: unknown): Promise<unknown> {
    return this.query(conn, 'BEGIN IMMEDIATE;');
  }
}

export class SqliteImmediateClient extends (Client_SQLite3 as unknown as new (config: Knex.Config) => object) {
  transaction(...args: unknown[]): unknown {
    return new ImmediateTransaction(this, ...args);
  }
}
