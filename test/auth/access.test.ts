import { expect } from 'chai';
import request from 'supertest';
import { buildApp, postForm, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { issueCode } from '../../src/auth/one-time-code.js';

// What sign-in.test.ts, one-time-code.test.ts, accounts.test.ts and health-and-errors.test.ts do not
// already show about who gets in (issue 7, "Access").

const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('tremplin.sid='))?.split(';')[0];
const sidOf = (cookie: string): string => decodeURIComponent(cookie.split('=')[1]!).replace(/^s:/, '').replace(/\.[^.]*$/, '');

describe('access', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('session fixation', () => {
    it('replaces a real, stored session of the visitor by a new one at sign-in, and the old id opens nothing', async () => {
      const app = buildApp();
      const agent = request.agent(app);
      // Asking for a page before signing in stores where to come back to: a genuine session, in the store.
      const first = await agent.get(`/groups/${ids.groups.sadiola}`);
      const before = sessionCookie(first);
      expect(before, 'a session before sign-in').to.be.a('string');
      expect(await testDb()('sessions').where({ sid: sidOf(before!) }).first()).to.not.equal(undefined);

      const res = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(res.status).to.equal(303);
      const after = sessionCookie(res);
      expect(after).to.be.a('string');
      expect(sidOf(after!)).not.to.equal(sidOf(before!));
      expect(await testDb()('sessions').where({ sid: sidOf(before!) }).first()).to.equal(undefined);
      // Whoever planted or saw the first cookie is not signed in with it.
      const planted = await request(app).get('/groups').set('Cookie', before!);
      expect(planted.status).to.equal(303);
      expect(planted.headers.location).to.equal('/login');
      expect((await request(app).get('/groups').set('Cookie', after!)).status).to.equal(200);
    });
  });

  describe('security headers', () => {
    it('forbids framing both ways, and sends HSTS only when served behind TLS', async () => {
      const plain = await request(buildApp()).get('/login');
      expect(plain.headers['x-frame-options']).to.equal('SAMEORIGIN');
      expect(plain.headers['content-security-policy']).to.include("frame-ancestors 'none'").and.include("object-src 'none'");
      expect(plain.headers['strict-transport-security']).to.equal(undefined);
      expect(plain.headers['cache-control']).to.equal('no-store');
      const secure = await request(buildApp({ TRUST_PROXY: '1', SECURE_COOKIES: 'true' })).get('/login').set('X-Forwarded-Proto', 'https');
      const maxAge = Number(/max-age=(\d+)/.exec(secure.headers['strict-transport-security'] ?? '')?.[1] ?? 0);
      expect(maxAge, 'HSTS max-age in seconds').to.be.at.least(180 * 24 * 3600);
      expect(secure.headers['content-security-policy']).to.include('upgrade-insecure-requests');
    });

    it('sends the same headers on error pages and on the health check', async () => {
      for (const path of ['/no-such-page', '/healthz']) {
        const res = await request(buildApp()).get(path);
        expect(res.headers['x-content-type-options'], path).to.equal('nosniff');
        expect(res.headers['content-security-policy'], path).to.include("script-src 'self'");
        expect(res.headers['x-powered-by'], path).to.equal(undefined);
      }
    });
  });

  describe('a youth’s one-time code, through the pages both times', () => {
    it('opens the account once; the same code sent again is refused and changes nothing', async () => {
      const youth = await testDb()('users').where({ username: 'ines.d' }).first();
      const { code } = await issueCode(testDb(), youth.id, ids.users.admin);
      const first = await postForm(request.agent(buildApp()), '/redeem', { code, username: 'ines.nouveau', password: 'nouveau-mot-de-passe', passwordConfirm: 'nouveau-mot-de-passe' });
      expect(first.status).to.equal(303);
      const second = await postForm(request.agent(buildApp()), '/redeem', { code, username: 'ines.pirate', password: 'mot-de-passe-pirate', passwordConfirm: 'mot-de-passe-pirate' });
      expect(second.status).to.equal(422);
      expect(visibleText(second.text)).to.include('Ce code ne marche pas');
      const row = await testDb()('users').where({ id: youth.id }).first();
      expect(row.username).to.equal('ines.nouveau');
      const pirate = await postForm(request.agent(buildApp()), '/login', { login: 'ines.pirate', password: 'mot-de-passe-pirate' });
      expect(pirate.status).to.equal(401);
    });
  });
});
