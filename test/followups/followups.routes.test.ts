import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { computeDashboard } from '../../src/reports/dashboard.js';

const TODAY = new Date().toISOString().slice(0, 10);
const YESTERDAY = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);

describe('after-project follow-ups (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let dispensaire: string;
  const followUpOf = async (firstName: string, months: number) =>
    testDb()('follow_ups').where({ enrolment_id: await enrolmentOf(testDb(), ids.groups.dispensaire, firstName), milestone_months: months }).first();

  before(async () => {
    ({ ids, app, karim } = await appOnDemo('karim'));
    dispensaire = `/groups/${ids.groups.dispensaire}`;
  });

  describe('the worker’s home page', () => {
    it('lists the follow-ups overdue or due within 14 days, the first two and the way to them all', async () => {
      const text = visibleText((await karim.get('/')).text);
      expect(text).to.include('Suivis à faire (7)');
      const card = text.slice(text.indexOf('Suivis à faire'));
      expect(card).to.include('Sarah Benoît en retard').and.include('Suivi à 12 mois').and.include('Voir les 7').and.not.include('Dylan Lemaire');
      const all = visibleText((await karim.get('/?all=followups')).text);
      const whole = all.slice(all.indexOf('Suivis à faire'));
      expect(whole).to.include('Dylan Lemaire').and.not.include('Voir les 7');
      expect(whole.indexOf('Sarah')).to.be.lessThan(whole.indexOf('Dylan'));
    });

    it('shows nothing to the worker of other groups', async () => {
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      expect(visibleText((await elodie.get('/')).text)).to.include('Suivis à faire (0)').and.include('Aucun suivi à faire pour l’instant.');
    });
  });

  describe('GET /groups/:id/followups', () => {
    it('shows the round due now first, what is overdue or due on top, and folds the other rounds with their count', async () => {
      const res = await karim.get(`${dispensaire}/followups`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      // Sarah's 1-month call and Océane's 3-month one did not reach them: they are not done.
      expect(text).to.include('Suivis après-projet').and.include('29 joint·es sur 35 attendus · 2 essayé·es, pas joint·es · 4 pas essayé·es');
      expect(text).to.include('À 12 mois à faire maintenant 4 joint·es sur 8 · 4 pas essayé·es');
      expect(text.indexOf('À 12 mois')).to.be.lessThan(text.indexOf('À 3 mois 1 en retard 8 joint·es sur 9 · 1 essayé·e, pas joint·e'));
      expect(text.indexOf('À 3 mois 1 en retard')).to.be.lessThan(text.indexOf('À 1 mois 1 en retard'));
      expect(text).to.include('À 6 mois 9 joint·es sur 9');
      expect(text).to.match(/Océane Petit en retard prévu le [^·]+ · essayé le [^,]+, pas joint·e a quitté le projet, garde le contact Réessayer/);
      expect(text).to.include('A créé une association').and.include('En formation').and.include('En emploi (CDD)');
      expect(text).to.include('a quitté le projet, garde le contact');
      expect(text).not.to.include('Nathan');
      // Those to call first, then the 4 done folded under their count.
      expect(text).to.match(/À 12 mois à faire maintenant[^]*en retard[^]*\b4 joint·es(?! sur)[^]*joint·e le/);
    });

    it('folds the older rounds still overdue under their count, the most recent first', async () => {
      const enrolments = testDb()('enrolments').where({ group_id: ids.groups.dispensaire }).select('id');
      const undone = await testDb()('follow_ups').whereIn('enrolment_id', enrolments).whereIn('milestone_months', [1, 3]).select('*');
      try {
        await testDb()('follow_ups').whereIn('id', undone.map((f) => f.id)).update({ done_on: null, reached: null });
        const text = visibleText((await karim.get(`${dispensaire}/followups`)).text);
        expect(text.indexOf('À 12 mois à faire maintenant')).to.be.lessThan(text.indexOf('À 3 mois 9 en retard'));
        expect(text.indexOf('À 3 mois 9 en retard')).to.be.lessThan(text.indexOf('À 1 mois 9 en retard'));
        expect(text.indexOf('À 1 mois 9 en retard')).to.be.lessThan(text.indexOf('À 6 mois 9 joint·es sur 9'));
      } finally {
        for (const f of undone) await testDb()('follow_ups').where({ id: f.id }).update({ done_on: f.done_on, reached: f.reached });
      }
    });

    it('does not list as overdue the rounds the structure does not plan, and says which it plans', async () => {
      const group = await testDb()('groups').where({ id: ids.groups.dispensaire }).first('structure_id');
      // Sarah's 1-month call did not reach her, nor Océane's 3-month one.
      const before = visibleText((await karim.get(`${dispensaire}/followups`)).text);
      expect(before).to.include('À 1 mois 1 en retard').and.include('À 3 mois 1 en retard').and.include('recontacté 1, 3, 6 et 12 mois après le retour');
      await testDb()('structures').where({ id: group.structure_id }).update({ follow_up_milestones: '6,12' });
      try {
        const text = visibleText((await karim.get(`${dispensaire}/followups`)).text);
        expect(text).to.include('recontacté 6 et 12 mois après le retour');
        expect(text).to.include('À 1 mois 8 joint·es sur 8').and.include('À 3 mois 8 joint·es sur 8');
        expect(text).not.to.match(/À [13] mois \d+ en retard/);
        expect(text).not.to.include('Réessayer');
        // What the group page says of them, and its checklist, count the same.
        const page = visibleText((await karim.get(dispensaire)).text);
        expect(page).to.include('Suivis : 29 joint·es sur 33 attendus · 4 pas essayé·es · 4 en retard');
        // And the dashboard: at 1 and 3 months only who was reached, nobody owed; Sarah and Océane overdue only at 12 months.
        const d = await computeDashboard(testDb(), { role: 'worker', userId: ids.users.karim, structureId: null }, { group: ids.groups.dispensaire });
        expect(d.followUps.filter((m) => m.milestone < 6).map((m) => [m.due, m.reached, m.triedNotReached, m.notTried, m.overdue])).to.deep.equal([[8, 8, 0, 0, 0], [8, 8, 0, 0, 0]]);
        expect(d.missing.overdueYouths).to.equal(4);
      } finally {
        await testDb()('structures').where({ id: group.structure_id }).update({ follow_up_milestones: null });
      }
    });

    it('lets the director read them, and keeps them from the youths', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const res = await director.get(`${dispensaire}/followups`);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('À 12 mois').and.not.include('Planifier les suivis');
      const lucas = await signIn(app, 'lucas.v');
      expect((await lucas.get(`/groups/${ids.groups.bafou}/followups`)).status).to.equal(403);
    });

    it('says a group that is not back has no follow-ups yet', async () => {
      const text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/followups`)).text);
      expect(text).to.include('Les suivis seront planifiés quand le groupe passera à l’étape Retour.');
    });
  });

  describe('POST /groups/:id/followups/schedule', () => {
    it('plans the follow-ups of a demo group already back, once', async () => {
      const algerie = `/groups/${ids.groups.algerie}`;
      expect(visibleText((await karim.get(`${algerie}/followups`)).text)).to.include('Planifier les suivis');
      const res = await postForm(karim, `${algerie}/followups/schedule`, {}, `${algerie}/followups`);
      expect(res.status).to.equal(303);
      expect(visibleText((await karim.get(`${algerie}/followups`)).text)).to.include('Suivis planifiés : 20.').and.match(/\b0 joint·es sur \d+ attendus/);
      await postForm(karim, `${algerie}/followups/schedule`, {}, `${algerie}/followups`);
      expect(visibleText((await karim.get(`${algerie}/followups`)).text)).to.include('Tous les suivis étaient déjà planifiés.');
    });

    it('refuses a group that is not back yet', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/followups/schedule`, {}, `/groups/${ids.groups.sadiola}/followups`);
      expect(res.status).to.equal(303);
      expect(visibleText((await karim.get(`/groups/${ids.groups.sadiola}/followups`)).text)).to.include('Le groupe n’est pas encore revenu');
      expect(await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', ids.groups.sadiola).first()).to.equal(undefined);
    });
  });

  describe('recording a follow-up', () => {
    it('shows the form with what Tremplin knows already ticked', async () => {
      const f = await followUpOf('Bilal', 12);
      const res = await karim.get(`${dispensaire}/followups/${f.id}`);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('Bilal Saïdi').and.include('À 12 mois').and.include('a quitté le projet, garde le contact');
      expect(res.text).to.match(/value="spoke_at_restitution"\s+checked/);
      expect(res.text).not.to.match(/value="peer_leader"\s+checked/);
    });

    it('records reached, situation, contract and several engagements', async () => {
      const f = await followUpOf('Bilal', 12);
      const res = await postForm(karim, `${dispensaire}/followups/${f.id}`, {
        doneOn: TODAY, reached: 'yes', situation: 'employed', contract: 'permanent',
        engagement: ['volunteering', 'created_association'] as unknown as string, note: 'Embauché par son maître d’apprentissage.',
      }, `${dispensaire}/followups/${f.id}`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${dispensaire}/followups`);
      const saved = await testDb()('follow_ups').where({ id: f.id }).first();
      expect(saved).to.include({ done_on: TODAY, situation: 'employed', contract: 'permanent', note: 'Embauché par son maître d’apprentissage.' });
      expect([saved.volunteering, saved.created_association, saved.joined_council].map(Boolean)).to.deep.equal([true, true, false]);
      expect(saved.recorded_by).to.equal(ids.users.karim);
    });

    it('records a call that did not reach the youth as a try, the follow-up still to do; trying again adds a try and keeps the first', async () => {
      const f = await followUpOf('Emma', 12);
      const page = `${dispensaire}/followups/${f.id}`;
      const missed = await postForm(karim, page, { doneOn: YESTERDAY, reached: 'no', situation: 'training', engagement: 'volunteering', note: 'Messagerie pleine.' }, page);
      expect(missed.status).to.equal(303);
      expect(await testDb()('follow_ups').where({ id: f.id }).first()).to.deep.include({ done_on: null, situation: null, contract: null, note: null });
      expect(visibleText((await karim.get(`${dispensaire}/followups`)).text)).to.match(/Emma Caron en retard prévu le [^·]+ · essayé le [^,]+, pas joint·e a quitté le projet, garde le contact Réessayer/);
      expect(visibleText((await karim.get(`${dispensaire}/followups`)).text)).to.include('3 essayé·es, pas joint·es');
      const retry = visibleText((await karim.get(page)).text);
      expect(retry).to.include('Nouvel essai').and.match(/Essais Essayé le [^,]+, pas joint·e · noté par Karim Benali Messagerie pleine\./);

      const reached = await postForm(karim, page, { doneOn: TODAY, reached: 'yes', situation: 'training', note: 'Entrée en formation.' }, page);
      expect(reached.status).to.equal(303);
      const attempts = await testDb()('follow_up_attempts').where({ follow_up_id: f.id }).orderBy('id').select('tried_on', 'reached', 'note', 'recorded_by');
      expect(attempts.map((a) => [a.tried_on, Boolean(a.reached), a.note, a.recorded_by])).to.deep.equal([
        [YESTERDAY, false, 'Messagerie pleine.', ids.users.karim], [TODAY, true, null, ids.users.karim],
      ]);
      expect(await testDb()('follow_ups').where({ id: f.id }).first()).to.deep.include({ done_on: TODAY, situation: 'training', note: 'Entrée en formation.' });
      expect(visibleText((await karim.get(page)).text)).to.match(/Essayé le [^,]+, pas joint·e[^]*Essayé le [^,]+, joint·e/);
      // Once reached, the form corrects what was learned; it cannot make the youth "not reached" after the fact.
      const undo = await postForm(karim, page, { doneOn: TODAY, reached: 'no' }, page);
      expect(undo.status).to.equal(422);
      expect(visibleText(undo.text)).to.include('Ce jeune a déjà été joint pour ce suivi');
      expect(Number((await testDb()('follow_up_attempts').where({ follow_up_id: f.id }).count({ n: '*' }))[0]!.n)).to.equal(2);
    });

    it('keeps no contract without a job', async () => {
      const s = await followUpOf('Sarah', 12);
      await postForm(karim, `${dispensaire}/followups/${s.id}`, { doneOn: TODAY, reached: 'yes', situation: 'school', contract: 'temp' }, `${dispensaire}/followups/${s.id}`);
      expect(await testDb()('follow_ups').where({ id: s.id }).first()).to.deep.include({ situation: 'school', contract: null });
    });

    it('refuses a form without an answer, a date to come and a reached youth without a situation, keeping the input', async () => {
      const f = await followUpOf('Océane', 12);
      const empty = await postForm(karim, `${dispensaire}/followups/${f.id}`, {}, `${dispensaire}/followups/${f.id}`);
      expect(empty.status).to.equal(422);
      expect(visibleText(empty.text)).to.include('Dites si vous avez pu joindre le jeune.');
      const res = await postForm(karim, `${dispensaire}/followups/${f.id}`, {
        doneOn: `${Number(TODAY.slice(0, 4)) + 1}-01-01`, reached: 'yes', engagement: 'volunteering', note: 'Rappeler',
      }, `${dispensaire}/followups/${f.id}`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Notez le suivi une fois le contact fait.').and.include('Choisissez sa situation.');
      expect(res.text).to.match(/value="volunteering"\s+checked/).and.to.include('Rappeler');
      const impossible = await postForm(karim, `${dispensaire}/followups/${f.id}`, { doneOn: '2025-13-01', reached: 'no' }, `${dispensaire}/followups/${f.id}`);
      expect(visibleText(impossible.text)).to.include('Cette date n’existe pas.');
      expect((await testDb()('follow_ups').where({ id: f.id }).first()).done_on).to.equal(null);
    });

    it('moves a due date, never before the return', async () => {
      const f = await followUpOf('Océane', 12);
      const ok = await postForm(karim, `${dispensaire}/followups/${f.id}/due`, { dueOn: '2099-06-15' }, `${dispensaire}/followups/${f.id}`);
      expect(ok.status).to.equal(303);
      expect((await testDb()('follow_ups').where({ id: f.id }).first()).due_on).to.equal('2099-06-15');
      const early = await postForm(karim, `${dispensaire}/followups/${f.id}/due`, { dueOn: '2001-01-01' }, `${dispensaire}/followups/${f.id}`);
      expect(early.status).to.equal(422);
      expect(visibleText(early.text)).to.include('Un suivi se prévoit après le retour du groupe.');
      expect(early.text).to.include('value="2001-01-01"');
    });

    it('shows the director a follow-up read-only', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const f = await followUpOf('Sofiane', 12);
      const res = await director.get(`${dispensaire}/followups/${f.id}`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('A créé une association').and.include('En emploi (CDD)').and.include('Maubeuge–Kayes');
      expect(text).to.match(/Essais Essayé le [^,]+, joint·e · noté par Karim Benali/);
      expect(res.text).not.to.include('name="reached"');
      expect((await postForm(director, `${dispensaire}/followups/${f.id}`, { doneOn: TODAY, reached: 'no' }, `${dispensaire}/followups`)).status).to.equal(403);
    });

    it('does not find another group’s follow-up through this group', async () => {
      const f = await followUpOf('Laura', 1);
      expect((await karim.get(`/groups/${ids.groups.sadiola}/followups/${f.id}`)).status).to.equal(404);
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      expect((await elodie.get(`${dispensaire}/followups/${f.id}`)).status).to.equal(404);
    });
  });

  describe('peer leaders', () => {
    it('shows the youth’s groups and roles on their file, in both groups', async () => {
      const inDispensaire = await enrolmentOf(testDb(), ids.groups.dispensaire, 'Aïcha');
      const inSadiola = await enrolmentOf(testDb(), ids.groups.sadiola, 'Aïcha');
      const first = visibleText((await karim.get(`${dispensaire}/youths/${inDispensaire}`)).text);
      expect(first).to.include('Ses groupes').and.include('Finir le dispensaire et la classe participant·e').and.include('Rencontre des jeunes de Sadiola jeune relais');
      expect(first).to.include('a présenté le projet 2 fois');
      const page = await karim.get(`/groups/${ids.groups.sadiola}/youths/${inSadiola}`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include(`href="${dispensaire}/youths/${inDispensaire}"`);
      expect(visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text)).to.include('Aïcha Diallo jeune relais');
    });

    it('enrols a youth from the file page link, without a second file', async () => {
      const laura = await enrolmentOf(testDb(), ids.groups.dispensaire, 'Laura');
      const file = await karim.get(`${dispensaire}/youths/${laura}`);
      const youthId = (await testDb()('enrolments').where({ id: laura }).first('youth_id')).youth_id;
      const link = `/groups/${ids.groups.sadiola}/peer-leaders/new?youth=${youthId}`;
      expect(file.text).to.include(`href="${link}"`);
      const form = await karim.get(link);
      expect(form.status).to.equal(200);
      expect(form.text).to.match(new RegExp(`value="${youthId}"\\s+checked`));
      const youthsBefore = Number((await testDb()('youths').count('* as n').first())!.n);
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/peer-leaders`, { youthId: String(youthId) }, link);
      expect(res.status).to.equal(303);
      const enrolment = await testDb()('enrolments').where({ group_id: ids.groups.sadiola, youth_id: youthId }).first();
      expect(enrolment.role).to.equal('peer_leader');
      expect(res.headers.location).to.equal(`/groups/${ids.groups.sadiola}/youths/${enrolment.id}`);
      expect(Number((await testDb()('youths').count('* as n').first())!.n)).to.equal(youthsBefore);
      const again = await postForm(karim, `/groups/${ids.groups.sadiola}/peer-leaders`, { youthId: String(youthId) }, link);
      expect(again.status).to.equal(422);
      expect(visibleText(again.text)).to.include('Ce jeune est déjà dans ce groupe.');
    });

    it('asks to choose a youth when none is chosen', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/peer-leaders`, {}, `/groups/${ids.groups.sadiola}/peer-leaders/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez un jeune.');
    });
  });
});
