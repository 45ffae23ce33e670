import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { ARTIFACTS, countSteps, DESKTOP, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDatabase, testDb } from '../support/database.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { sha256, tusFiles } from '../media/tus-client.js';
import { pdfBytes } from './fixtures.js';


describe('papers’ scans sent resumably in a browser (tus)', function () {
  this.timeout(300_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => (ids = demo));
  const paperOf = async (firstName: string, kind: string) =>
    testDb()('youth_documents').where({ enrolment_id: await enrolmentOf(testDb(), ids.groups.sadiola, firstName), kind }).first();

  /** From her group page to her passport handed in: the link to her papers, the date, the scan, "Envoyer". */
  async function sendPassport(page: Page, scan: { name: string; mimeType: string; buffer: Buffer }, expiry: string) {
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await page.getByRole('link', { name: 'Mes papiers' }).click();
    const passport = page.locator('#paper-passport_or_id');
    await passport.getByText('Envoyer un nouveau papier ou corriger').click();
    await passport.getByLabel('Valable jusqu’au').fill(expiry);
    await passport.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles(scan);
    await passport.getByRole('button', { name: 'Envoyer', exact: true }).click();
    return steps;
  }

  it('counts the taps of a youth’s passport: the form in one piece (as before) and through tus, the same', async () => {
    const counts: Record<string, unknown> = {};
    session.expectProblems(/tus|Failed to load resource/i);
    for (const [how, expiry] of [['multipart', '2033-01-01'], ['tus', '2033-02-02']] as const) {
      // Without the service worker: page.route does not see what it answers from its cache (tus.min.js).
      const page = await session.open({ ...PHONE, serviceWorkers: 'block' });
      if (how === 'multipart') await page.route('**/assets/vendor/tus/**', (route) => route.abort());
      await signInThroughForm(page, session.url, 'ines.d');
      const steps = await sendPassport(page, { name: 'passeport.pdf', mimeType: 'application/pdf', buffer: pdfBytes(how) }, expiry);
      await page.getByText('Papier reçu. Un·e animateur·rice va le vérifier.').waitFor();
      await page.waitForLoadState('load');
      counts[how] = steps();
      expect((await paperOf('Inès', 'passport_or_id')).expiry_date, how).to.equal(expiry);
    }
    console.log(`      steps from the group page to the passport handed in: ${JSON.stringify(counts)}`);
    expect(counts.tus).to.deep.equal(counts.multipart);
  });

  it('sends a 14 MB scan from a 360 px phone in pieces, the network cut once after the first, resumed (“Reprise à …”), with the same SHA-256', async () => {
    // Without the service worker, so that page.route sees the pieces.
    const page = await session.open({ ...PHONE, serviceWorkers: 'block' });
    session.expectProblems(/ERR_INTERNET_DISCONNECTED|net::|Failed to load resource|tus: failed/i);
    await signInThroughForm(page, session.url, 'ines.d');
    const scan = Buffer.concat([pdfBytes('passeport scanné'), Buffer.alloc(14_000_000 - 2000, 0x20)]);
    // The phone loses its network as it sends the second piece (5 MB of 14 are on the server).
    let pieces = 0;
    let storedAtCut = 0;
    // The piece sent again once the network is back waits until the screenshots are taken: 9 MB left go
    // so fast here that the page would otherwise have moved on to the paper under the camera.
    let resumeNow: () => void = () => {};
    const screenshotsTaken = new Promise<void>((resolve) => (resumeNow = resolve));
    let resentFrom: (offset: number) => void = () => {};
    const pieceResent = new Promise<number>((resolve) => (resentFrom = resolve));
    await page.route('**/documents/passport_or_id/tus/*', async (route) => {
      if (route.request().method() !== 'PATCH') return route.continue();
      pieces += 1;
      if (pieces === 3) {
        resentFrom(Number(route.request().headers()['upload-offset']));
        await screenshotsTaken;
      }
      if (pieces !== 2) return route.continue();
      const partial = tusFiles().filter((f) => !f.endsWith('.json'));
      // Read here, asserted below: a throw in a route's handler would only hang the page.
      storedAtCut = partial.length === 1 ? statSync(path.join(testDatabase().config.uploadDir, 'tus', partial[0]!)).size : -partial.length;
      await page.context().setOffline(true);
      await route.abort('internetdisconnected');
    });
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/youths/${await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès')}/documents`));
    const passport = page.locator('#paper-passport_or_id');
    await passport.getByText('Envoyer un nouveau papier ou corriger').click();
    await passport.getByLabel('Valable jusqu’au').fill('2035-06-30');
    await passport.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles({ name: 'passeport-scan.pdf', mimeType: 'application/pdf', buffer: scan });
    await passport.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await passport.getByText(/Réseau coupé à \d+ %/).waitFor({ timeout: 60_000 });
    expect(storedAtCut, 'the first piece is on the server').to.equal(5_000_000);
    expect((await paperOf('Inès', 'passport_or_id'))?.expiry_date, 'no paper from a partial file').not.to.equal('2035-06-30');
    await screenshot(page, 'phone-tus-scan-offline');
    await passport.screenshot({ path: path.join(ARTIFACTS, 'phone-tus-scan-offline-paper.png') });

    await page.context().setOffline(false);
    const resuming = passport.getByText(/Reprise à \d+ %/);
    await resuming.waitFor({ timeout: 60_000 });
    const resumedAt = Number(/(\d+) %/.exec(await resuming.innerText())![1]);
    expect(resumedAt, 'it carries on from where the server stood, not from zero').to.be.at.least(35);
    expect(await pieceResent, 'the piece sent again starts where the server stood').to.equal(5_000_000);
    await screenshot(page, 'phone-tus-scan-resuming');
    await passport.screenshot({ path: path.join(ARTIFACTS, 'phone-tus-scan-resuming-paper.png') });
    resumeNow();

    await page.getByText('Papier reçu. Un·e animateur·rice va le vérifier.').waitFor({ timeout: 120_000 });
    expect(await seen(page)).to.include('Valable jusqu’au 30 juin 2035');
    const row = await paperOf('Inès', 'passport_or_id');
    expect(row.scan_sha256, 'the SHA-256 the server computed').to.equal(sha256(scan));
    expect(sha256(readFileSync(path.join(testDatabase().config.uploadDir, row.scan_path))), 'the file on the disk').to.equal(sha256(scan));
    expect(Number(row.scan_size)).to.equal(scan.length);
    expect(tusFiles(), 'no partial file left').to.deep.equal([]);
    await screenshot(page, 'phone-tus-scan-done');
  });

  it('says on its field why a scan is refused once its bytes are read (no scan), keeping what was typed, on a phone and a desktop', async () => {
    for (const [size, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
      const page = await session.open(options);
      session.expectProblems(/422|tus: unexpected response/i);
      await signInThroughForm(page, session.url, 'ines.d');
      await page.goto(session.url(`/groups/${ids.groups.sadiola}/youths/${await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès')}/documents`));
      const passport = page.locator('#paper-passport_or_id');
      await passport.getByText('Envoyer un nouveau papier ou corriger').click();
      await passport.getByLabel('Valable jusqu’au').fill('2035-06-30');
      await passport.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles({ name: 'passeport.pdf', mimeType: 'application/pdf', buffer: Buffer.from('pas un pdf') });
      await passport.getByRole('button', { name: 'Envoyer', exact: true }).click();
      // Said once, on the scan's field, as the form's page says it; the line by the button points up to it.
      await passport.getByRole('alert').filter({ hasText: 'Pas enregistré : voir le message plus haut.' }).waitFor();
      expect(await passport.locator('.field-error').innerText()).to.include('Ce fichier n’est pas un PDF, un JPEG ou un PNG.');
      await page.getByText('Ce fichier n’est pas un PDF, un JPEG ou un PNG.').waitFor();
      expect(await passport.getByLabel('Valable jusqu’au').inputValue()).to.equal('2035-06-30');
      await screenshot(page, `${size}-tus-scan-refused`);
      await passport.screenshot({ path: path.join(ARTIFACTS, `${size}-tus-scan-refused-paper.png`) });
      expect(tusFiles()).to.deep.equal([]);
      expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')))).to.deep.equal([]);
    }
  });

  it('refuses a 14 MB file that is no scan at its second piece, on its field: one piece sent of three', async () => {
    const page = await session.open({ ...PHONE, serviceWorkers: 'block' });
    session.expectProblems(/422|tus: unexpected response/i);
    await signInThroughForm(page, session.url, 'ines.d');
    const pieces: string[] = [];
    page.on('response', (r) => {
      if (r.request().method() === 'PATCH') pieces.push(String(r.status()));
    });
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/youths/${await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès')}/documents`));
    const passport = page.locator('#paper-passport_or_id');
    await passport.getByText('Envoyer un nouveau papier ou corriger').click();
    await passport.getByLabel('Valable jusqu’au').fill('2035-06-30');
    await passport.getByLabel('Photo ou scan (PDF, JPEG ou PNG)').setInputFiles({ name: 'passeport.pdf', mimeType: 'application/pdf', buffer: Buffer.alloc(14_000_000, 0x41) });
    await passport.getByRole('button', { name: 'Envoyer', exact: true }).click();
    await passport.getByRole('alert').filter({ hasText: 'Pas enregistré : voir le message plus haut.' }).waitFor({ timeout: 60_000 });
    expect(await passport.locator('.field-error').innerText()).to.include('Ce fichier n’est pas un PDF, un JPEG ou un PNG.');
    expect(await passport.getByLabel('Valable jusqu’au').inputValue()).to.equal('2035-06-30');
    expect(pieces, 'the first piece taken, the second refused, no third').to.deep.equal(['204', '422']);
    expect(tusFiles()).to.deep.equal([]);
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')))).to.deep.equal([]);
  });
});
