import { expect } from 'chai';
import request from 'supertest';
import { buildApp, csrfToken, postForm, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { ADDRESS_CEILING_FACTOR } from '../../src/auth/auth.routes.js';

const sessionCookie = (res: request.Response): string | undefined =>
  ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('tremplin.sid='))?.split(';')[0];

describe('signing in and out', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('GET /login', () => {
    it('shows the sign-in form in French by default', async () => {
      const res = await request(buildApp()).get('/login');
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('Se connecter').and.include('E-mail ou identifiant');
    });

    it('does not store a session for an anonymous visitor', async () => {
      const before = await testDb()('sessions').count<{ n: number }[]>({ n: '*' });
      await request(buildApp()).get('/login');
      const after = await testDb()('sessions').count<{ n: number }[]>({ n: '*' });
      expect(Number(after[0]!.n)).to.equal(Number(before[0]!.n));
    });
  });

  describe('POST /login', () => {
    it('refuses a wrong password, says so and keeps the e-mail typed', async () => {
      const agent = request.agent(buildApp());
      const token = await csrfToken(agent);
      const res = await agent.post('/login').type('form').send({ _csrf: token, login: DEMO_ACCOUNTS.karim.email, password: 'nope-nope' });
      expect(res.status).to.equal(401);
      expect(visibleText(res.text)).to.include('E-mail, identifiant ou mot de passe incorrect.');
      expect(res.text).to.include(`value="${DEMO_ACCOUNTS.karim.email}"`);
      expect(res.text).not.to.include('nope-nope');
    });

    it('asks for both fields when they are empty', async () => {
      const agent = request.agent(buildApp());
      const res = await postForm(agent, '/login', { login: '', password: '' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('À remplir.');
    });

    it('signs a worker in, with a session id that was not the one before sign-in', async () => {
      const app = buildApp();
      const agent = request.agent(app);
      const token = await csrfToken(agent);
      // A first failed attempt creates no session; fixate one by hand the way an attacker would try to.
      const res = await agent
        .post('/login')
        .set('Cookie', 'tremplin.sid=s%3Aattacker-chosen.invalid')
        .type('form')
        .send({ _csrf: token, login: DEMO_ACCOUNTS.karim.email.toUpperCase(), password: DEMO_PASSWORD });
      expect(res.status).to.equal(303);
      const cookie = sessionCookie(res);
      expect(cookie).to.match(/^tremplin\.sid=s%3A/);
      expect(cookie).not.to.include('attacker-chosen');
      const groups = await agent.get('/groups');
      expect(groups.status).to.equal(200);
      expect(visibleText(groups.text)).to.include('Rencontre des jeunes de Sadiola');
    });

    it('signs a youth in with their username', async () => {
      const agent = await signIn(buildApp(), 'ines.d');
      const res = await agent.get('/groups');
      expect(visibleText(res.text)).to.include('Rencontre des jeunes de Sadiola');
      expect(visibleText(res.text)).not.to.include('Échange avec la MJC de Bafou');
    });

    it('rejects a deactivated account with the same message as a wrong password', async () => {
      await testDb()('users').where({ id: ids.users.elodie }).update({ active: false });
      try {
        const res = await postForm(request.agent(buildApp()), '/login', { login: DEMO_ACCOUNTS.elodie.email, password: DEMO_PASSWORD });
        expect(res.status).to.equal(401);
      } finally {
        await testDb()('users').where({ id: ids.users.elodie }).update({ active: true });
      }
    });

    it('brings the user back to the page they first asked for', async () => {
      const agent = request.agent(buildApp());
      const first = await agent.get(`/groups/${ids.groups.sadiola}`);
      expect(first.status).to.equal(303);
      expect(first.headers.location).to.equal('/login');
      const res = await postForm(agent, '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(res.headers.location).to.equal(`/groups/${ids.groups.sadiola}`);
    });
  });

  describe('limits on failed sign-ins, counted in the database', () => {
    // The counts outlive an app instance: each test starts from none and leaves none to the next.
    const forgetAll = async () => {
      await testDb()('failed_attempts').del();
    };
    beforeEach(forgetAll);
    afterEach(forgetAll);

    /** Moves every recorded failure back in time, as if `ms` had gone by. */
    async function letTimePass(ms: number): Promise<void> {
      await testDb()('failed_attempts').update({
        next_try_at: testDb().raw('next_try_at - ?', [ms]),
        expires_at: testDb().raw('expires_at - ?', [ms]),
      });
    }

    const tryPassword = (agent: request.Agent, login: string, password: string) => postForm(agent, '/login', { login, password });

    it('limits failed attempts and says how long to wait', async () => {
      const agent = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await tryPassword(agent, 'someone@tremplin.test', 'wrong-password');
        statuses.push(res.status);
        if (res.status === 429) {
          expect(visibleText(res.text)).to.include('Trop d’essais. Attends 15 secondes puis réessaie.');
          expect(res.headers['retry-after']).to.equal('15');
          expect(res.text).to.include('value="someone@tremplin.test"');
        }
      }
      expect(statuses).to.deep.equal([401, 401, 401, 429]);
    });

    it('lets the owner in with the right password once the wait is over, however many wrong tries came before', async () => {
      const agent = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      for (let i = 0; i < 3; i++) expect((await tryPassword(agent, DEMO_ACCOUNTS.karim.email, 'wrong-password')).status).to.equal(401);
      const waits: string[] = [];
      let waitMs = 15_000;
      for (let i = 0; i < 8; i++) {
        const refused = await tryPassword(agent, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
        expect(refused.status, 'the right password, during the wait').to.equal(429);
        waits.push(/Attends (.+?) puis/.exec(visibleText(refused.text))?.[1] ?? '');
        await letTimePass(waitMs);
        expect((await tryPassword(agent, DEMO_ACCOUNTS.karim.email, 'wrong-password')).status, 'a wrong one after it').to.equal(401);
        waitMs = Math.min(2 * waitMs, 15 * 60_000);
      }
      // Each failure after the third doubles the wait, which stops at 15 minutes: never a wall.
      expect(waits).to.deep.equal(['15 secondes', '30 secondes', '1 minute', '2 minutes', '4 minutes', '8 minutes', '15 minutes', '15 minutes']);
      await letTimePass(waitMs);
      const res = await tryPassword(agent, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
      expect(res.status).to.equal(303);
      // Signed in, the count starts again: a later typo is a typo.
      const later = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      expect((await tryPassword(later, DEMO_ACCOUNTS.karim.email, 'wrong-password')).status).to.equal(401);
    });

    it('does not lengthen the wait for tries made during it', async () => {
      const agent = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      for (let i = 0; i < 3; i++) await tryPassword(agent, DEMO_ACCOUNTS.karim.email, 'wrong-password');
      for (let i = 0; i < 5; i++) {
        const res = await tryPassword(agent, DEMO_ACCOUNTS.karim.email, i % 2 ? DEMO_PASSWORD : 'wrong-password');
        expect(res.status).to.equal(429);
        expect(visibleText(res.text)).to.include('Attends 15 secondes');
      }
      await letTimePass(15_000);
      expect((await tryPassword(agent, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD)).status).to.equal(303);
    });

    it('counts failures on one instance against tries on another', async () => {
      const one = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      const two = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '3' }));
      for (let i = 0; i < 3; i++) expect((await tryPassword(one, DEMO_ACCOUNTS.karim.email, 'wrong-password')).status).to.equal(401);
      expect((await tryPassword(two, DEMO_ACCOUNTS.karim.email, 'wrong-password')).status).to.equal(429);
    });

    it('gives wrong passwords sent all at once no more tries than sent one after the other', async () => {
      const app = buildApp({ SIGNIN_MAX_FAILURES: '3' });
      const agent = request.agent(app);
      const token = await csrfToken(agent);
      const statuses = await Promise.all(Array.from({ length: 8 }, () =>
        agent.post('/login').type('form').send({ _csrf: token, login: DEMO_ACCOUNTS.karim.email, password: 'wrong-password' }).then((r) => r.status)));
      expect(statuses.filter((s) => s === 401), statuses.join(' ')).to.have.length(3);
      expect(statuses.filter((s) => s === 429), statuses.join(' ')).to.have.length(5);
    });

    it('also limits one address trying a few passwords on each of many accounts', async () => {
      const agent = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '2' }));
      const statuses: number[] = [];
      // Two tries per account stay under the per-account limit; once the address has failed ten times, it waits.
      for (let i = 0; i < 2 * ADDRESS_CEILING_FACTOR + 1; i++) {
        const res = await tryPassword(agent, `someone${Math.floor(i / 2)}@tremplin.test`, 'wrong-password');
        statuses.push(res.status);
      }
      expect(statuses.slice(0, 2 * ADDRESS_CEILING_FACTOR).every((s) => s === 401), statuses.join(' ')).to.equal(true);
      expect(statuses.at(-1)).to.equal(429);
      const karim = await tryPassword(agent, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
      expect(karim.status, 'even the right password waits').to.equal(429);
      expect(visibleText(karim.text)).to.include('Attends 15 minutes');
    });
  });

  describe('POST /logout', () => {
    it('ends the session on the server: the old cookie no longer opens anything', async () => {
      const app = buildApp();
      const agent = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const page = await agent.get('/groups');
      expect(page.status).to.equal(200);
      const stolen = (await agent.jar.getCookie('tremplin.sid', { domain: '127.0.0.1', path: '/', script: false, secure: false }))?.toValueString();
      const res = await postForm(agent, '/logout', {}, '/groups');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/login');
      const replay = await request(app).get('/groups').set('Cookie', stolen!);
      expect(replay.status).to.equal(303);
      expect(replay.headers.location).to.equal('/login');
    });
  });

  describe('a deactivated account', () => {
    it('is signed out at its next request', async () => {
      const app = buildApp();
      const agent = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      expect((await agent.get('/groups')).status).to.equal(200);
      await testDb()('users').where({ id: ids.users.elodie }).update({ active: false });
      try {
        const res = await agent.get('/groups');
        expect(res.status).to.equal(303);
        expect(res.headers.location).to.equal('/login');
      } finally {
        await testDb()('users').where({ id: ids.users.elodie }).update({ active: true });
      }
    });
  });
});
