import { expect } from 'chai';
import request from 'supertest';
import { buildApp, postForm, visibleText } from '../support/http.js';
import { countUsers } from '../../src/users/user.js';
import { emptyDatabase, resetToDemo, testDb } from '../support/database.js';

describe('first run: creating the platform\'s admin', () => {
  before(async () => {
    await emptyDatabase(testDb());
  });
  after(async () => {
    await resetToDemo();
  });

  it('sends the first visitor from the sign-in page to the set-up page', async () => {
    const res = await request(buildApp()).get('/login');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/setup');
  });

  it('re-shows the form with the messages and the input kept when it is wrong', async () => {
    const res = await postForm(request.agent(buildApp()), '/setup', { displayName: 'Ana <b>Admin</b>', email: 'pas-un-email', password: 'court' }, '/setup');
    expect(res.status).to.equal(422);
    const text = visibleText(res.text);
    expect(text).to.include('Adresse e-mail non valide.').and.include('Au moins 8 caractères.');
    expect(res.text).to.include('value="Ana &lt;b&gt;Admin&lt;/b&gt;"').and.include('value="pas-un-email"');
    expect(await countUsers(testDb())).to.equal(0);
  });

  it('creates the platform\'s admin (in no structure), signs them in, and is gone afterwards', async () => {
    const app = buildApp();
    const agent = request.agent(app);
    const res = await postForm(agent, '/setup', { displayName: 'Ana Admin', email: 'Ana@Example.org', password: 'un-long-mot-de-passe' }, '/setup');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/platform');
    const page = await agent.get('/platform');
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include('Compte admin créé. Bienvenue !').and.include('Réseaux et structures');
    expect(await testDb()('users').where({ email: 'ana@example.org' }).first('role', 'structure_id', 'network_id')).to.deep.equal({ role: 'platform_admin', structure_id: null, network_id: null });
    expect((await request(app).get('/setup')).status).to.equal(404);
    const again = await postForm(request.agent(app), '/setup', { displayName: 'Intrus', email: 'intrus@example.org', password: 'un-long-mot-de-passe' }, '/login');
    expect(again.status).to.equal(404);
  });
});
