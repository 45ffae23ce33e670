import { expect } from 'chai';
import request from 'supertest';
import { buildApp, postForm, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';

describe('accounts, managed by the admin', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('GET /admin/users', () => {
    it('lists every account with its role, and filters by role', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const all = visibleText((await agent.get('/admin/users')).text);
      expect(all).to.include('Karim Benali').and.include('Françoise Delcroix').and.include('@ines.d');
      const workers = visibleText((await agent.get('/admin/users?role=worker')).text);
      expect(workers).to.include('Karim Benali').and.include('Élodie Martin');
      expect(workers).not.to.include('Françoise Delcroix');
    });
  });

  describe('POST /admin/users', () => {
    it('creates a worker who can then sign in', async () => {
      const app = buildApp();
      const agent = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const res = await postForm(agent, '/admin/users', { role: 'worker', displayName: 'Nora Ait', email: ' Nora@MJC.example ', password: 'long-enough-1' }, '/admin/users/new');
      expect(res.status).to.equal(303);
      const list = await agent.get('/admin/users');
      expect(visibleText(list.text)).to.include('Compte créé.').and.include('nora@mjc.example');
      await signIn(app, 'nora@mjc.example', 'long-enough-1');
    });

    it('refuses an e-mail already in use and keeps everything typed but the password', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const res = await postForm(agent, '/admin/users', { role: 'director', displayName: 'Double', email: DEMO_ACCOUNTS.karim.email, password: 'long-enough-1' }, '/admin/users/new');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cet e-mail est déjà utilisé');
      expect(res.text).to.include('value="Double"').and.include(`value="${DEMO_ACCOUNTS.karim.email}"`);
      expect(res.text).to.match(/value="director"\s+checked/);
      expect(res.text).not.to.include('long-enough-1');
    });

    it('asks for an e-mail and a password for staff, not for a youth', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const staff = await postForm(agent, '/admin/users', { role: 'worker', displayName: 'Sans Mail' }, '/admin/users/new');
      expect(staff.status).to.equal(422);
      expect(visibleText(staff.text)).to.include('À remplir.');
      const youth = await postForm(agent, '/admin/users', { role: 'youth', displayName: 'Jeune Sans Mail' }, '/admin/users/new');
      expect(youth.status).to.equal(303);
    });

    it('refuses an unknown role', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const res = await postForm(agent, '/admin/users', { role: 'superuser', displayName: 'X', email: 'x@example.org', password: 'long-enough-1' }, '/admin/users/new');
      expect(res.status).to.equal(422);
    });
  });

  describe('deactivating', () => {
    it('signs the person out everywhere and keeps them out until reactivated', async () => {
      const app = buildApp();
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const res = await postForm(admin, `/admin/users/${ids.users.elodie}/deactivate`, {}, '/admin/users');
      expect(res.status).to.equal(303);
      expect(await testDb()('sessions').where({ user_id: ids.users.elodie }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
      expect((await elodie.get('/groups')).headers.location).to.equal('/login');
      const refused = await postForm(request.agent(app), '/login', { login: DEMO_ACCOUNTS.elodie.email, password: DEMO_PASSWORD });
      expect(refused.status).to.equal(401);
      await postForm(admin, `/admin/users/${ids.users.elodie}/activate`, {}, '/admin/users');
      await signIn(app, DEMO_ACCOUNTS.elodie.email);
    });

    it('does not let the admin deactivate their own account', async () => {
      const admin = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const res = await postForm(admin, `/admin/users/${ids.users.admin}/deactivate`, {}, '/admin/users');
      expect(res.status).to.equal(403);
    });

    it('answers 404 for an account that does not exist', async () => {
      const admin = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      expect((await postForm(admin, '/admin/users/999999/deactivate', {}, '/admin/users')).status).to.equal(404);
    });
  });
});
