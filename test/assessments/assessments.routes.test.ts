import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { findAssessment } from '../../src/assessments/assessment.js';
import { listCompetences } from '../../src/assessments/competence.js';
import { assessedGroup, formFor, YOUTH_PASSWORD } from './fixtures.js';
import { enrolmentOf } from '../participants/fixtures.js';

const inesEnrolment = (ids: DemoIds) => enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');

/** The score checked for a competence on the form page. */
const checked = (html: string, key: string): string | undefined => new RegExp(`name="score_${key}" value="(\\d)" checked`).exec(html)?.[1];

describe('self-assessment pages', () => {
  let ids: DemoIds;
  let app: Express;
  let ines: Agent;
  let karim: Agent;
  beforeEach(async () => ({ ids, app, ines, karim } = await appOnDemo('ines', 'karim')));

  describe('GET /groups/:id/assessments/:moment', () => {
    it('shows a youth their own form: every competence with five pictograms and words, their answers kept', async () => {
      const res = await ines.get(`/groups/${ids.groups.sadiola}/assessments/before`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Moi, avant le départ').and.include('Parler une autre langue').and.include('Raconter en images');
      expect(text).to.include('Pas du tout').and.include('Un peu').and.include('Moyen').and.include('Très bien');
      expect(text).to.include('Tu as répondu le');
      const saved = (await findAssessment(testDb(), await inesEnrolment(ids), 'before'))!;
      const [language] = await listCompetences(testDb());
      expect(checked(res.text, 'language')).to.equal(String(saved.scores.get(language!.id)));
      expect(res.text).to.include('href="/assets/icons.svg#score-5"').and.include('href="/assets/icons.svg#competence-language"');
    });

    it('says when "after" opens, and shows no form, while the group is preparing', async () => {
      const res = await ines.get(`/groups/${ids.groups.sadiola}/assessments/after`);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.include('Ce questionnaire s’ouvre au retour.');
      expect(res.text).not.to.include('name="score_language"');
    });

    it('refuses the worker and the director (403), another group’s youth (404), and an unknown moment (404)', async () => {
      const path = `/groups/${ids.groups.sadiola}/assessments/before`;
      expect((await karim.get(path)).status).to.equal(403);
      expect((await (await signIn(app, DEMO_ACCOUNTS.director.email)).get(path)).status).to.equal(403);
      expect((await (await signIn(app, 'lucas.v')).get(path)).status).to.equal(404);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/assessments/during`)).status).to.equal(404);
      expect((await request(app).get(path)).status).to.equal(303);
    });
  });

  describe('POST /groups/:id/assessments/:moment', () => {
    it('saves the youth’s answers and brings them back to their journey', async () => {
      const path = `/groups/${ids.groups.sadiola}/assessments/before`;
      const res = await postForm(ines, path, await formFor([5, 4, 3], { freeText: 'J’ai hâte de voir Sadiola.' }), '/me');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/me#my-assessments');
      const saved = (await findAssessment(testDb(), await inesEnrolment(ids), 'before'))!;
      expect([...saved.scores.values()].slice(0, 3)).to.deep.equal([5, 4, 3]);
      expect(saved.free_text).to.equal('J’ai hâte de voir Sadiola.');
      expect(visibleText((await ines.get('/me')).text)).to.include('Merci ! Tes réponses « avant » sont enregistrées.');
    });

    it('with a missing score, answers 422, names the competence and keeps what was chosen', async () => {
      const fields = await formFor([4], { freeText: 'Mes mots à moi' });
      delete fields.score_teamwork;
      delete fields.score_storytelling;
      const res = await postForm(ines, `/groups/${ids.groups.sadiola}/assessments/before`, fields, '/me');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Il manque tes réponses pour : Travailler en équipe Raconter en images');
      expect(text).to.include('Choisis une réponse.');
      expect(checked(res.text, 'language')).to.equal('4');
      expect(checked(res.text, 'teamwork')).to.equal(undefined);
      expect(res.text).to.include('Mes mots à moi').and.include('href="#q-teamwork"');
    });

    it('refuses "after" before the return (422) and saves nothing', async () => {
      const res = await postForm(ines, `/groups/${ids.groups.sadiola}/assessments/after`, await formFor([3]), '/me');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Ce questionnaire s’ouvre au retour.');
      expect(await findAssessment(testDb(), await inesEnrolment(ids), 'after')).to.equal(undefined);
    });

    it('never lets a worker fill a youth’s assessment, whatever the form says', async () => {
      const enrolment = await inesEnrolment(ids);
      const before = (await findAssessment(testDb(), enrolment, 'before'))!;
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/assessments/before`, await formFor([1], { enrolmentId: String(enrolment) }), '/');
      expect(res.status).to.equal(403);
      expect((await findAssessment(testDb(), enrolment, 'before'))!.filled_at).to.equal(before.filled_at);
    });

    it('finds the enrolment from the signed-in youth: an id in the form changes nothing', async () => {
      const g = await assessedGroup(ids, ['Nora', 'Paul']);
      const nora = await signIn(app, g.youths.Nora!.username, YOUTH_PASSWORD);
      const res = await postForm(nora, `/groups/${g.groupId}/assessments/before`, await formFor([2], { enrolment_id: String(g.youths.Paul!.enrolmentId), enrolmentId: String(g.youths.Paul!.enrolmentId) }), '/me');
      expect(res.status).to.equal(303);
      expect(await findAssessment(testDb(), g.youths.Paul!.enrolmentId, 'before')).to.equal(undefined);
      expect(await findAssessment(testDb(), g.youths.Nora!.enrolmentId, 'before')).not.to.equal(undefined);
    });

    it('can go on to the upload page to film the "before" video', async () => {
      const res = await postForm(ines, `/groups/${ids.groups.sadiola}/assessments/before`, await formFor([3], { then: 'video' }), '/me');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/groups/${ids.groups.sadiola}/media/new?moment=before`);
    });
  });

  describe('GET /groups/:id/assessments', () => {
    it('shows the worker each youth’s change and the group’s averages before vs after', async () => {
      const res = await karim.get(`/groups/${ids.groups.algerie}/assessments`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Auto-évaluation avant / après').and.include('Ont répondu : avant, 5 sur 5 ; après, 3 sur 5.');
      expect(text).to.include('Le groupe, avant et après').and.include('Parler une autre langue');
      expect(text).to.include('Walid Benaïssa').and.include('Kenza Belkacem').and.include('pas encore');
      expect(text).to.match(/[+−]\d,\d/);
      expect(text).to.include('En progrès');
      expect(res.text).to.include('class="pair-bars"');
    });

    it('is for the adults in charge: the director reads it, a youth of the group may not', async () => {
      expect((await (await signIn(app, DEMO_ACCOUNTS.directorMjc.email)).get(`/groups/${ids.groups.bafou}/assessments`)).status).to.equal(200);
      // Bafou is the MJC's: the mission locale's director does not find it.
      expect((await (await signIn(app, DEMO_ACCOUNTS.director.email)).get(`/groups/${ids.groups.bafou}/assessments`)).status).to.equal(404);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/assessments`)).status).to.equal(403);
      expect((await karim.get(`/groups/${ids.groups.bafou}/assessments`)).status).to.equal(404);
    });
  });

  describe('beside the videos (the media module’s before/after pages)', () => {
    it('shows the worker the group’s averages, and each youth’s own before/after on their page', async () => {
      const group = visibleText((await karim.get(`/groups/${ids.groups.algerie}/before-after`)).text);
      expect(group).to.include('L’auto-évaluation du groupe').and.include('Ont répondu : avant, 5 sur 5 ; après, 3 sur 5.');
      const walid = (await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ 'youths.first_name': 'Walid' }).first('enrolments.id')).id;
      const page = visibleText((await karim.get(`/groups/${ids.groups.algerie}/youths/${walid}/before-after`)).text);
      expect(page).to.include('L’auto-évaluation de Walid').and.include('Écrit après, le');
    });

    it('shows a youth their own, and never another youth’s', async () => {
      const own = visibleText((await ines.get(`/groups/${ids.groups.sadiola}/before-after`)).text);
      expect(own).to.include('Mon avant / après').and.include('Parler une autre langue');
      const yanis = (await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ 'youths.first_name': 'Yanis' }).first('enrolments.id')).id;
      const res = await ines.get(`/groups/${ids.groups.sadiola}/youths/${yanis}/before-after`);
      if (res.status === 200) {
        expect(visibleText(res.text)).not.to.include('auto-évaluation').and.not.to.include('Mon avant / après');
      } else {
        expect(res.status).to.be.oneOf([403, 404]);
      }
    });
  });

  it('the group page leads the adults to the self-assessment', async () => {
    expect((await karim.get(`/groups/${ids.groups.sadiola}`)).text).to.include(`href="/groups/${ids.groups.sadiola}/assessments"`);
    expect((await ines.get(`/groups/${ids.groups.sadiola}`)).text).not.to.include(`href="/groups/${ids.groups.sadiola}/assessments"`);
  });

  describe('the competence editor (/admin/competences)', () => {
    let admin: Agent;
    beforeEach(async () => {
      admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
    });

    it('lists the competences with both languages and how many answers each has', async () => {
      const res = await admin.get('/admin/competences');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Parler une autre langue').and.include('Speaking another language').and.match(/\d+ réponses/);
      expect(text).not.to.include('Supprimer :');
      expect((await karim.get('/admin/competences')).status).to.equal(403);
    });

    it('adds one, which the youths are then asked; the form keeps what was typed when it is refused', async () => {
      const empty = await postForm(admin, '/admin/competences', { labelFr: 'Parler en public' }, '/admin/competences');
      expect(empty.status).to.equal(422);
      expect(visibleText(empty.text)).to.include('À remplir.');
      expect(empty.text).to.include('value="Parler en public"');
      const dup = await postForm(admin, '/admin/competences', { labelFr: 'Travailler en équipe', labelEn: 'Teamwork' }, '/admin/competences');
      expect(dup.status).to.equal(422);
      expect(visibleText(dup.text)).to.include('Une autre compétence a déjà ces mots.');
      const ok = await postForm(admin, '/admin/competences', { labelFr: 'Parler en public', labelEn: 'Speaking in public' }, '/admin/competences');
      expect(ok.status).to.equal(303);
      const form = visibleText((await ines.get(`/groups/${ids.groups.sadiola}/assessments/before`)).text);
      expect(form).to.include('Parler en public');
      const english = await signIn(app, 'ines.d');
      await postForm(english, '/lang', { lang: 'en', returnTo: '/me' }, '/me');
      expect(visibleText((await english.get(`/groups/${ids.groups.sadiola}/assessments/before`)).text)).to.include('Speaking in public').and.include('Very well');
    });

    it('renames, moves, deactivates and reactivates; deleting one with answers is refused', async () => {
      const [language, autonomy] = await listCompetences(testDb());
      expect((await postForm(admin, `/admin/competences/${autonomy!.id}`, { labelFr: 'Me débrouiller', labelEn: 'Getting by' }, '/admin/competences')).status).to.equal(303);
      const badName = await postForm(admin, `/admin/competences/${autonomy!.id}`, { labelFr: '', labelEn: 'Getting by' }, '/admin/competences');
      expect(badName.status).to.equal(422);
      expect(badName.text).to.include(`id="f-labelFr-${autonomy!.id}"`).and.include('aria-invalid="true"');
      expect((await postForm(admin, `/admin/competences/${autonomy!.id}/move`, { direction: 'up' }, '/admin/competences')).status).to.equal(303);
      expect((await listCompetences(testDb()))[0]!.label_fr).to.equal('Me débrouiller');
      expect((await postForm(admin, `/admin/competences/${language!.id}/deactivate`, {}, '/admin/competences')).status).to.equal(303);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/assessments/before`)).text).not.to.include('name="score_language"');
      expect(visibleText((await admin.get('/admin/competences')).text)).to.include('désactivée');
      expect((await postForm(admin, `/admin/competences/${language!.id}/activate`, {}, '/admin/competences')).status).to.equal(303);
      const refused = await postForm(admin, `/admin/competences/${language!.id}/delete`, {}, '/admin/competences');
      expect(refused.status).to.equal(422);
      expect(visibleText(refused.text)).to.include('ne peut pas être supprimée');
      expect(await testDb()('competences').where({ id: language!.id }).first()).not.to.equal(undefined);
      expect((await postForm(admin, '/admin/competences/999999/delete', {}, '/admin/competences')).status).to.equal(404);
    });
  });
});
