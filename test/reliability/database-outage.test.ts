import { expect } from 'chai';
import request from 'supertest';
import sqlite3 from 'sqlite3';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { resetToDemo, testDatabase } from '../support/database.js';
import { csrfToken, signIn, visibleText } from '../support/http.js';
import { TcpProxy } from '../support/tcp-proxy.js';

// How long a query may wait for a connection or a lock in these tests: pages must answer within it.
const ACQUIRE_MS = 1500;

async function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = Date.now();
  const value = await run();
  return [value, Date.now() - started];
}

function expectUnavailablePage(res: request.Response): void {
  expect(res.status, res.text.slice(0, 300)).to.equal(503);
  expect(res.headers['retry-after']).to.equal('10');
  expect(visibleText(res.text)).to.include('La base de données ne répond pas');
}

/** Polls until /healthz says the database is back; returns how long that took. */
async function untilHealthy(app: Express, withinMs: number): Promise<number> {
  const started = Date.now();
  for (;;) {
    const res = await request(app).get('/healthz');
    if (res.status === 200) return Date.now() - started;
    if (Date.now() - started > withinMs) throw new Error(`still ${res.status} after ${withinMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('when the database goes away and comes back', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  const figures: string[] = [];

  before(async () => {
    ids = await resetToDemo();
  });
  after(() => {
    for (const line of figures) console.log(`      ${line}`);
  });

  if (process.env.DATABASE_URL) {
    describe('PostgreSQL, reached through a relay the test cuts', () => {
      let proxy: TcpProxy;
      let db: Db;
      let app: Express;

      before(async () => {
        const t = testDatabase();
        if (t.config.database.client !== 'pg') throw new Error('expected PostgreSQL');
        const target = new URL(t.config.database.url);
        proxy = new TcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
        const viaProxy = new URL(target);
        viaProxy.hostname = '127.0.0.1';
        viaProxy.port = String(await proxy.start());
        db = createDb({ client: 'pg', url: viaProxy.toString(), acquireMs: ACQUIRE_MS });
        app = createApp({ config: t.config, db, log: () => undefined });
      });
      after(async () => {
        await proxy.stop();
        await db.destroy();
      });

      it('answers 503 with a clear page while it is gone, then serves the same session again by itself', async () => {
        const agent = await signIn(app, DEMO_ACCOUNTS.karim.email);
        expect((await agent.get(`/groups/${ids.groups.sadiola}`)).status).to.equal(200);

        await proxy.cut();
        // Pooled connections die with the cut; the next ones are refused: both must give the 503 page.
        const [page, pageMs] = await timed(() => agent.get(`/groups/${ids.groups.sadiola}`));
        expectUnavailablePage(page);
        const [again, againMs] = await timed(() => agent.get('/groups'));
        expectUnavailablePage(again);
        const en = await agent.get('/groups').set('Cookie', 'lang=en');
        expect(en.status).to.equal(503);
        expect(visibleText(en.text)).to.include('The database is not answering right now');
        const health = await request(app).get('/healthz');
        expect(health.status).to.equal(503);
        expect(health.body).to.deep.equal({ status: 'unavailable', reason: 'database' });
        const signInWhileDown = await request(app).get('/login');
        expectUnavailablePage(signInWhileDown);
        expect(Math.max(pageMs, againMs)).to.be.below(ACQUIRE_MS + 3000);

        await proxy.restore();
        const recoveredMs = await untilHealthy(app, 15_000);
        const back = await agent.get(`/groups/${ids.groups.sadiola}`);
        expect(back.status).to.equal(200);
        expect(visibleText(back.text)).to.include('Rencontre des jeunes de Sadiola');
        figures.push(`PostgreSQL cut: 503 pages in ${pageMs} ms / ${againMs} ms; healthy again ${recoveredMs} ms after the relay came back`);
      });

      it('answers 503 within the connection timeout when the database host stops answering at all', async () => {
        const agent = await signIn(app, DEMO_ACCOUNTS.karim.email);
        await proxy.swallow();
        const [page, pageMs] = await timed(() => agent.get(`/groups/${ids.groups.sadiola}`));
        expectUnavailablePage(page);
        expect(pageMs).to.be.at.least(ACQUIRE_MS - 100).and.below(ACQUIRE_MS + 3000);
        const [health, healthMs] = await timed(() => request(app).get('/healthz'));
        expect(health.status).to.equal(503);

        await proxy.cut();
        await proxy.restore();
        const recoveredMs = await untilHealthy(app, 15_000);
        expect((await agent.get(`/groups/${ids.groups.sadiola}`)).status).to.equal(200);
        figures.push(`PostgreSQL silent: 503 page after ${pageMs} ms, /healthz 503 after ${healthMs} ms (timeout ${ACQUIRE_MS} ms); healthy again ${recoveredMs} ms after`);
      });
    });
  } else {
    describe('SQLite, with another process holding the file locked', () => {
      let db: Db;
      let app: Express;
      let holder: sqlite3.Database;
      const run = (sql: string) => new Promise<void>((resolve, reject) => holder.run(sql, (err) => (err ? reject(err) : resolve())));

      before(async () => {
        const t = testDatabase();
        if (t.config.database.client !== 'sqlite3') throw new Error('expected SQLite');
        db = createDb({ client: 'sqlite3', file: t.config.database.file, acquireMs: ACQUIRE_MS });
        app = createApp({ config: t.config, db, log: () => undefined });
        holder = new sqlite3.Database(t.config.database.file);
      });
      after(async () => {
        await run('ROLLBACK').catch(() => undefined);
        await new Promise((r) => holder.close(r));
        await db.destroy();
      });

      it('answers a write with the 503 page within the lock timeout instead of hanging, then recovers', async () => {
        const agent = await signIn(app, DEMO_ACCOUNTS.karim.email);
        const anonymous = request.agent(app);
        const token = await csrfToken(anonymous);

        await run('BEGIN EXCLUSIVE');
        // Signing in writes the session: the one write every visitor makes.
        const [refused, refusedMs] = await timed(() =>
          anonymous.post('/login').type('form').send({ _csrf: token, login: DEMO_ACCOUNTS.director.email, password: DEMO_PASSWORD }),
        );
        expectUnavailablePage(refused);
        expect(refusedMs).to.be.at.least(ACQUIRE_MS - 100).and.below(ACQUIRE_MS + 3000);
        // Signing out deletes the session row: refused too, and the session is still there afterwards.
        const signOutToken = await csrfToken(agent, '/groups');
        const signOut = await agent.post('/logout').type('form').send({ _csrf: signOutToken });
        expectUnavailablePage(signOut);
        // In WAL mode readers are not blocked by a writer: reading pages still works during the lock.
        const [read, readMs] = await timed(() => agent.get(`/groups/${ids.groups.sadiola}`));
        expect(read.status).to.equal(200);

        await run('COMMIT');
        const [accepted, acceptedMs] = await timed(() =>
          anonymous.post('/login').type('form').send({ _csrf: token, login: DEMO_ACCOUNTS.director.email, password: DEMO_PASSWORD }),
        );
        expect(accepted.status).to.equal(303);
        expect((await anonymous.get('/groups')).status).to.equal(200);
        expect((await agent.get('/groups')).status).to.equal(200);
        figures.push(`SQLite locked: write refused with 503 after ${refusedMs} ms (busy timeout ${ACQUIRE_MS} ms); read served in ${readMs} ms; first write after release ${acceptedMs} ms`);
      });
    });
  }
});
