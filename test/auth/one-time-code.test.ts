import { expect } from 'chai';
import request from 'supertest';
import dayjs from 'dayjs';
import { buildApp, csrfToken, postForm, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { refusalOf } from '../support/refusal.js';
import { createAccount, findById } from '../../src/users/user.js';
import { issueCode, redeemCode } from '../../src/auth/one-time-code.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';

describe('one-time codes for youths', () => {
  let adminId: number;
  let structureId: number;
  before(async () => {
    const ids = await resetToDemo();
    adminId = ids.users.admin;
    structureId = ids.structures['Mission locale du Douaisis']!;
  });

  // A youth of the admin's structure: the admin reaches no other structure's accounts.
  const newYouth = async (name: string) => (await createAccount(testDb(), { role: 'youth', displayName: name }, { structureId })).id;

  /** The admin issues a new code through the pages and reads it off the sheet. */
  async function agentSheet(admin: Awaited<ReturnType<typeof signIn>>, userId: number): Promise<string> {
    const issued = await postForm(admin, `/admin/users/${userId}/code`, {}, '/admin/users');
    expect(issued.status).to.equal(303);
    const sheet = await admin.get(issued.headers.location!);
    const code = /class="code"[^>]*>([A-Z0-9-]+)</.exec(sheet.text)?.[1];
    expect(code).to.be.a('string');
    return code!;
  }

  describe('the model', () => {
    it('issues a readable code valid 14 days, stored only as a hash', async () => {
      const id = await newYouth('Aya Test');
      const before = dayjs();
      const issued = await issueCode(testDb(), id, adminId);
      const after = dayjs();
      expect(issued.code).to.match(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
      // Fourteen days from the moment it was issued (the test's clock reads before and after it).
      expect(dayjs(issued.expiresAt).valueOf()).to.be.within(before.add(14, 'day').valueOf(), after.add(14, 'day').valueOf());
      const row = await testDb()('one_time_codes').where({ user_id: id }).first();
      expect(row.code_hash).to.have.length(64);
      expect(JSON.stringify(row)).not.to.include(issued.code.replace('-', ''));
    });

    it('opens the account once: username and password set, the code spent', async () => {
      const id = await newYouth('Bilal Test');
      const { code } = await issueCode(testDb(), id, adminId);
      await redeemCode(testDb(), code.toLowerCase().replace('-', ' '), 'bilal.t', 'mot-de-passe-1');
      const user = await findById(testDb(), id);
      expect(user!.username).to.equal('bilal.t');
      expect(user!.password_hash).to.match(/^scrypt\$/);
      expect(await refusalOf(redeemCode(testDb(), code, 'bilal.t2', 'mot-de-passe-2'))).to.include({ field: 'code', messageKey: 'auth.codeInvalid' });
    });

    it('lets only one of two simultaneous redemptions through', async () => {
      const id = await newYouth('Chaïma Test');
      const { code } = await issueCode(testDb(), id, adminId);
      const results = await Promise.allSettled([
        redeemCode(testDb(), code, 'chaima.a', 'mot-de-passe-1'),
        redeemCode(testDb(), code, 'chaima.b', 'mot-de-passe-2'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    });

    it('refuses an expired code and a code replaced by a newer one', async () => {
      const id = await newYouth('Dina Test');
      const first = await issueCode(testDb(), id, adminId);
      const second = await issueCode(testDb(), id, adminId);
      expect(await refusalOf(redeemCode(testDb(), first.code, 'dina.t', 'mot-de-passe-1')), 'the replaced code').to.include({ field: 'code', messageKey: 'auth.codeInvalid' });
      await testDb()('one_time_codes').where({ user_id: id }).update({ expires_at: dayjs().subtract(1, 'minute').toISOString() });
      expect(await refusalOf(redeemCode(testDb(), second.code, 'dina.t', 'mot-de-passe-1')), 'the expired code').to.include({ field: 'code', messageKey: 'auth.codeInvalid' });
    });
  });

  describe('GET and POST /redeem', () => {
    it('shows nobody\'s name for a code until a username and password are chosen with it, then greets the youth', async () => {
      const id = await newYouth('Élise Test');
      const { code } = await issueCode(testDb(), id, adminId);
      const app = buildApp();
      const agent = request.agent(app);
      const form = await agent.get(`/redeem?code=${encodeURIComponent(code)}`);
      expect(form.status).to.equal(200);
      expect(visibleText(form.text)).not.to.include('Élise').and.not.to.include('Test');
      expect(visibleText(form.text)).to.include('Ton code est bon');
      // The code came with the link: the form carries it, hidden, so it need not stay in the address bar.
      expect(form.text).to.match(new RegExp(`<input type="hidden" name="code" value="${code}">`));
      const res = await postForm(agent, '/redeem', { code, username: 'Elise.T', password: 'un-mot-de-passe', passwordConfirm: 'un-mot-de-passe' });
      expect(res.status).to.equal(303);
      const home = await agent.get(res.headers.location!).redirects(3);
      expect(visibleText(home.text)).to.include('Bonjour Élise Test ! Ton compte est prêt.');
      const again = await signIn(app, 'elise.t', 'un-mot-de-passe');
      // A youth's home is their journey, which says so while they are in no group yet.
      expect((await again.get('/')).headers.location).to.equal('/me');
    });

    it('takes the code out of the address bar at once and out of every link of the page', async () => {
      const id = await newYouth('Kenza Test');
      const { code } = await issueCode(testDb(), id, adminId);
      const app = buildApp();
      const page = await request(app).get(`/redeem?code=${encodeURIComponent(code)}`);
      // The one place the code stays is the hidden field of the form, posted to /redeem.
      expect(page.text.split(code).length - 1, 'times the code is in the page').to.equal(1);
      expect(page.text).to.include('<form method="post" action="/redeem"');
      expect(page.text).to.include('name="returnTo" value="/redeem"');
      // CSP allows no inline script: the one that cleans the address bar is served from /assets.
      const src = /<script src="(\/assets\/redeem\.js)"><\/script>/.exec(page.text)?.[1];
      expect(src, 'the script that cleans the address bar').to.be.a('string');
      const script = await request(app).get(src!);
      expect(script.status).to.equal(200);
      expect(script.text).to.include('history.replaceState');
    });

    it('keeps what was typed and explains each problem', async () => {
      const id = await newYouth('Farah Test');
      const { code } = await issueCode(testDb(), id, adminId);
      const agent = request.agent(buildApp());
      const res = await postForm(agent, '/redeem', { code, username: 'fa', password: 'court', passwordConfirm: 'autre' });
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Au moins 3 caractères.').and.include('Au moins 8 caractères.');
      expect(res.text).to.include(`value="${code}"`).and.include('value="fa"');
      // The code was not spent by a failed attempt.
      const ok = await postForm(agent, '/redeem', { code, username: 'farah.t', password: 'un-mot-de-passe', passwordConfirm: 'un-mot-de-passe' });
      expect(ok.status).to.equal(303);
    });

    it('says a used code does not work any more', async () => {
      const id = await newYouth('Gaël Test');
      const { code } = await issueCode(testDb(), id, adminId);
      await redeemCode(testDb(), code, 'gael.t', 'un-mot-de-passe');
      const res = await postForm(request.agent(buildApp()), '/redeem', { code, username: 'gael.t2', password: 'un-mot-de-passe', passwordConfirm: 'un-mot-de-passe' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Ce code ne marche pas');
    });

    it('refuses a username someone already has, without spending the code', async () => {
      const id = await newYouth('Hugo Test');
      const { code } = await issueCode(testDb(), id, adminId);
      const agent = request.agent(buildApp());
      const res = await postForm(agent, '/redeem', { code, username: 'ines.d', password: 'un-mot-de-passe', passwordConfirm: 'un-mot-de-passe' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cet identifiant est déjà pris');
      const row = await testDb()('one_time_codes').where({ user_id: id }).first();
      expect(row.used_at).to.equal(null);
    });

    it('a phone signed in with the old password reads nothing once a new code is redeemed', async () => {
      const id = await newYouth('Jade Test');
      await redeemCode(testDb(), (await issueCode(testDb(), id, adminId)).code, 'jade.t', 'ancien-mot-de-passe');
      const app = buildApp();
      const lostPhone = await signIn(app, 'jade.t', 'ancien-mot-de-passe');
      expect((await lostPhone.get('/me')).status).to.equal(200);
      // The youth lost the phone: the admin hands out a new code and the youth redeems it on another one.
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const sheet = await agentSheet(admin, id);
      const newPhone = request.agent(app);
      const res = await postForm(newPhone, '/redeem', { code: sheet, username: 'jade.t', password: 'nouveau-mot-de-passe', passwordConfirm: 'nouveau-mot-de-passe' });
      expect(res.status).to.equal(303);
      const old = await lostPhone.get('/me');
      expect(old.status, 'the old session').to.equal(303);
      expect(old.headers.location).to.equal('/login');
      expect((await newPhone.get('/me')).status, 'the session that redeemed the code').to.equal(200);
      expect((await admin.get('/admin/users')).status, 'other accounts keep their sessions').to.equal(200);
    });

    describe('guessing codes', () => {
      // The counts outlive an app instance: each test starts from none and leaves none to the next.
      const forgetAll = async () => {
        await testDb()('failed_attempts').del();
      };
      beforeEach(forgetAll);
      afterEach(forgetAll);

      const postCode = async (agent: request.Agent, code: string) => {
        const token = await csrfToken(agent, '/redeem');
        return agent.post('/redeem').type('form').send({ _csrf: token, code, username: 'guess.er', password: 'un-mot-de-passe', passwordConfirm: 'un-mot-de-passe' });
      };

      it('limits attempts at guessing codes', async () => {
        const agent = request.agent(buildApp({ SIGNIN_MAX_FAILURES: '2' }));
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await postCode(agent, 'ABCD-EFGH')).status);
        expect(statuses).to.deep.equal([422, 422, 429]);
      });

      it('slows down someone trying codes in the address bar just as much as one posting the form', async () => {
        const id = await newYouth('Lina Test');
        const { code } = await issueCode(testDb(), id, adminId);
        const app = buildApp({ SIGNIN_MAX_FAILURES: '3' });
        const agent = request.agent(app);
        const first = await agent.get('/redeem?code=ABCD-EFGH');
        expect(first.status).to.equal(200);
        expect(visibleText(first.text)).to.include('Ce code ne marche pas');
        expect((await postCode(agent, 'ABCD-EFGJ')).status).to.equal(422);
        expect((await agent.get('/redeem?code=ABCD-EFGK')).status).to.equal(200);
        // Three wrong codes, by either way: the next try waits, whichever way it comes, even with a good code.
        const blocked = await agent.get(`/redeem?code=${encodeURIComponent(code)}`);
        expect(blocked.status).to.equal(429);
        expect(visibleText(blocked.text)).to.include('Trop d’essais');
        expect(blocked.text).not.to.include(code);
        expect((await postCode(agent, code)).status).to.equal(429);
        // Another instance counts the same tries.
        expect((await request(buildApp({ SIGNIN_MAX_FAILURES: '3' })).get('/redeem?code=ABCD-EFGL')).status).to.equal(429);
      });

      it('does not count a good code opened from its link as a guess', async () => {
        const app = buildApp({ SIGNIN_MAX_FAILURES: '2' });
        for (const name of ['Maya Test', 'Nina Test', 'Oscar Test']) {
          const { code } = await issueCode(testDb(), await newYouth(name), adminId);
          expect((await request(app).get(`/redeem?code=${encodeURIComponent(code)}`)).status, name).to.equal(200);
        }
        expect((await request(app).get('/redeem?code=ABCD-EFGH')).status).to.equal(200);
      });
    });
  });

  describe('the admin hands out codes', () => {
    it('shows a new youth account\'s code once, with its QR code, then hides it', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const res = await postForm(agent, '/admin/users', { role: 'youth', displayName: 'Ilona Test' }, '/admin/users/new');
      expect(res.status).to.equal(303);
      const sheet = await agent.get(res.headers.location!);
      expect(sheet.status).to.equal(200);
      const code = /class="code"[^>]*>([A-Z0-9-]+)</.exec(sheet.text)?.[1];
      expect(code).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
      expect(sheet.text).to.include('<svg').and.include(`/redeem?code=${code}`);
      const again = await agent.get(res.headers.location!);
      expect(again.text).not.to.include(code!);
      expect(visibleText(again.text)).to.include('n’est affiché qu’une fois');
    });

    it('refuses a code for a staff account', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const director = await testDb()('users').where({ email: DEMO_ACCOUNTS.director.email }).first();
      const res = await postForm(agent, `/admin/users/${director.id}/code`, {}, '/admin/users');
      expect(res.status).to.equal(403);
    });
  });
});
