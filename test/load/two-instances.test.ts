import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp, csrfFrom, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { DEMO_LOGINS } from '../support/accounts.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';

/**
 * Two app instances on one database, as `npm run bench:http -- --postgres` runs them: a page read on one
 * instance and its form sent to the other, which is what a load balancer does to a person. Sessions shared
 * (sign-in, sign-out, deactivation, another secret) are tested in test/reliability/two-instances.test.ts;
 * this is about the CSRF token, bound to the shared session, being good on both.
 */

/** The cookies a response sets, as a browser would send them back. */
function cookiesOf(res: request.Response, jar: Map<string, string>): string {
  for (const header of ([] as string[]).concat(res.headers['set-cookie'] ?? [])) {
    const [pair] = header.split(';');
    const eq = pair!.indexOf('=');
    jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

describe('two app instances sharing the database: forms', () => {
  let one: Express;
  let two: Express;

  before(async () => {
    await resetToDemo();
    one = buildApp();
    two = buildApp();
  });

  it('takes on the second instance a form whose page (and token) came from the first', async () => {
    const jar = new Map<string, string>();
    const login = await request(one).get('/login');
    let cookie = cookiesOf(login, jar);
    const signedIn = await request(two).post('/login').set('Cookie', cookie).type('form')
      .send({ _csrf: csrfFrom(login.text), login: DEMO_ACCOUNTS.karim.email, password: DEMO_PASSWORD });
    expect(signedIn.status, 'the sign-in form itself, read on one, sent to the other').to.equal(303);
    cookie = cookiesOf(signedIn, jar);

    const page = await request(one).get(`/groups/new`).set('Cookie', cookie);
    cookie = cookiesOf(page, jar);
    const created = await request(two).post('/groups').set('Cookie', cookie).type('form').send({
      _csrf: csrfFrom(page.text), submissionToken: /name="submissionToken" value="([^"]+)"/.exec(page.text)![1]!,
      name: 'Groupe à deux instances', destinationCountry: 'SN', departureDate: '2027-05-01', returnDate: '2027-05-20', minAttendancePct: '60',
    });
    expect(created.status, visibleText(created.text).slice(0, 300)).to.equal(303);
    const shown = await request(one).get(created.headers.location).set('Cookie', cookiesOf(created, jar));
    expect(visibleText(shown.text)).to.include('Groupe à deux instances');
  });
});

describe('two app instances sharing the database: the dashboard', () => {
  // The dashboard's figures are cached per instance on the data version (src/reports/cached-figures.ts).
  const enrolledOn = async (director: Agent) => {
    const res = await director.get('/reports');
    expect(res.status).to.equal(200);
    return Number(/(\d+) Inscrits/.exec(visibleText(res.text))![1]);
  };

  it('shows on one instance, at once, a youth enrolled through the other: on the dashboard and on the group page', async () => {
    const ids = await resetToDemo();
    const one = buildApp();
    const two = buildApp();
    const director = await signIn(one, DEMO_LOGINS.director);
    const karimOnOne = await signIn(one, DEMO_LOGINS.karim);
    const karim = await signIn(two, DEMO_LOGINS.karim);
    const sadiola = `/groups/${ids.groups.sadiola}`;
    const before = await enrolledOn(director);
    // Read twice, so that the second answer came from the cache.
    expect(await enrolledOn(director)).to.equal(before);
    for (let i = 0; i < 2; i++) expect(visibleText((await karimOnOne.get(sadiola)).text)).not.to.include('Aïssata');

    const enrolled = await postForm(karim, `${sadiola}/youths`, { firstName: 'Aïssata', lastName: 'Camara', birthDate: '2006-01-20', situation: 'school' }, `${sadiola}/youths/new`);
    expect(enrolled.status).to.equal(303);
    expect(await enrolledOn(director)).to.equal(before + 1);
    expect(visibleText((await karimOnOne.get(sadiola)).text)).to.include('Aïssata');
  });

  it('shows on one instance, at once, a register taken through the other', async () => {
    const ids = await resetToDemo();
    const karimOnOne = await signIn(buildApp(), DEMO_LOGINS.karim);
    const karim = await signIn(buildApp(), DEMO_LOGINS.karim);
    const meeting = (await testDb()('meetings').where({ group_id: ids.groups.sadiola }).whereNotNull('register_taken_at').orderBy('id').first('id'))!;
    const page = `/groups/${ids.groups.sadiola}/meetings/${meeting.id}`;
    const lines = async () => [...(await karimOnOne.get(page)).text.matchAll(/name="status-(\d+)" value="(\w+)" checked/g)].map((m) => [m[1]!, m[2]!]);
    // Read twice, so that the second answer came from the cache.
    const before = await lines();
    expect(before.length).to.be.above(1);
    expect(await lines()).to.deep.equal(before);
    const [first] = before[0]!;
    const fields = Object.fromEntries(before.map(([id, status]) => [`status-${id}`, id === first ? (status === 'absent' ? 'present' : 'absent') : status]));
    expect((await postForm(karim, `${page}/register`, fields, page)).status).to.equal(303);
    expect(await lines()).to.deep.equal(before.map(([id, status]) => [id, id === first ? (status === 'absent' ? 'present' : 'absent') : status]));
  });
});
