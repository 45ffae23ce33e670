import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { giveScan, jpegBytes } from './fixtures.js';
import { testDatabase, testDb } from '../support/database.js';

describe('papers for the trip, in a browser', function () {
  this.timeout(180_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  const signIn = (page: Page, login: string) => signInThroughForm(page, session.url, login);
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  it('a youth sends her passport from her phone, and the worker sees it on the board, phone and desktop', async () => {
    const phone = await session.open(PHONE);
    await signIn(phone, 'ines.d');
    // From her group page to her papers.
    await phone.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await phone.getByRole('link', { name: 'Mes papiers' }).click();
    await phone.getByRole('heading', { name: 'Mes papiers', level: 1 }).waitFor();
    expect(await seen(phone)).to.include('Ton passeport, valable au moins jusqu’au').and.include('Demande à faire avant le');
    await noSidewaysScroll(phone, 'the youth’s papers');
    await screenshot(phone, 'phone-documents-youth');

    // Her passport: the photo straight from the phone, and the date written on it.
    const passport = phone.locator('#paper-passport_or_id');
    await passport.getByText('Envoyer un nouveau papier ou corriger').click();
    await passport.getByLabel('Valable jusqu’au').fill('2032-09-14');
    await passport.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles({ name: 'IMG_20261126.jpg', mimeType: 'image/jpeg', buffer: jpegBytes() });
    await passport.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await phone.getByText('Papier reçu. Un·e animateur·rice va le vérifier.').waitFor();
    const after = await seen(phone);
    expect(after).to.include('Valable jusqu’au 14 sept. 2032').and.include('Télécharger le scan');
    await screenshot(phone, 'phone-documents-youth-sent');

    // A text file renamed .pdf is refused, and says why. Sent through tus, its refusal is an answer the page's
    // script reads (422), which the browser reports: provoked, not breakage.
    session.expectProblems(/422|tus: unexpected response/i);
    const rights = phone.locator('#paper-image_rights');
    await rights.getByText('Envoyer un nouveau papier ou corriger').click();
    await rights.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles({ name: 'accord.pdf', mimeType: 'application/pdf', buffer: Buffer.from('pas un pdf') });
    await rights.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await phone.getByText('Ce fichier n’est pas un PDF, un JPEG ou un PNG.').waitFor();
    await noSidewaysScroll(phone, 'the refused upload');
    await screenshot(phone, 'phone-documents-youth-refused');

    // The worker on a phone: one card per youth.
    const workerPhone = await session.open(PHONE);
    await signIn(workerPhone, DEMO_ACCOUNTS.karim.email);
    await workerPhone.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await workerPhone.getByRole('link', { name: 'Voir les papiers du groupe' }).click();
    await workerPhone.getByRole('heading', { name: 'Papiers du groupe' }).waitFor();
    expect(await workerPhone.locator('.board-table').isVisible()).to.equal(false);
    const card = workerPhone.locator('.board-card', { hasText: 'Inès Dufour' });
    expect((await card.innerText()).replace(/\u00a0/g, ' ')).to.include('Reçu, à vérifier');
    await noSidewaysScroll(workerPhone, 'the board on a phone');
    await screenshot(workerPhone, 'phone-documents-board');

    // On the desktop: the grid, and her passport checked from her page.
    const desk = await session.open(DESKTOP);
    await signIn(desk, DEMO_ACCOUNTS.karim.email);
    await desk.goto(session.url(`/groups/${ids.groups.sadiola}/documents`));
    expect(await desk.locator('.board-table').isVisible()).to.equal(true);
    await screenshot(desk, 'desktop-documents-board');
    await desk.getByRole('link', { name: 'Voir les papiers : Inès Dufour' }).first().click();
    const deskPassport = desk.locator('#paper-passport_or_id');
    await deskPassport.getByText('Bon pour le voyage').click();
    await deskPassport.getByRole('button', { name: 'Enregistrer' }).click();
    await desk.getByText('Papier vérifié.').waitFor();
    await screenshot(desk, 'desktop-documents-youth');
    await desk.goto(session.url(`/groups/${ids.groups.sadiola}/documents/requirements`));
    await screenshot(desk, 'desktop-documents-requirements');
    await desk.goto(session.url('/'));
    expect(await seen(desk)).to.include('Papiers à rendre (14 jours)');
    await screenshot(desk, 'desktop-documents-home');
  });

  it('the admin reads who downloaded what, on the audit log and the retention page', async () => {
    const ines = await testDb()('enrolments').where({ group_id: ids.groups.sadiola }).orderBy('id').first('id');
    await giveScan(testDb(), testDatabase().config.uploadDir, ids.users.karim, ids.groups.sadiola, Number(ines.id));
    const worker = await session.open(DESKTOP);
    await signIn(worker, DEMO_ACCOUNTS.karim.email);
    await worker.goto(session.url(`/groups/${ids.groups.sadiola}/documents`));
    await worker.getByRole('link', { name: 'Voir les papiers : Inès Dufour' }).first().click();
    const download = worker.waitForEvent('download');
    await worker.locator('#paper-passport_or_id').getByRole('link', { name: 'Télécharger le scan' }).click();
    expect((await download).suggestedFilename()).to.match(/^passeport-In.s-Dufour\.pdf$/);

    for (const [name, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const page = await session.open(options);
      await signIn(page, DEMO_ACCOUNTS.admin.email);
      await page.goto(session.url('/admin/audit'));
      const text = await seen(page);
      expect(text).to.include('Karim Benali').and.include('a téléchargé').and.include('Inès Dufour');
      await noSidewaysScroll(page, 'the audit log');
      await screenshot(page, `${name}-documents-audit`);
      await page.goto(session.url('/admin/retention'));
      await page.getByRole('heading', { name: 'Conservation des scans' }).waitFor();
      await noSidewaysScroll(page, 'the retention page');
      await screenshot(page, `${name}-documents-retention`);
    }
  });
});
