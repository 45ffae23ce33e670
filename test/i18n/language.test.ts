import { expect } from 'chai';
import request from 'supertest';
import { buildApp, csrfToken, signIn, postForm, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { catalog } from '../../src/concepts.js';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) => (v && typeof v === 'object' ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`]));
}

describe('French first, English second', () => {
  before(async () => {
    await resetToDemo();
  });

  it('has every French message in English too', () => {
    expect(keys(catalog.en).sort()).to.deep.equal(keys(catalog.fr).sort());
  });

  it('switches the sign-in page to English and back', async () => {
    const agent = request.agent(buildApp());
    const token = await csrfToken(agent);
    const res = await agent.post('/lang').type('form').send({ _csrf: token, lang: 'en', returnTo: '/login' });
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/login');
    const page = await agent.get('/login');
    expect(page.text).to.include('<html lang="en">');
    expect(visibleText(page.text)).to.include('E-mail or username').and.include('Français');
  });

  it('does not redirect to another site after switching', async () => {
    const agent = request.agent(buildApp());
    const res = await postForm(agent, '/lang', { lang: 'en', returnTo: '//evil.example/' });
    expect(res.headers.location).to.equal('/');
  });

  it('remembers a signed-in user\'s choice on their account, and writes dates in that language', async () => {
    const app = buildApp();
    const agent = await signIn(app, DEMO_ACCOUNTS.director.email);
    await postForm(agent, '/lang', { lang: 'en', returnTo: '/groups' }, '/groups');
    const user = await testDb()('users').where({ email: DEMO_ACCOUNTS.director.email }).first();
    expect(user.locale).to.equal('en');
    // A new device without the cookie still gets English from the account.
    const other = await signIn(app, DEMO_ACCOUNTS.director.email);
    const page = visibleText((await other.get('/groups')).text);
    expect(page).to.include('Groups').and.include('Mali');
    expect(page).to.match(/[A-Z][a-z]{2} \d{1,2}, \d{4}/);
    await postForm(agent, '/lang', { lang: 'fr', returnTo: '/groups' }, '/groups');
    const french = visibleText((await agent.get('/groups')).text);
    expect(french).to.match(/\d{1,2} [a-zéû]+\.? \d{4}/);
  });
});
