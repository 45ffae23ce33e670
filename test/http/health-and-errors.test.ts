import { expect } from 'chai';
import request from 'supertest';
import knex from 'knex';
import path from 'node:path';
import os from 'node:os';
import { createHmac } from 'node:crypto';
import { createApp } from '../../src/app.js';
import { buildApp, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDatabase } from '../support/database.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';

// Knex logs every failed connection; the test asserts on the pages instead.
const quiet = { warn() {}, error() {}, debug() {}, deprecate() {} };

describe('health, error pages and security headers', () => {
  before(async () => {
    await resetToDemo();
  });

  describe('GET /healthz', () => {
    it('answers 200 when the database answers', async () => {
      const res = await request(buildApp()).get('/healthz');
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ status: 'ok' });
    });
  });

  describe('when the database cannot be reached', () => {
    const unreachable = [
      ['PostgreSQL refusing connections', () => knex({ client: 'pg', connection: 'postgres://postgres@127.0.0.1:1/none', acquireConnectionTimeout: 2000, pool: { min: 0, max: 2 }, log: quiet })],
      ['a SQLite file that cannot be opened', () => knex({ client: 'sqlite3', connection: { filename: path.join(os.tmpdir(), 'no-such-dir-tremplin', 'x', 'db.sqlite') }, useNullAsDefault: true, acquireConnectionTimeout: 2000, log: quiet })],
    ] as const;
    for (const [label, make] of unreachable) {
      it(`answers 503 pages and stays up (${label})`, async () => {
        const db = make();
        const app = createApp({ config: testDatabase().config, db, log: () => undefined });
        try {
          const health = await request(app).get('/healthz');
          expect(health.status).to.equal(503);
          const login = await request(app).get('/login');
          expect(login.status).to.equal(503);
          expect(visibleText(login.text)).to.include('La base de données ne répond pas');
          // A request that carries a session cookie goes through the session store first: still a 503.
          const sid = 'some-session-id';
          const signature = createHmac('sha256', testDatabase().config.sessionSecret).update(sid).digest('base64').replace(/=+$/, '');
          const withSession = await request(app).get('/groups').set('Cookie', `tremplin.sid=${encodeURIComponent(`s:${sid}.${signature}`)}`);
          expect(withSession.status).to.equal(503);
          expect(withSession.headers['retry-after']).to.equal('10');
        } finally {
          await db.destroy();
        }
      });
    }
  });

  it('shows a 404 page in the reader\'s language', async () => {
    const res = await request(buildApp()).get('/no-such-page');
    expect(res.status).to.equal(404);
    expect(visibleText(res.text)).to.include('Page introuvable');
    const en = await request(buildApp()).get('/no-such-page').set('Cookie', 'lang=en');
    expect(visibleText(en.text)).to.include('Page not found');
  });

  it('treats a non-numeric id as not found', async () => {
    const agent = await signIn(buildApp(), DEMO_ACCOUNTS.director.email);
    expect((await agent.get('/groups/abc')).status).to.equal(404);
    expect((await agent.get('/groups/1e3')).status).to.equal(404);
  });

  it('sends a CSP that allows no inline script, and the usual protective headers', async () => {
    const res = await request(buildApp()).get('/login');
    const csp = res.headers['content-security-policy'] as string;
    expect(csp).to.include("script-src 'self'");
    expect(csp).not.to.include('unsafe-inline');
    expect(csp).to.include("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['referrer-policy']).to.equal('no-referrer');
    expect(res.headers['x-powered-by']).to.equal(undefined);
    expect(res.text).not.to.match(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('marks cookies Secure behind a TLS proxy, and HttpOnly with SameSite=Lax always', async () => {
    const app = buildApp({ TRUST_PROXY: '1', SECURE_COOKIES: 'true' });
    const agent = request.agent(app);
    const page = await agent.get('/login').set('X-Forwarded-Proto', 'https');
    const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).join('\n');
    expect(csrfCookie).to.match(/__Host-tremplin\.csrf=.*; Secure/);
    const plain = await request(buildApp()).get('/login');
    const cookie = ([] as string[]).concat(plain.headers['set-cookie'] ?? []).join('\n');
    expect(cookie).to.include('HttpOnly').and.include('SameSite=Lax');
  });
});
