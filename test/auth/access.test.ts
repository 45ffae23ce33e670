import { expect } from 'chai';
import request from 'supertest';
import { buildApp, csrfFrom, postForm, visibleText } from '../support/http.js';
import { safeReturnPath } from '../../src/auth/return-path.js';
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
    it('replaces a real, stored session planted in the visitor\'s browser by a new one at sign-in, and the planted id opens nothing', async () => {
      const app = buildApp();
      // Anonymous visitors have no session any more: the one planted is a real one, the attacker's own.
      // the browser left signed in is the victim's.
      const agent = request.agent(app);
      const planted = sessionCookie(await postForm(agent, '/login', { login: 'lucas.v', password: DEMO_PASSWORD }))!;
      expect(await testDb()('sessions').where({ sid: sidOf(planted) }).first(), 'a stored session').to.not.equal(undefined);

      const res = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(res.status).to.equal(303);
      const after = sessionCookie(res);
      expect(after).to.be.a('string');
      expect(sidOf(after!)).not.to.equal(sidOf(planted));
      expect(await testDb()('sessions').where({ sid: sidOf(planted) }).first()).to.equal(undefined);
      // Whoever planted the cookie is not signed in as Karim with it, nor as anyone.
      const replay = await request(app).get('/groups').set('Cookie', planted);
      expect(replay.status).to.equal(303);
      expect(replay.headers.location).to.equal('/login');
      expect((await request(app).get('/groups').set('Cookie', after!)).status).to.equal(200);
    });
  });

  describe('anonymous visitors', () => {
    const sessionCount = async () => Number((await testDb()('sessions').count<{ n: number }[]>({ n: '*' }))[0]!.n);

    it('a stranger opening pages again and again stores nothing in the database', async () => {
      const app = buildApp();
      const before = await sessionCount();
      const pages = ['/', '/groups', `/groups/${ids.groups.sadiola}`, '/me', '/admin/users', '/reports', `/groups/${ids.groups.sadiola}/${'x'.repeat(3000)}`, '/login', '/redeem', '/setup', '/no-such-page'];
      for (let i = 0; i < 3; i++) {
        for (const page of pages) {
          // Without cookies, as a script would; and with the cookies the app hands out, as a browser would.
          await request(app).get(page);
          await request.agent(app).get(page).redirects(3);
        }
      }
      const agent = request.agent(app);
      await postForm(agent, '/lang', { lang: 'en', returnTo: '/groups' });
      await postForm(agent, '/logout', {});
      await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: 'wrong-password' });
      expect(await sessionCount()).to.equal(before);
    });

    it('a stranger asking for a page is brought back to it after signing in, with no session before', async () => {
      const app = buildApp();
      const agent = request.agent(app);
      const before = await sessionCount();
      const first = await agent.get(`/groups/${ids.groups.sadiola}/meetings?view=past`);
      expect(first.status).to.equal(303);
      expect(first.headers.location).to.equal('/login');
      expect(sessionCookie(first), 'no session cookie').to.equal(undefined);
      expect(await sessionCount()).to.equal(before);
      const wrong = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: 'wrong-password' });
      expect(wrong.status).to.equal(401);
      const res = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(res.headers.location).to.equal(`/groups/${ids.groups.sadiola}/meetings?view=past`);
      // Used once: the next sign-in on this browser starts from the home page.
      await postForm(agent, '/logout', {}, '/groups');
      const again = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(again.headers.location).to.equal('/');
    });

    it('a page address too long to remember leads to the home page after signing in', async () => {
      const agent = request.agent(buildApp());
      await agent.get(`/groups/${ids.groups.sadiola}?${'q'.repeat(3000)}`);
      const res = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(res.headers.location).to.equal('/');
    });

    it('a return path the app did not write itself is not followed', async () => {
      const app = buildApp();
      for (const forged of ['tremplin.return=%2F%2Fevil.example%2F', 'tremplin.return=s%3A%2F%2Fevil.example%2F.forged']) {
        const page = await request(app).get('/login');
        const csrfCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]).join('; ');
        const res = await request(app).post('/login').set('Cookie', `${csrfCookie}; ${forged}`).type('form')
          .send({ _csrf: csrfFrom(page.text), login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
        expect(res.status, forged).to.equal(303);
        expect(res.headers.location, forged).to.equal('/');
      }
    });
  });

  describe('safeReturnPath', () => {
    it('only lets paths of this site through', () => {
      expect(safeReturnPath('/groups/3?view=past')).to.equal('/groups/3?view=past');
      for (const bad of ['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example/', 'javascript:alert(1)', '', undefined, ['/groups']]) {
        expect(safeReturnPath(bad), JSON.stringify(bad)).to.equal('/');
      }
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
