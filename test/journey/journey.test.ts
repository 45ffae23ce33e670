import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount, setCredentials } from '../../src/users/user.js';
import { assessedGroup, formFor, YOUTH_PASSWORD } from '../assessments/fixtures.js';

describe('GET /me: a youth’s own journey', () => {
  let ids: DemoIds;
  let app: Express;
  let ines: Agent;
  before(async () => ({ ids, app, ines } = await appOnDemo('ines')));

  it('is where a youth lands: GET / brings them here', async () => {
    const res = await ines.get('/');
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal('/me');
  });

  it('shows where the group is, the next sessions and how often the youth came, in plain words', async () => {
    const res = await ines.get('/me');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.include('Mon parcours').and.include('Rencontre des jeunes de Sadiola').and.include('Sadiola, Mali');
    expect(text).to.include('Mon groupe en est à : Préparation');
    expect(res.text).to.include('aria-current="step"');
    expect(text).to.include('Mes séances').and.include('Tu étais là à 6 séances sur 6.');
    expect(text).to.include('Tourner la vidéo « avant »');
    // The header leads back here.
    expect(res.text).to.match(/<a href="\/me" aria-current="page">/);
  });

  it('shows the youth’s before (filled, can still be changed) and when the after opens', async () => {
    const text = visibleText((await ines.get('/me')).text);
    expect(text).to.include('Mon avant / après').and.include('Avant le départ').and.include('Changer mes réponses');
    expect(text).to.include('Après le retour').and.include('Ce questionnaire s’ouvre au retour.');
    expect(text).to.include('Parler une autre langue');
    expect(text).not.to.include('En progrès');
  });

  it('shows a youth back home their before and after side by side, with the changes in words', async () => {
    const lucas = await signIn(app, 'lucas.v');
    const res = await lucas.get('/me');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.include('Échange avec la MJC de Bafou').and.include('Restitution');
    expect(text).to.match(/\d+ en progrès/).and.match(/\d+ pareil/);
    expect(text).to.include('Avant').and.include('Après').and.include('Écrit après, le');
    expect(text).not.to.include('Inès');
  });

  it('lists the papers the youth still has to bring, with their deadlines, while the group prepares', async () => {
    const text = visibleText((await ines.get('/me')).text);
    expect(text).to.include('Mes papiers à apporter').and.include('Passeport').and.include('Voir mes papiers');
    const lucas = visibleText((await (await signIn(app, 'lucas.v')).get('/me')).text);
    expect(lucas, 'papers no longer matter once back').not.to.include('Mes papiers à apporter');
  });

  it('shows what the youth uploaded, and the way to add a video and to their before/after', async () => {
    const res = await ines.get('/me');
    const text = visibleText(res.text);
    expect(text).to.include('Mes vidéos et photos').and.include('Ce que j’imagine du Mali');
    // A page of the group she appears in but did not write is the group's, not hers.
    expect(text).not.to.include('Séance interculturelle : nos clichés');
    expect(res.text).to.include(`href="/groups/${ids.groups.sadiola}/media/new"`);
    expect(res.text).to.match(new RegExp(`href="/groups/${ids.groups.sadiola}/youths/\\d+/before-after"`));
  });

  it('shows the restitutions the youth presented, and says what comes later to one who has not left yet', async () => {
    expect(visibleText((await ines.get('/me')).text)).to.include('Au retour, tu présenteras le projet autour de toi');
    const text = visibleText((await (await signIn(app, 'lucas.v')).get('/me')).text);
    expect(text).to.include('Mes restitutions').and.match(/Tu as présenté le projet \d+ fois, devant \d+ personnes\./);
    expect(text).to.include('Exposition').and.include('Établissement scolaire');
  });

  it('reads in English too, with no message left untranslated', async () => {
    const lucas = await signIn(app, 'lucas.v');
    await postForm(lucas, '/lang', { lang: 'en', returnTo: '/me' }, '/me');
    const text = visibleText((await lucas.get('/me')).text);
    expect(text).to.include('My journey').and.include('My sessions').and.include('My before / after').and.include('Going up');
    expect(text).not.to.match(/\b(journey|assessments|documents|media|restitution)\.[a-z]/);
    const form = visibleText((await lucas.get(`/groups/${ids.groups.bafou}/assessments/after`)).text);
    expect(form).to.include('Me, back home').and.include('Speaking another language').and.include('Very well');
    await postForm(lucas, '/lang', { lang: 'fr', returnTo: '/me' }, '/me');
  });

  it('is only for youths; anonymous visitors sign in first', async () => {
    expect((await (await signIn(app, DEMO_ACCOUNTS.karim.email)).get('/me')).status).to.equal(403);
    expect((await (await signIn(app, DEMO_ACCOUNTS.director.email)).get('/me')).status).to.equal(403);
    expect((await request(app).get('/me')).status).to.equal(303);
  });

  it('shows another of the youth’s groups on request, and no one else’s group', async () => {
    expect((await ines.get(`/me?group=${ids.groups.bafou}`)).status).to.equal(404);
    expect((await ines.get('/me?group=abc')).status).to.equal(404);
    // Inès joins a second, newer group: it becomes her journey, and Sadiola stays one tap away.
    const g = await assessedGroup(ids, []);
    await testDb()('groups').where({ id: g.groupId }).update({ departure_date: '2099-01-01' });
    const youth = await testDb()('youths').where({ user_id: ids.youthUsers['ines.d'] }).first('id');
    // Straight in: the peer-leader path, the only one that enrols a youth a second time, takes only youths back from a trip.
    await testDb()('enrolments').insert({ group_id: g.groupId, youth_id: youth.id, enrolled_on: '2026-01-10', created_at: new Date().toISOString() });
    const now = await ines.get('/me');
    expect(visibleText(now.text)).to.include('Mes autres groupes').and.include('Rencontre des jeunes de Sadiola');
    expect(now.text).to.include(`href="/me?group=${ids.groups.sadiola}"`);
    const sadiola = await ines.get(`/me?group=${ids.groups.sadiola}`);
    expect(sadiola.status).to.equal(200);
    expect(visibleText(sadiola.text)).to.include('Tu étais là à 6 séances sur 6.');
    // Saving Sadiola's "before" brings her back to Sadiola's journey, not the newer group's.
    const saved = await postForm(ines, `/groups/${ids.groups.sadiola}/assessments/before`, await formFor([3]), '/me');
    expect(saved.headers.location).to.equal(`/me?group=${ids.groups.sadiola}#my-assessments`);
    await testDb()('enrolments').where({ group_id: g.groupId }).del();
  });

  it('tells a youth in no group yet that their worker will enrol them', async () => {
    const account = await createAccount(testDb(), { role: 'youth', displayName: 'Sans Groupe' });
    await setCredentials(testDb(), account.id, 'sans.groupe', YOUTH_PASSWORD);
    const alone = await signIn(app, 'sans.groupe', YOUTH_PASSWORD);
    const res = await alone.get('/me');
    expect(res.status).to.equal(200);
    expect(visibleText(res.text)).to.include('Tu n’es dans aucun groupe pour l’instant.');
  });
});
