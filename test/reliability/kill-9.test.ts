import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import knex from 'knex';
import sqlite3 from 'sqlite3';
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { testDatabase } from '../support/database.js';
import { BrowserSession, envFor, kill9, scratchDatabase, startServer, until } from '../support/processes.js';

function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/**
 * The real server (src/server.ts) in a child process, on a database and an upload folder of its own, killed
 * with SIGKILL at the worst moments and started again.
 */
describe('kill -9 of the server, then a restart', function () {
  this.timeout(180_000);
  let tmp: string;
  let database: Config['database'];
  let uploadDir: string;
  let db: Db;
  let dropDatabase: (() => Promise<void>) | undefined;
  let child: ChildProcess | undefined;
  const env = () => envFor(database, { UPLOAD_DIR: uploadDir, DEMO_DATA: 'true', SESSION_SECRET: 'kill-9-test-secret-kill-9-test-secret' });

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-kill9-'));
    uploadDir = path.join(tmp, 'uploads');
    const shared = testDatabase().config.database;
    ({ database, drop: dropDatabase } = await scratchDatabase(shared, 'tremplin_kill9', path.join(tmp, 'tremplin.sqlite')));
    const server = await startServer(env());
    child = server.child;
    db = createDb(database);
  });
  after(async () => {
    if (child) await kill9(child);
    await db?.destroy();
    await dropDatabase?.();
    rmSync(tmp, { recursive: true, force: true });
  });

  async function restart(): Promise<BrowserSession> {
    if (child) await kill9(child);
    const server = await startServer(env());
    child = server.child;
    return new BrowserSession(server.base);
  }

  it('mid-upload: after the restart no file is left, temporary or not, and there is no row', async () => {
    const session = await restart();
    await session.signIn('ines.d', DEMO_PASSWORD);
    const sadiola = (await db('groups').where({ name: 'Rencontre des jeunes de Sadiola' }).first()).id;
    const { token } = await session.get(`/groups/${sadiola}/media/new`);
    const mediaBefore = Number((await db('media').count({ n: '*' }))[0]!.n);
    const filesBefore = filesUnder(uploadDir);

    const boundary = `----kill9${Date.now()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="moment"\r\n\r\nbefore\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nTuée en route\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="grosse.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const announced = 500 * 1024 * 1024;
    const url = new URL(`${session.base}/groups/${sadiola}/media?_csrf=${encodeURIComponent(token!)}`);
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: url.pathname + url.search,
      headers: { cookie: session.header(), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + announced) },
    });
    const ended = new Promise<string>((resolve) => {
      req.on('response', (res) => resolve(String(res.statusCode)));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    req.write(head);
    let sent = 0;
    const chunk = Buffer.alloc(256 * 1024, 7);
    const pump = (async () => {
      while (sent < announced && !req.destroyed) {
        if (!req.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              req.off('drain', done);
              req.off('close', done);
              resolve();
            };
            req.on('drain', done);
            req.on('close', done);
          });
        }
        sent += chunk.length;
      }
    })();
    const partial = await until('a temporary file of more than 4 MB', () => {
      const tmpFiles = filesUnder(uploadDir).filter((f) => f.startsWith('tmp/'));
      return tmpFiles.length === 1 ? tmpFiles[0]! : '';
    }, (f) => f !== '' && sizeOf(path.join(uploadDir, f)) > 4 * 1024 * 1024);
    const sizeAtKill = sizeOf(path.join(uploadDir, partial));
    await kill9(child!);
    expect(await ended).to.be.oneOf(['ECONNRESET', 'EPIPE']);
    req.destroy();
    await pump.catch(() => undefined);
    // What the killed process left: its half file, which nothing could remove (no handler runs on SIGKILL).
    expect(filesUnder(uploadDir)).to.include(partial);

    const restarted = await restart();
    expect(filesUnder(uploadDir)).to.deep.equal(filesBefore);
    expect(Number((await db('media').count({ n: '*' }))[0]!.n)).to.equal(mediaBefore);
    expect(await db('media').where({ caption: 'Tuée en route' }).first()).to.equal(undefined);
    await restarted.signIn('ines.d', DEMO_PASSWORD);
    expect((await restarted.get(`/groups/${sadiola}/media/new`)).status).to.equal(200);
    console.log(`      killed with ${(sizeAtKill / 1024 / 1024).toFixed(1)} MB of a 500 MB upload written to ${partial}; removed at restart`);
  });

  it('mid-phase-change, after its first write: the group is in its old phase with no record of a move, and can move again', async () => {
    let session = await restart();
    await session.signIn(DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
    const group = await db('groups').where({ name: 'Construire parasismique en Algérie' }).first();
    expect(group.phase).to.equal('return');
    const transitionsBefore = Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n);
    const followUps = async () => Number((await db('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', group.id).count({ n: '*' }))[0]!.n);
    const followUpsBefore = await followUps();
    const pageOfGroup = `/groups/${group.id}`;
    await session.get(pageOfGroup);

    // The server's transaction first moves the group (UPDATE groups), then records the move (INSERT INTO
    // phase_transitions). The test holds that second statement up from outside, sees the first one done
    // and the transaction still open, and kills the server there.
    const hold = await holdTransitionInsert(database);
    const move = session.post(`/groups/${group.id}/transitions`, { to: 'restitution', note: '' }, pageOfGroup).then(
      (r) => String(r.status),
      (e: Error) => (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message,
    );
    await hold.untilServerWaitsAfterFirstWrite();
    await kill9(child!);
    expect(await move).not.to.match(/^[23]\d\d$/);
    await hold.release();

    session = await restart();
    const after = await db('groups').where({ id: group.id }).first();
    expect(after.phase).to.equal('return');
    expect(Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n)).to.equal(transitionsBefore);
    expect(await followUps()).to.equal(followUpsBefore);
    if (database.client === 'sqlite3') expect((await db.raw('PRAGMA integrity_check'))[0].integrity_check).to.equal('ok');

    await session.signIn(DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
    const again = await session.post(`/groups/${group.id}/transitions`, { to: 'restitution', note: '' }, pageOfGroup);
    expect(again.status, again.text.slice(0, 300)).to.equal(303);
    expect((await db('groups').where({ id: group.id }).first()).phase).to.equal('restitution');
    expect(Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n)).to.equal(transitionsBefore + 1);
  });
});

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

interface Hold {
  untilServerWaitsAfterFirstWrite(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Holds the server's INSERT INTO phase_transitions up, from another connection.
 * PostgreSQL: a SHARE lock on the table, which the insert waits for; pg_locks then shows the server's
 * backend waiting for it while already holding the row lock of its UPDATE of groups.
 * SQLite (one writer at a time, no waiting on a table): a BEFORE INSERT trigger that burns a few seconds of
 * CPU inside the server's transaction. The server holding the write lock for that long (BEGIN IMMEDIATE
 * elsewhere answers SQLITE_BUSY five times over 250 ms) means it is in the trigger, which fires only after
 * its UPDATE: done, not committed. (Transactions take the lock at BEGIN since sqlite-immediate.ts, but
 * nothing else holds it for more than milliseconds.)
 */
async function holdTransitionInsert(database: Config['database']): Promise<Hold> {
  if (database.client === 'pg') {
    const holder = knex({ client: 'pg', connection: database.url, pool: { min: 1, max: 2 } });
    const trx = await holder.transaction();
    await trx.raw('lock table phase_transitions in share mode');
    return {
      async untilServerWaitsAfterFirstWrite() {
        await until('the server waiting on phase_transitions after updating groups', async () => {
          const r = await holder.raw(`
            select w.pid from pg_locks w join pg_class c on c.oid = w.relation
            where c.relname = 'phase_transitions' and not w.granted
              and exists (select 1 from pg_locks g join pg_class gc on gc.oid = g.relation
                          where g.pid = w.pid and gc.relname = 'groups' and g.mode = 'RowExclusiveLock' and g.granted)`);
          return r.rows.length;
        }, (n) => n === 1);
      },
      async release() {
        await trx.rollback();
        // The server's backend finds its client gone once it can move on, and rolls its transaction back.
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
    CREATE TABLE kill9_burn(x);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) INSERT INTO kill9_burn SELECT i FROM n;
    CREATE TRIGGER kill9_slow_transition BEFORE INSERT ON phase_transitions BEGIN
      SELECT count(*) FROM kill9_burn a, kill9_burn b, kill9_burn c;
    END;
    PRAGMA busy_timeout = 0;`);
  return {
    async untilServerWaitsAfterFirstWrite() {
      let busyInARow = 0;
      await until('the server holding the write lock in its transaction', async () => {
        try {
          await exec('BEGIN IMMEDIATE');
          await exec('ROLLBACK');
          busyInARow = 0;
        } catch (err) {
          if ((err as { code?: string }).code !== 'SQLITE_BUSY') throw err;
          busyInARow++;
        }
        return busyInARow;
      }, (n) => n >= 5);
    },
    async release() {
      await exec('PRAGMA busy_timeout = 5000; DROP TRIGGER kill9_slow_transition; DROP TABLE kill9_burn;');
      await new Promise((r) => conn.close(r));
    },
  };
}
