import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf } from '../participants/fixtures.js';

const TODAY = new Date().toISOString().slice(0, 10);

describe('restitution (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let elodie: Agent;
  let bafou: string;
  before(async () => {
    ({ ids, app, elodie } = await appOnDemo('elodie'));
    bafou = `/groups/${ids.groups.bafou}`;
  });

  describe('GET /groups/:id/restitution', () => {
    it('shows the lead the events, their audiences and presenters, and the people reached per youth against the rule of thumb', async () => {
      const res = await elodie.get(`${bafou}/restitution`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Exposition').and.include("MJC d'Halluin, hall d'entrée").and.include('60 personnes (20 jeunes, 40 adultes)');
      expect(text).to.include('Établissement scolaire').and.include('Présenté par : Théo Deschamps, Lucas Vermeersch');
      expect(text).to.include('185 personnes touchées').and.include('37 personnes par jeune parti').and.include('dans le repère');
      expect(text).to.include('sensibilise 30 ou 40 personnes');
      expect(text).to.include('Qui a présenté le projet').and.include('Lucas Vermeersch 2 150');
      expect(text).to.include('Nouvel événement').and.include('Modifier');
    });

    it('shows a youth of the group the events, without the buttons', async () => {
      const lucas = await signIn(app, 'lucas.v');
      const res = await lucas.get(`${bafou}/restitution`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Exposition').and.include('185 personnes touchées');
      expect(text).not.to.include('Nouvel événement');
      expect(res.text).not.to.include('/restitution/new');
    });

    it('puts the summary on the group page, with the follow-ups only for the adults in charge', async () => {
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const lead = visibleText((await karim.get(`/groups/${ids.groups.dispensaire}`)).text);
      expect(lead).to.include('Restitution et après-projet').and.include('295 personnes touchées').and.include('59 personnes par jeune parti').and.include('au-dessus du repère');
      // Sarah's 1-month and Océane's 3-month calls did not reach them: not done, still overdue.
      expect(lead).to.include('Suivis : 29 joint·es sur 35 attendus · 2 essayé·es, pas joint·es · 4 pas essayé·es · 6 en retard · 1 à faire bientôt');
      const lucas = visibleText((await (await signIn(app, 'lucas.v')).get(bafou)).text);
      expect(lucas).to.include('Restitution et après-projet').and.include('185 personnes touchées');
      expect(lucas).not.to.include('Suivis');
      const sadiola = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(sadiola).not.to.include('Restitution et après-projet');
    });
  });

  describe('POST /groups/:id/restitution', () => {
    it('records an event with its audience and presenters, and counts it in the people reached', async () => {
      const lucas = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
      const clara = await enrolmentOf(testDb(), ids.groups.bafou, 'Clara');
      const res = await postForm(elodie, `${bafou}/restitution`, {
        heldOn: TODAY, type: 'radio_press', place: 'Radio Pfm', audienceTotal: '', audienceYouths: '40', audienceAdults: '15',
        presenter: [String(lucas), String(clara)] as unknown as string,
      }, `${bafou}/restitution/new`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${bafou}/restitution`);
      const text = visibleText((await elodie.get(`${bafou}/restitution`)).text);
      expect(text).to.include('Événement enregistré.').and.include('Radio Pfm').and.include('55 personnes (40 jeunes, 15 adultes)');
      expect(text).to.include('240 personnes touchées').and.include('48 personnes par jeune parti').and.include('au-dessus du repère');
    });

    it('refuses a negative audience and a date before the return, keeping what was typed', async () => {
      const res = await postForm(elodie, `${bafou}/restitution`, {
        heldOn: '2001-05-04', type: 'school', place: 'Collège Lamartine', audienceTotal: '-30', notes: 'Très bonnes questions',
      }, `${bafou}/restitution/new`);
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Un nombre entier, 0 ou plus.').and.include('Une restitution a lieu après le retour du groupe.');
      expect(res.text).to.include('value="Collège Lamartine"').and.include('value="-30"').and.include('Très bonnes questions');
      expect(res.text).to.match(/value="school"\s+checked/);
    });

    it('refuses an impossible date and a huge audience', async () => {
      const res = await postForm(elodie, `${bafou}/restitution`, { heldOn: '2025-02-30', type: 'school', audienceTotal: '3000000' }, `${bafou}/restitution/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cette date n’existe pas.').and.include('Plus de 100 000 personnes');
    });

    it('keeps the presenters ticked when the form comes back', async () => {
      const amina = await enrolmentOf(testDb(), ids.groups.bafou, 'Amina');
      const res = await postForm(elodie, `${bafou}/restitution`, { heldOn: TODAY, type: 'school', presenter: String(amina) }, `${bafou}/restitution/new`);
      expect(res.status).to.equal(422);
      expect(res.text).to.match(new RegExp(`value="${amina}"[^>]*checked`));
    });

    it('refuses a youth of another group as presenter', async () => {
      const ines = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
      const res = await postForm(elodie, `${bafou}/restitution`, { heldOn: TODAY, type: 'school', audienceTotal: '10', presenter: String(ines) }, `${bafou}/restitution/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez des jeunes de ce groupe.');
    });
  });

  describe('editing and deleting an event', () => {
    const firstEvent = async () => testDb()('restitution_events').where({ group_id: ids.groups.bafou, type: 'public_meeting' }).first();

    it('shows the form filled in, and saves a change', async () => {
      const e = await firstEvent();
      const page = await elodie.get(`${bafou}/restitution/${e.id}/edit`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`value="${e.held_on}"`).and.include("value=\"Salle des fêtes d'Halluin\"".replace("'", '&#39;'));
      const res = await postForm(elodie, `${bafou}/restitution/${e.id}`, {
        heldOn: e.held_on, type: 'public_meeting', place: 'Salle des fêtes', audienceTotal: '50', audienceYouths: '10', audienceAdults: '25',
      }, `${bafou}/restitution/${e.id}/edit`);
      expect(res.status).to.equal(303);
      expect((await firstEvent())).to.include({ audience_total: 50, place: 'Salle des fêtes' });
    });

    it('deletes an event, which then no longer counts', async () => {
      const e = await firstEvent();
      const res = await postForm(elodie, `${bafou}/restitution/${e.id}/delete`, {}, `${bafou}/restitution/${e.id}/edit`);
      expect(res.status).to.equal(303);
      expect(await testDb()('restitution_events').where({ id: e.id }).first()).to.equal(undefined);
      expect(await testDb()('restitution_presenters').where({ event_id: e.id }).first()).to.equal(undefined);
    });

    it('does not find another group’s event through this group', async () => {
      const other = await testDb()('restitution_events').where({ group_id: ids.groups.dispensaire }).first('id');
      expect((await elodie.get(`${bafou}/restitution/${other.id}/edit`)).status).to.equal(404);
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      expect((await karim.get(`/groups/${ids.groups.sadiola}/restitution/${other.id}/edit`)).status).to.equal(404);
      expect((await karim.get(`/groups/${ids.groups.dispensaire}/restitution/abc/edit`)).status).to.equal(404);
    });
  });
});
