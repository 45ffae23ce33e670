import { expect } from 'chai';
import request from 'supertest';
import { buildApp, postForm, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';

describe('accounts, managed by the admin of their structure', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('GET /admin/users', () => {
    it('lists every account of the structure with its role, and filters by role', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const all = visibleText((await agent.get('/admin/users')).text);
      expect(all).to.include('Karim Benali').and.include('Françoise Delcroix').and.include('@ines.d');
      const workers = visibleText((await agent.get('/admin/users?role=worker')).text);
      expect(workers).to.include('Karim Benali');
      expect(workers).not.to.include('Françoise Delcroix');
    });

    it('lists no account of another structure, nor the platform\'s', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      const all = visibleText((await agent.get('/admin/users')).text);
      for (const a of [DEMO_ACCOUNTS.elodie, DEMO_ACCOUNTS.directorMjc, DEMO_ACCOUNTS.coordinator, DEMO_ACCOUNTS.platform]) expect(all).not.to.include(a.displayName);
      expect(all).not.to.include('@lucas.v');
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
      const nora = await testDb()('users').where({ email: 'nora@mjc.example' }).first('structure_id');
      expect(nora.structure_id).to.equal(ids.structures['Mission locale du Douaisis']);
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

    it('refuses an unknown role, and the platform\'s roles: a structure admin opens its structure\'s accounts only', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      for (const role of ['superuser', 'coordinator', 'platform_admin']) {
        const res = await postForm(agent, '/admin/users', { role, displayName: 'X', email: `${role}@example.org`, password: 'long-enough-1' }, '/admin/users/new');
        expect(res.status, role).to.equal(422);
      }
    });
  });

  describe('deactivating', () => {
    it('signs the person out everywhere and keeps them out until reactivated', async () => {
      const app = buildApp();
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const res = await postForm(admin, `/admin/users/${ids.users.karim}/deactivate`, {}, '/admin/users');
      expect(res.status).to.equal(303);
      expect(await testDb()('sessions').where({ user_id: ids.users.karim }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
      expect((await karim.get('/groups')).headers.location).to.equal('/login');
      const refused = await postForm(request.agent(app), '/login', { login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
      expect(refused.status).to.equal(401);
      await postForm(admin, `/admin/users/${ids.users.karim}/activate`, {}, '/admin/users');
      await signIn(app, DEMO_ACCOUNTS.karim.email);
    });

    it('answers 404 for an account of another structure, whatever the action', async () => {
      const admin = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
      for (const action of ['deactivate', 'activate']) {
        expect((await postForm(admin, `/admin/users/${ids.users.elodie}/${action}`, {}, '/admin/users')).status, action).to.equal(404);
      }
      const lucas = ids.youthUsers['lucas.v']!;
      expect((await postForm(admin, `/admin/users/${lucas}/code`, {}, '/admin/users')).status).to.equal(404);
      expect((await admin.get(`/admin/users/${lucas}/code`)).status).to.equal(404);
      expect(Boolean((await testDb()('users').where({ id: ids.users.elodie }).first('active')).active)).to.equal(true);
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
