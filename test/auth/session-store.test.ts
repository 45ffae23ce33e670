import { expect } from 'chai';
import { buildApp, signIn } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';

describe('sessions in the database', () => {
  before(async () => {
    await resetToDemo();
  });

  const sessionRows = () => testDb()('sessions').select('sid', 'sess', 'expires', 'user_id');

  it('stores the signed-in session with its owner, and does not rewrite it on every page', async () => {
    await testDb()('sessions').del();
    const app = buildApp();
    const agent = await signIn(app, DEMO_ACCOUNTS.karim.email);
    const [row] = await sessionRows();
    expect(row!.user_id).to.equal((await testDb()('users').where({ email: DEMO_ACCOUNTS.karim.email }).first()).id);
    for (let i = 0; i < 5; i++) expect((await agent.get('/groups')).status).to.equal(200);
    const after = await sessionRows();
    expect(after).to.have.length(1);
    expect(Number(after[0]!.expires)).to.equal(Number(row!.expires));
    expect(after[0]!.sess).to.equal(row!.sess);
  });

  it('pushes the idle expiry forward once half of it has gone', async () => {
    await testDb()('sessions').del();
    const agent = await signIn(buildApp(), DEMO_ACCOUNTS.karim.email);
    const soon = Date.now() + 60_000;
    await testDb()('sessions').update({ expires: soon });
    expect((await agent.get('/groups')).status).to.equal(200);
    const [row] = await sessionRows();
    expect(Number(row!.expires)).to.be.greaterThan(soon + 3600_000);
  });

  it('treats an expired session as signed out', async () => {
    await testDb()('sessions').del();
    const agent = await signIn(buildApp(), DEMO_ACCOUNTS.karim.email);
    await testDb()('sessions').update({ expires: Date.now() - 1000 });
    const res = await agent.get('/groups');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
  });

  it('is shared by every instance: signed in on one, signed in on the other', async () => {
    const one = buildApp();
    const two = buildApp();
    const agent = await signIn(one, DEMO_ACCOUNTS.director.email);
    const cookie = (await agent.jar.getCookie('tremplin.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false }))!.toValueString();
    const { default: request } = await import('supertest');
    const res = await request(two).get('/groups').set('Cookie', cookie);
    expect(res.status).to.equal(200);
  });
});
