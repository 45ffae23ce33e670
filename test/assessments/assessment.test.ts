import { expect } from 'chai';
import { resetToDemo, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import {
  assessmentDeltas, besideVideos, fillAssessment, findAssessment, findOwnEnrolment, isMomentOpen,
  parseAssessmentForm, youthAssessments, type OwnEnrolment,
} from '../../src/assessments/assessment.js';
import {
  addCompetence, deleteCompetence, FIRST_COMPETENCES, keyFor, listCompetences, loadCompetence, moveCompetence,
  renameCompetence, setCompetenceActive,
} from '../../src/assessments/competence.js';
import { findVisibleGroup } from '../../src/groups/group.js';
import { withdraw } from '../../src/participants/withdrawal.js';
import { answersFor, assessedGroup } from './fixtures.js';

const db = () => testDb();

describe('the before/after self-assessment (model)', () => {
  let ids: DemoIds;
  beforeEach(async () => {
    ids = await resetToDemo();
  });

  describe('the competences', () => {
    it('start with the eight of the project, in order, in French and English', async () => {
      const list = await listCompetences(db());
      expect(list.map((c) => c.key)).to.deep.equal(FIRST_COMPETENCES.map(([k]) => k));
      expect(list[0]).to.include({ label_fr: 'Parler une autre langue', label_en: 'Speaking another language', active: true, position: 1 });
    });

    it('adds one at the end, with a key made from its English words, and refuses the same words twice', async () => {
      const id = await addCompetence(db(), { labelFr: 'Parler en public', labelEn: 'Speaking in public' });
      const added = await loadCompetence(db(), String(id));
      expect(added).to.include({ key: 'speaking_in_public', position: 9, active: true });
      const duplicate = await refusalOf(addCompetence(db(), { labelFr: 'parler en PUBLIC', labelEn: 'Public speaking' }));
      expect(duplicate).to.include({ field: 'labelFr', messageKey: 'assessments.competences.duplicate' });
      expect(keyFor('Être à l’heure !')).to.equal('etre_a_l_heure');
    });

    it('renames, moves up and down, and deactivates without losing answers', async () => {
      const [first, second] = await listCompetences(db());
      await renameCompetence(db(), second!, { labelFr: 'Me débrouiller', labelEn: 'Getting by' });
      await moveCompetence(db(), second!, 'up');
      let list = await listCompetences(db());
      expect(list.slice(0, 2).map((c) => c.label_fr)).to.deep.equal(['Me débrouiller', first!.label_fr]);
      // At the top already: nothing moves.
      await moveCompetence(db(), list[0]!, 'up');
      expect((await listCompetences(db()))[0]!.id).to.equal(second!.id);
      await setCompetenceActive(db(), first!, false);
      list = await listCompetences(db(), { activeOnly: true });
      expect(list.map((c) => c.id)).not.to.include(first!.id);
      expect(await listCompetences(db())).to.have.length(8);
    });

    it('never deletes one that has answers; one nobody answered goes', async () => {
      const [answered] = await listCompetences(db());
      const kept = await refusalOf(deleteCompetence(db(), answered!));
      expect(kept).to.include({ field: '_form', messageKey: 'assessments.competences.hasAnswers' });
      const id = await addCompetence(db(), { labelFr: 'Faute de frappe', labelEn: 'Typo' });
      await deleteCompetence(db(), await loadCompetence(db(), String(id)));
      expect(await db()('competences').where({ id }).first()).to.equal(undefined);
    });
  });

  describe('fillAssessment', () => {
    it('saves a youth’s own answers, and filling the same moment again replaces them', async () => {
      const g = await assessedGroup(ids, ['Nora']);
      const nora = g.youths.Nora!;
      const own = (await findOwnEnrolment(db(), nora.user, g.groupId))!;
      await fillAssessment(db(), nora.user, own, 'before', await answersFor([2]), '  J’imagine le désert.  ');
      await fillAssessment(db(), nora.user, own, 'before', await answersFor([3, 4]), null);
      const rows = await db()('assessments').where({ enrolment_id: nora.enrolmentId });
      expect(rows).to.have.length(1);
      const saved = (await findAssessment(db(), nora.enrolmentId, 'before'))!;
      expect(saved.free_text).to.equal(null);
      expect([...saved.scores.values()]).to.deep.equal([3, 4, 4, 4, 4, 4, 4, 4]);
      expect(saved).to.have.property('filled_at').that.is.a('string');
    });

    it('keeps the free answer, trimmed', async () => {
      const g = await assessedGroup(ids, ['Nora']);
      const own = (await findOwnEnrolment(db(), g.youths.Nora!.user, g.groupId))!;
      await fillAssessment(db(), g.youths.Nora!.user, own, 'before', await answersFor([2]), '  J’imagine le désert.  ');
      expect((await findAssessment(db(), own.enrolment_id, 'before'))!.free_text).to.equal('J’imagine le désert.');
    });

    it('lets a youth fill only their own: not another youth’s, and never a worker for a youth', async () => {
      const g = await assessedGroup(ids, ['Nora', 'Paul']);
      const paulsEnrolment = (await findOwnEnrolment(db(), g.youths.Paul!.user, g.groupId))!;
      const answers = await answersFor([3]);
      expect((await refusalOf(fillAssessment(db(), g.youths.Nora!.user, paulsEnrolment, 'before', answers, null))).messageKey)
        .to.equal('assessments.refused.notYours');
      const karim = await userFor(db(), ids.users.karim);
      expect(await findOwnEnrolment(db(), karim, g.groupId), 'a worker has no enrolment of their own').to.equal(undefined);
      expect((await refusalOf(fillAssessment(db(), karim, paulsEnrolment, 'before', answers, null))).messageKey).to.equal('assessments.refused.notYours');
      expect(await db()('assessments').where({ enrolment_id: paulsEnrolment.enrolment_id })).to.have.length(0);
    });

    it('opens "before" until the departure and "after" from the return on; neither during the stay', async () => {
      expect(['preparation', 'departure'].map((p) => isMomentOpen('before', p as never))).to.deep.equal([true, true]);
      expect(['stay', 'return'].map((p) => isMomentOpen('before', p as never))).to.deep.equal([false, false]);
      expect(['stay', 'return', 'restitution', 'after'].map((p) => isMomentOpen('after', p as never))).to.deep.equal([false, true, true, true]);

      const g = await assessedGroup(ids, ['Nora']);
      const nora = g.youths.Nora!;
      const own = (await findOwnEnrolment(db(), nora.user, g.groupId))!;
      const answers = await answersFor([3]);
      expect((await refusalOf(fillAssessment(db(), nora.user, own, 'after', answers, null))).messageKey).to.equal('assessments.closed.notYet_after');
      await g.setPhase('stay');
      expect((await refusalOf(fillAssessment(db(), nora.user, own, 'before', answers, null))).messageKey).to.equal('assessments.closed.over_before');
      await g.setPhase('return');
      await fillAssessment(db(), nora.user, own, 'after', answers, null);
    });

    it('refuses a youth who left the group', async () => {
      const g = await assessedGroup(ids, ['Nora']);
      const karim = await userFor(db(), ids.users.karim);
      await withdraw(db(), karim, { enrolment_id: g.youths.Nora!.enrolmentId, group_id: g.groupId }, { reason: 'job', note: null, withdrawnOn: '2026-02-01', staysInTouch: true });
      const own = (await findOwnEnrolment(db(), g.youths.Nora!.user, g.groupId))!;
      expect((await refusalOf(fillAssessment(db(), g.youths.Nora!.user, own, 'before', await answersFor([3]), null))).messageKey)
        .to.equal('assessments.closed.withdrawn');
    });

    it('needs a score 1-5 for every active competence, and says which are missing', async () => {
      const g = await assessedGroup(ids, ['Nora']);
      const nora = g.youths.Nora!;
      const own: OwnEnrolment = (await findOwnEnrolment(db(), nora.user, g.groupId))!;
      const competences = await listCompetences(db());
      const answers = await answersFor([3]);
      answers.delete(competences[2]!.id);
      answers.delete(competences[5]!.id);
      const missing = await refusalOf(fillAssessment(db(), nora.user, own, 'before', answers, null));
      expect(missing).to.include({ field: '_form', messageKey: 'assessments.form.scoreMissing' });
      expect(missing.detail).to.deep.equal([competences[2]!.id, competences[5]!.id]);
      const tooHigh = await answersFor([6]);
      expect((await refusalOf(fillAssessment(db(), nora.user, own, 'before', tooHigh, null))).messageKey).to.equal('assessments.refused.invalid');
      // An inactive competence is not asked, and may not be answered.
      await setCompetenceActive(db(), competences[0]!, false);
      expect((await refusalOf(fillAssessment(db(), nora.user, own, 'before', await answersFor([3]).then((a) => a.set(competences[0]!.id, 3)), null))).messageKey)
        .to.equal('assessments.refused.invalid');
      await fillAssessment(db(), nora.user, own, 'before', await answersFor([3]), null);
      expect(await db()('assessments').where({ enrolment_id: nora.enrolmentId })).to.have.length(1);
    });

    it('reads the form: a missing score is named by its competence', () => {
      const competences = [
        { id: 1, key: 'language', label_fr: 'Parler une autre langue', label_en: 'Speaking another language', position: 1, active: true },
        { id: 2, key: 'teamwork', label_fr: 'Travailler en équipe', label_en: 'Working in a team', position: 2, active: true },
      ];
      const bad = parseAssessmentForm({ score_language: '4', freeText: 'x'.repeat(2001) }, competences);
      expect(bad.ok).to.equal(false);
      if (bad.ok) return;
      expect(bad.errors).to.deep.equal({ score_teamwork: 'assessments.form.scoreMissing', freeText: 'assessments.form.freeTextTooLong' });
      expect(bad.missing.map((c) => c.label_fr)).to.deep.equal(['Travailler en équipe']);
      expect(parseAssessmentForm({ score_language: '0', score_teamwork: '5' }, competences)).to.deep.include({ ok: false });
      const good = parseAssessmentForm({ score_language: '4', score_teamwork: '5', freeText: '  ' }, competences);
      expect(good).to.deep.equal({ ok: true, answers: new Map([[1, 4], [2, 5]]), freeText: null });
    });
  });

  describe('assessmentDeltas', () => {
    it('gives each youth’s change per competence and the group’s averages before vs after', async () => {
      const g = await assessedGroup(ids, ['Ana', 'Ben', 'Cid', 'Dia']);
      const fill = async (first: string, moment: 'before' | 'after', scores: number[]) => {
        const y = g.youths[first]!;
        await fillAssessment(db(), y.user, (await findOwnEnrolment(db(), y.user, g.groupId))!, moment, await answersFor(scores), `${first} ${moment}`);
      };
      await fill('Ana', 'before', [1, 2]);
      await fill('Ben', 'before', [3, 4]);
      await fill('Cid', 'before', [2, 2]);
      await g.setPhase('return');
      await fill('Ana', 'after', [3, 2]);
      await fill('Ben', 'after', [2, 5]);
      // Cid has not answered "after" yet; Dia answered nothing.

      const d = await assessmentDeltas(db(), g.groupId);
      expect(d.counts).to.deep.equal({ youths: 4, before: 3, after: 2, both: 2 });
      const [language, autonomy] = d.averages;
      expect(language!.competence.key).to.equal('language');
      // Before: (1 + 3 + 2) / 3; after: (3 + 2) / 2; change: ((3 - 1) + (2 - 3)) / 2, Cid left out.
      expect(language).to.deep.include({ beforeCount: 3, afterCount: 2, pairedCount: 2 });
      expect(language!.before).to.be.closeTo(2, 1e-9);
      expect(language!.after).to.be.closeTo(2.5, 1e-9);
      expect(language!.delta).to.be.closeTo(0.5, 1e-9);
      expect(autonomy!.before).to.be.closeTo(8 / 3, 1e-9);
      expect(autonomy!.after).to.be.closeTo(3.5, 1e-9);
      expect(autonomy!.delta).to.be.closeTo(0.5, 1e-9);

      const ana = d.youths.find((y) => y.firstName === 'Ana')!;
      expect(ana.lines.slice(0, 2).map((l) => [l.competence.key, l.before, l.after, l.delta])).to.deep.equal([
        ['language', 1, 3, 2], ['autonomy', 2, 2, 0],
      ]);
      expect(ana.average.before).to.be.closeTo((1 + 2 * 7) / 8, 1e-9);
      expect(ana.average.delta).to.be.closeTo(2 / 8, 1e-9);
      expect(ana.before!.freeText).to.equal('Ana before');
      expect(ana.after!.freeText).to.equal('Ana after');
      const cid = d.youths.find((y) => y.firstName === 'Cid')!;
      expect(cid.after).to.equal(null);
      expect(cid.lines[0]).to.deep.include({ before: 2, after: null, delta: null });
      const dia = d.youths.find((y) => y.firstName === 'Dia')!;
      expect(dia).to.deep.include({ before: null, after: null, lines: [] });
    });

    it('keeps a deactivated competence’s answers in the deltas, and leaves another group’s out', async () => {
      const [language] = await listCompetences(db());
      await setCompetenceActive(db(), language!, false);
      const d = await assessmentDeltas(db(), ids.groups.algerie);
      expect(d.averages[0]!.competence.key).to.equal('language');
      expect(d.averages[0]!.beforeCount).to.equal(5);
      const other = await assessedGroup(ids, ['Eli']);
      expect((await assessmentDeltas(db(), other.groupId)).averages.every((a) => a.beforeCount === 0)).to.equal(true);
    });

    it('shows plausible demo deltas: most youths back home went up, a few went down', async () => {
      for (const key of ['algerie', 'bafou', 'dispensaire'] as const) {
        const d = await assessmentDeltas(db(), ids.groups[key]);
        expect(d.counts.both, key).to.be.greaterThan(2);
        const changes = d.youths.flatMap((y) => y.lines.flatMap((l) => (l.delta === null ? [] : [l.delta])));
        expect(changes.filter((c) => c > 0).length, key).to.be.greaterThan(changes.length / 2);
        expect(changes.some((c) => c < 0), key).to.equal(true);
      }
      const sadiola = await assessmentDeltas(db(), ids.groups.sadiola);
      expect(sadiola.counts).to.include({ before: 8, after: 0 });
      const ines = sadiola.youths.find((y) => y.firstName === 'Inès')!;
      expect(ines.before).not.to.equal(null);
    });
  });

  describe('beside the videos', () => {
    it('gives the adults the group’s averages, a youth their own, and nobody someone else’s', async () => {
      const karim = await userFor(db(), ids.users.karim);
      const director = await userFor(db(), ids.users.director);
      const ines = await userFor(db(), ids.youthUsers['ines.d']!);
      const group = (await findVisibleGroup(db(), karim, ids.groups.sadiola))!;
      const asDirector = (await findVisibleGroup(db(), director, ids.groups.sadiola))!;
      const asInes = (await findVisibleGroup(db(), ines, ids.groups.sadiola))!;
      const inesEnrolment = (await findOwnEnrolment(db(), ines, ids.groups.sadiola))!.enrolment_id;
      const yanis = await db()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ 'youths.first_name': 'Yanis' }).first('enrolments.id');

      expect((await besideVideos(db(), karim, group))?.kind).to.equal('group');
      expect((await besideVideos(db(), director, asDirector))?.kind).to.equal('group');
      const hers = await besideVideos(db(), ines, asInes);
      expect(hers).to.deep.include({ kind: 'youth', own: true });
      expect((await besideVideos(db(), ines, asInes, inesEnrolment))?.kind).to.equal('youth');
      expect(await besideVideos(db(), ines, asInes, yanis.id), 'another youth’s self-assessment').to.equal(null);
      const forKarim = await besideVideos(db(), karim, group, inesEnrolment);
      expect(forKarim).to.deep.include({ kind: 'youth', own: false });
      expect(await youthAssessments(db(), inesEnrolment)).to.have.property('firstName', 'Inès');
    });
  });
});
