import type { Knex } from 'knex';
import { toNumber, type Db } from './knex.js';

/**
 * A number that every committed write to the data makes bigger, in the same transaction as the write: a
 * trigger on each table adds one to a row of `data_version`. What was worked out from the data while the
 * number was N is still right as long as the number is N, on every instance, since each reads the number
 * from the database it shares with the others. The directors' figures are cached on it (src/reports/).
 *
 * The tables written on every sign-in or page (sessions, failed sign-ins) have no trigger: they change no
 * figure; nor has the outbox, which the dispatcher writes at every claim and send (every write would empty
 * every cache) and which no cached page reads, nor the upload locks (a heartbeat every few seconds while
 * an upload's bytes flow; no page reads them). Any other table must have one — a migration that creates a table calls `trackDataVersion` for it,
 * and test/db/data-version.test.ts fails for a table without it (also one a SQLite migration rebuilt: the
 * copy loses its triggers).
 *
 * On PostgreSQL the number is the sum of SHARDS rows and each transaction adds to the row of its own id:
 * two transactions writing at the same time rarely wait on the same row, and do not deadlock on it (a
 * single row would be locked by the first writer until its commit, and two transactions each holding a
 * row the other wants next could deadlock). On SQLite writers already take turns (BEGIN IMMEDIATE): one row.
 */
export const UNTRACKED_TABLES = ['sessions', 'failed_attempts', 'outbox_messages', 'upload_locks'] as const;
const SHARDS = 16;
const FUNCTION = 'tremplin_bump_data_version';

const isPg = (knex: Knex) => knex.client.config.client === 'pg';
const triggerName = (table: string, event = '') => `${table}_data_version${event ? `_${event}` : ''}`;

/** The table and, on PostgreSQL, the function the triggers call. */
export async function createDataVersion(knex: Knex): Promise<void> {
  await knex.schema.createTable('data_version', (t) => {
    t.integer('shard').primary();
    t.bigInteger('version').notNullable().defaultTo(0);
  });
  const shards = isPg(knex) ? SHARDS : 1;
  await knex('data_version').insert(Array.from({ length: shards }, (_, shard) => ({ shard, version: 0 })));
  if (isPg(knex)) {
    await knex.raw(`create function ${FUNCTION}() returns trigger language plpgsql as $$
      begin
        update data_version set version = version + 1 where shard = txid_current() % ${SHARDS};
        return null;
      end $$`);
  }
}

export async function dropDataVersion(knex: Knex): Promise<void> {
  if (isPg(knex)) await knex.raw(`drop function if exists ${FUNCTION}() cascade`);
  await knex.schema.dropTableIfExists('data_version');
}

/** The trigger(s) that make every insert, update or delete on `table` bump the data version. */
export async function trackDataVersion(knex: Knex, table: string): Promise<void> {
  if (isPg(knex)) {
    await knex.raw(`create trigger ?? after insert or update or delete or truncate on ?? for each statement execute function ${FUNCTION}()`, [triggerName(table), table]);
    return;
  }
  for (const event of ['insert', 'update', 'delete']) {
    await knex.raw(`create trigger ?? after ${event} on ?? begin update data_version set version = version + 1; end`, [triggerName(table, event), table]);
  }
}

export async function untrackDataVersion(knex: Knex, table: string): Promise<void> {
  if (isPg(knex)) {
    await knex.raw('drop trigger if exists ?? on ??', [triggerName(table), table]);
    return;
  }
  for (const event of ['insert', 'update', 'delete']) await knex.raw('drop trigger if exists ??', [triggerName(table, event)]);
}

/** Every table of the data, i.e. all but knex's own, the version's and the untracked ones. */
export async function tablesToTrack(knex: Knex): Promise<string[]> {
  const names: string[] = isPg(knex)
    ? ((await knex.raw("select tablename as name from pg_tables where schemaname = current_schema()")).rows as { name: string }[]).map((r) => r.name)
    : ((await knex.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")) as { name: string }[]).map((r) => r.name);
  const skipped = new Set<string>([...UNTRACKED_TABLES, 'data_version']);
  return names.filter((n) => !skipped.has(n) && !n.startsWith('knex_')).sort();
}

/** The tables whose every kind of write bumps the version (all three triggers on SQLite). */
export async function trackedTables(knex: Knex): Promise<string[]> {
  if (isPg(knex)) {
    const r = await knex.raw(`select distinct c.relname as name from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_proc p on p.oid = t.tgfoid where p.proname = ? and not t.tgisinternal`, [FUNCTION]);
    return (r.rows as { name: string }[]).map((x) => x.name).sort();
  }
  const rows = (await knex.raw("select tbl_name as name, count(*) as n from sqlite_master where type = 'trigger' and name like '%\\_data\\_version\\_%' escape '\\' group by tbl_name")) as { name: string; n: number }[];
  return rows.filter((x) => Number(x.n) === 3).map((x) => x.name).sort();
}

export async function readDataVersion(db: Db | Knex.Transaction): Promise<number> {
  const row = await db('data_version').sum({ v: 'version' }).first();
  return toNumber(row?.v);
}

// The version read with a request's session, by request (see dataVersionWithSession).
const readWithSession = new WeakMap<object, number>();

/**
 * The expression that reads the version inside another query: the session store reads it in the query
 * that loads the session, which every signed-in page makes first anyway, saving each cached page a query
 * of its own (each costs about as much CPU as a page's rendering of a list, whatever its size).
 */
export const DATA_VERSION_SQL = '(select sum(version) from data_version)';

/** The version read with the request's session (DATA_VERSION_SQL), for its caches. */
export function rememberDataVersion(req: object, version: unknown): void {
  readWithSession.set(req, toNumber(version));
}

/**
 * The version a request's caches may use without reading it again: the one read with its session, on a
 * GET or HEAD only. It was read before anything the page shows, so what is worked out after it is at
 * least that recent (a write in between makes the cache newer, never staler: see VersionedCache); but a
 * request that writes and then shows what it wrote must read the version after its write, and only those
 * that are meant to change nothing may skip it.
 */
function knownVersion(req: { method?: string } | undefined): number | undefined {
  if (!req || (req.method !== 'GET' && req.method !== 'HEAD')) return undefined;
  return readWithSession.get(req);
}

/** What one request reads from a VersionedCache: everything at the data version it read once. */
export interface CacheAtVersion {
  get<T>(key: string, compute: () => Promise<T>): Promise<T>;
}

/**
 * About how many bytes a kept value holds: its text's length, or its JSON's. Worked out once, when the value
 * is computed (a few per write), never on a look-up; V8 keeps French text at a byte a character.
 */
export function approximateBytes(value: unknown): number {
  if (typeof value === 'string') return value.length;
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

/**
 * What was worked out at one data version, by key (a kind of figure, a scope, a filter), in this process.
 * Entries of an older version are never served: the first request that reads a newer version empties the
 * cache, and one that read an older version than the cache holds (a write came in between) computes
 * without caching.
 *
 * Bounded by bytes as well as by entries: a kept page part is 5 to 60 kB, so 500 of them could hold 30 MB
 * in each of the four caches, on a server meant to stay under 200 MiB; past `maxBytes` the oldest go first.
 */
export class VersionedCache {
  private version = -1;
  // Promises, so that the requests arriving together after a write wait for one computation, not one each.
  private readonly entries = new Map<string, { value: Promise<unknown>; bytes: number }>();
  private bytes = 0;

  constructor(private readonly maxEntries = 500, private readonly maxBytes = 4 * 1024 * 1024) {}

  /** The bytes its computed entries hold, as approximateBytes counts them. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.entries.size, bytes: this.bytes };
  }

  /**
   * Reads the data version (one query), for the request's look-ups; none on a GET whose session query
   * read it already (knownVersion).
   */
  async at(db: Db, req?: { method?: string }): Promise<CacheAtVersion> {
    const version = knownVersion(req) ?? (await readDataVersion(db));
    if (version > this.version) {
      this.version = version;
      this.entries.clear();
      this.bytes = 0;
    }
    return { get: (key, compute) => (version < this.version ? Promise.resolve(compute()) : this.lookUp(key, compute)) };
  }

  private lookUp<T>(key: string, compute: () => Promise<T>): Promise<T> {
    const known = this.entries.get(key);
    if (known) return known.value as Promise<T>;
    // Promise.resolve: a knex builder handed back as it is would run its query again at every await.
    const value = Promise.resolve(compute());
    const entry = { value: value as Promise<unknown>, bytes: 0 };
    if (this.entries.size >= this.maxEntries) this.evictOldest();
    this.entries.set(key, entry);
    value.then(
      (computed) => {
        // Still this cache's (not emptied by a newer version, nor evicted meanwhile): count it.
        if (this.entries.get(key) !== entry) return;
        entry.bytes = approximateBytes(computed);
        this.bytes += entry.bytes;
        while (this.bytes > this.maxBytes && this.entries.size > 1) this.evictOldest();
      },
      // A failure (the database gone for a moment) is not kept: the next request tries again.
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return value;
  }

  private evictOldest(): void {
    const [key, entry] = this.entries.entries().next().value!;
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }
}
