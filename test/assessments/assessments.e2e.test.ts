import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount, setCredentials } from '../../src/users/user.js';
import { testDb } from '../support/database.js';
import path from 'node:path';
import { ARTIFACTS, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

const KENZA_PASSWORD = 'retour-de-boumerdes';


const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

/** Taps one of the five answers of a competence, by its word. */
async function answer(page: Page, competence: string, word: string): Promise<void> {
  await page.getByRole('group', { name: competence }).getByRole('radio', { name: word, exact: true }).check();
}

describe('a youth back from Algeria fills the after-return assessment on a phone', function () {
  this.timeout(180_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  before(async () => {
    // Kenza (Construire parasismique en Algérie, in 'return') answered "before" during the preparation
    // and not "after" yet. Her worker opened her account; she chose her password with the code.
    const account = await createAccount(testDb(), { role: 'youth', displayName: 'Kenza Belkacem' });
    await setCredentials(testDb(), account.id, 'kenza.b', KENZA_PASSWORD);
    const linked = await testDb()('youths').where({ first_name: 'Kenza', last_name: 'Belkacem' }).update({ user_id: account.id });
    expect(linked).to.equal(1);
  });

  it('lands on her journey, answers "after", is told which answer is missing, and sees her before/after', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, 'kenza.b', KENZA_PASSWORD);
    await page.waitForURL(session.url('/me'));
    await page.getByRole('heading', { name: 'Mon parcours', level: 1 }).waitFor();
    const journey = await seen(page);
    expect(journey).to.include('Construire parasismique en Algérie').and.match(/Mon groupe en est à :\s+Retour/);
    expect(journey).to.include('Avant le départ').and.include('Fait').and.include('Après le retour');
    await noSidewaysScroll(page, 'the journey');
    await screenshot(page, 'phone-journey-after-to-fill');

    await page.getByRole('link', { name: 'Répondre : Après le retour' }).click();
    await page.waitForURL(session.url(`/groups/${ids.groups.algerie}/assessments/after`));
    await page.getByRole('heading', { name: 'Moi, après le retour', level: 1 }).waitFor();
    await noSidewaysScroll(page, 'the assessment form');
    await screenshot(page, 'phone-assessment-after-form');

    // Everything but one line, then save: the page says which one is missing and keeps the rest.
    await answer(page, 'Parler une autre langue', 'Bien');
    await answer(page, 'Me débrouiller seul·e', 'Très bien');
    await answer(page, 'Avoir confiance en moi', 'Bien');
    await answer(page, 'M’ouvrir aux autres cultures', 'Très bien');
    await answer(page, 'Participer à la vie locale', 'Moyen');
    await answer(page, 'Porter un projet', 'Bien');
    await answer(page, 'Raconter en images', 'Un peu');
    await page.getByLabel('Comment je vois le pays, et ma vie, maintenant ?').fill('Là-bas, j’ai appris à construire. Ici, je veux passer mon CAP maçon.');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await page.getByText('Il manque ta réponse pour :').waitFor();
    const refused = await seen(page);
    expect(refused).to.include('Travailler en équipe').and.include('Choisis une réponse.');
    expect(await page.getByRole('group', { name: 'Parler une autre langue' }).getByRole('radio', { name: 'Bien', exact: true }).isChecked()).to.equal(true);
    expect(await page.getByLabel('Comment je vois le pays, et ma vie, maintenant ?').inputValue()).to.include('CAP maçon');
    await noSidewaysScroll(page, 'the refused form');
    await screenshot(page, 'phone-assessment-after-missing');

    await page.getByRole('link', { name: 'Travailler en équipe' }).click();
    await answer(page, 'Travailler en équipe', 'Très bien');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();

    // Back on her journey: her before beside her after, with the changes in words.
    await page.waitForURL(session.url('/me#my-assessments'));
    await page.getByRole('heading', { name: 'Mon avant / après', level: 2 }).waitFor();
    const after = await seen(page);
    expect(after).to.include('Merci ! Tes réponses « après » sont enregistrées.');
    expect(after).to.match(/\d+ en progrès/);
    expect(after).to.include('Travailler en équipe').and.include('Très bien').and.include('Changer mes réponses');
    expect(after).to.include('Écrit avant, le').and.include('Écrit après, le').and.include('CAP maçon');
    await noSidewaysScroll(page, 'the journey with the before/after');
    await screenshot(page, 'phone-journey-before-after');
    await page.locator('#my-assessments').screenshot({ path: path.join(ARTIFACTS, 'phone-journey-my-assessments.png') });
    await page.getByRole('link', { name: 'Mon avant / après en vidéo' }).click();
    await page.waitForURL(/\/youths\/\d+\/before-after$/);
    await page.getByRole('heading', { name: 'Mon avant / après', level: 2 }).waitFor();
    await noSidewaysScroll(page, 'her before/after page');
    await screenshot(page, 'phone-assessments-beside-videos');

    const saved = await testDb()('assessments')
      .join('enrolments', 'enrolments.id', 'assessments.enrolment_id')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'youths.first_name': 'Kenza', 'assessments.moment': 'after' })
      .first('assessments.id');
    expect(saved, 'the "after" is saved').not.to.equal(undefined);
  });

  it('on a desktop: her journey, and the worker’s page of deltas now counting her', async () => {
    const youth = await session.open(DESKTOP);
    await signInThroughForm(youth, session.url, 'kenza.b', KENZA_PASSWORD);
    await youth.waitForURL(session.url('/me'));
    await youth.getByRole('heading', { name: 'Mon avant / après' }).waitFor();
    await noSidewaysScroll(youth, 'the journey on a desktop');
    await screenshot(youth, 'desktop-journey-before-after');

    // Beside her videos, on the media module's before/after page.
    await youth.goto(session.url(`/groups/${ids.groups.algerie}/before-after`));
    await youth.getByRole('heading', { name: 'Mon avant / après', level: 2 }).waitFor();
    await noSidewaysScroll(youth, 'the before/after page on a desktop');
    await screenshot(youth, 'desktop-assessments-beside-videos');

    for (const [size, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const worker = await session.open(options);
      await signInThroughForm(worker, session.url, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
      await worker.waitForURL(session.url('/'));
      await worker.goto(session.url(`/groups/${ids.groups.algerie}/assessments`));
      await worker.getByRole('heading', { name: 'Auto-évaluation avant / après', level: 1 }).waitFor();
      expect(await seen(worker)).to.include('Ont répondu : avant, 5 sur 5 ; après, 4 sur 5.').and.include('Kenza Belkacem');
      await worker.getByText('Kenza Belkacem', { exact: true }).last().click();
      expect(await seen(worker)).to.include('CAP maçon');
      await noSidewaysScroll(worker, `the group's deltas on a ${size}`);
      await screenshot(worker, `${size}-assessments-group`);
      if (size === 'phone') {
        for (const [heading, name] of [['Le groupe, avant et après', 'averages'], ['Par jeune', 'youths']]) {
          await worker.locator('section', { has: worker.getByRole('heading', { name: heading, exact: true }) }).screenshot({ path: path.join(ARTIFACTS, `phone-assessments-group-${name}.png`) });
        }
      }
      await worker.goto(session.url(`/groups/${ids.groups.algerie}/before-after`));
      await worker.getByRole('heading', { name: 'L’auto-évaluation du groupe' }).waitFor();
      await noSidewaysScroll(worker, `the group's before/after page on a ${size}`);
      await screenshot(worker, `${size}-assessments-beside-videos-group`);
    }
  });

  it('a youth still preparing (Inès, Sadiola) finds her papers, uploads and "before" on her journey', async () => {
    for (const [size, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const page = await session.open(options);
      await signInThroughForm(page, session.url, 'ines.d', DEMO_PASSWORD);
      await page.waitForURL(session.url('/me'));
      await page.getByRole('heading', { name: 'Mes papiers à apporter' }).waitFor();
      const text = await seen(page);
      expect(text).to.include('Mes vidéos et photos').and.include('Changer mes réponses').and.include('Ce questionnaire s’ouvre au retour.');
      await noSidewaysScroll(page, `Inès's journey on a ${size}`);
      await screenshot(page, `${size}-journey-preparation`);
      if (size === 'phone') await page.locator('.journey-where').screenshot({ path: path.join(ARTIFACTS, 'phone-journey-where.png') });
    }
  });

  it('the admin edits the competences, at both sizes', async () => {
    for (const [size, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const page = await session.open(options);
      await signInThroughForm(page, session.url, DEMO_ACCOUNTS.admin.email, DEMO_PASSWORD);
      await page.waitForURL(session.url('/admin/users'));
      await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Compétences' }).click();
      await page.getByRole('heading', { name: 'Compétences de l’auto-évaluation', level: 1 }).waitFor();
      await noSidewaysScroll(page, `the competence editor on a ${size}`);
      await screenshot(page, `${size}-assessments-competences`);
    }
  });
});
