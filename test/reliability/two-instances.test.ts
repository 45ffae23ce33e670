import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { resetToDemo, testDatabase } from '../support/database.js';
import { postForm, signIn } from '../support/http.js';

/**
 * Two instances behind one load balancer: each its own app and its own connection pool, one database, one
 * SESSION_SECRET. On PostgreSQL (DATABASE_URL set) that is the production set-up; without it, two
 * instances on one SQLite file, which is the set-up of two processes on one machine. Never skipped.
 */
describe(`two instances sharing one database (${process.env.DATABASE_URL ? 'PostgreSQL' : 'SQLite file'})`, () => {
  let ids: DemoIds;
  const pools: Db[] = [];
  let one: Express;
  let two: Express;

  before(async () => {
    ids = await resetToDemo();
    const t = testDatabase();
    const config = { ...t.config, sessionSecret: 'one-secret-shared-by-every-instance-of-this-deployment' };
    for (let i = 0; i < 2; i++) pools.push(createDb(t.config.database));
    one = createApp({ config, db: pools[0]!, log: () => undefined });
    two = createApp({ config, db: pools[1]!, log: () => undefined });
  });
  after(async () => {
    for (const p of pools) await p.destroy();
  });

  const cookieOf = async (agent: Awaited<ReturnType<typeof signIn>>) =>
    (await agent.jar.getCookie('tremplin.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false }))!.toValueString();

  it('signed in on one, signed in on the other; signed out on the other, out on both', async () => {
    const agent = await signIn(one, DEMO_ACCOUNTS.karim.email);
    const cookie = await cookieOf(agent);
    const onTwo = await request(two).get(`/groups/${ids.groups.sadiola}`).set('Cookie', cookie);
    expect(onTwo.status).to.equal(200);

    // Signing out through instance two, with the same cookie.
    const viaTwo = request.agent(two);
    viaTwo.jar.setCookie(cookie, '127.0.0.1', '/');
    const out = await postForm(viaTwo, '/logout', {}, '/groups');
    expect(out.status).to.equal(303);
    for (const app of [one, two]) {
      const res = await request(app).get('/groups').set('Cookie', cookie);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login');
    }
  });

  it('an account deactivated through one is signed out on the other at its next request', async () => {
    // Karim and the admin are of the same structure: the admin manages his account.
    const karim = await signIn(two, DEMO_ACCOUNTS.karim.email);
    expect((await karim.get('/groups')).status).to.equal(200);
    const admin = await signIn(one, DEMO_ACCOUNTS.admin.email);
    try {
      expect((await postForm(admin, `/admin/users/${ids.users.karim}/deactivate`, {}, '/admin/users')).status).to.equal(303);
      const res = await karim.get('/groups');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login');
    } finally {
      await postForm(admin, `/admin/users/${ids.users.karim}/activate`, {}, '/admin/users');
    }
  });

  it('a session cookie signed with another secret opens nothing on either', async () => {
    const stranger = createApp({ config: { ...testDatabase().config, sessionSecret: 'a-different-deployment-secret-entirely' }, db: pools[0]!, log: () => undefined });
    const cookie = await cookieOf(await signIn(stranger, DEMO_ACCOUNTS.karim.email));
    for (const app of [one, two]) expect((await request(app).get('/groups').set('Cookie', cookie)).status).to.equal(303);
  });
});
