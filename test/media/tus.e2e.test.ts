import { createHash } from 'node:crypto';
import { createReadStream, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { makeTestFile } from '../../scripts/mp4-test-file.js';
import { testDatabase, testDb } from '../support/database.js';
import { countSteps, DESKTOP, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { elfExecutable, listFiles, scratchDir } from './fixtures.js';

const MB = 1024 * 1024;

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * MB })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

const percentShown = (page: Page) => page.locator('#upload-progress').evaluate((p: HTMLProgressElement) => (p.hasAttribute('value') ? p.value : 100));

describe('resumable uploads in a browser (tus)', function () {
  this.timeout(600_000);
  let ids: DemoIds;
  let dir: string;
  let big: string;
  let bigSha: string;
  let small: string;

  before(async function () {
    this.timeout(120_000);
    dir = scratchDir();
    big = path.join(dir, 'sejour-300.mp4');
    bigSha = await makeTestFile(big, 300 * MB);
    small = path.join(dir, 'petit.mp4');
    await makeTestFile(small, 2 * MB);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const session = useBrowserSession((demo) => (ids = demo));

  /** From opening the group page to the new medium's page: what a youth taps and how many pages load (the group page's included). */
  async function uploadFromGroupPage(page: Page, file: string) {
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await page.getByRole('region', { name: 'Vidéos, photos et carnet' }).getByRole('link', { name: 'Ajouter' }).click();
    await page.getByRole('heading', { name: 'Ajouter au groupe' }).waitFor();
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(file);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    return steps;
  }

  it('counts the taps of a youth’s upload: as before (the form in one piece) and through tus, the same', async () => {
    const counts: Record<string, unknown> = {};
    // Before: the page as it was, its script sending the whole form at once (tus-js-client kept away).
    session.expectProblems(/tus|Failed to load resource/i);
    for (const how of ['multipart', 'tus'] as const) {
      const page = await session.open(PHONE);
      if (how === 'multipart') await page.route('**/assets/vendor/tus/**', (route) => route.abort());
      await signInThroughForm(page, session.url, 'ines.d');
      const steps = await uploadFromGroupPage(page, small);
      await page.waitForURL(/\/media\/\d+$/, { timeout: 60_000 });
      await page.getByText('C’est dans le groupe !').waitFor();
      await page.waitForLoadState('load');
      counts[how] = steps();
    }
    console.log(`      steps from the group page to the new medium: ${JSON.stringify(counts)}`);
    expect(counts.tus).to.deep.equal(counts.multipart);
    expect(counts.tus).to.deep.include({ taps: 2, fields: 1, pageLoads: 3 });
  });

  it('uploads 300 MB through the media page, cut off half way, resumes (“Reprise à …”), and keeps the same SHA-256', async () => {
    const page = await session.open(PHONE);
    // The browser reports the requests the cut network fails: provoked, not breakage.
    session.expectProblems(/ERR_INTERNET_DISCONNECTED|net::|Failed to load resource|tus: failed/i);
    await signInThroughForm(page, session.url, 'ines.d');
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/media/new`));
    await page.getByLabel('Légende (facultatif)').fill('Le séjour en entier');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(big);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.waitForFunction(() => Number((document.querySelector('#upload-progress') as HTMLProgressElement).value) >= 50, null, { timeout: 300_000, polling: 50 });
    await page.context().setOffline(true);
    await page.getByText(/Réseau coupé à \d+ %/).waitFor({ timeout: 60_000 });
    const cutAt = await percentShown(page);
    const partials = listFiles(path.join(testDatabase().config.uploadDir, 'tus')).filter((f) => !f.endsWith('.json'));
    expect(partials).to.have.length(1);
    const stored = statSync(path.join(testDatabase().config.uploadDir, 'tus', partials[0]!)).size;
    expect(stored, 'the server kept the bytes received before the cut').to.be.within(1, 300 * MB - 1);
    expect(await testDb()('media').where({ caption: 'Le séjour en entier' }).first(), 'no medium from a partial file').to.equal(undefined);
    await screenshot(page, 'phone-tus-offline');

    await page.context().setOffline(false);
    const resuming = page.getByText(/Reprise à \d+ %/);
    await resuming.waitFor({ timeout: 60_000 });
    const resumedText = await resuming.innerText();
    const resumedAt = Number(/(\d+) %/.exec(resumedText)![1]);
    expect(resumedAt, `${resumedText}: it carries on from where the server stood, not from zero`).to.be.at.least(Math.min(cutAt, Math.floor((stored * 100) / (300 * MB))) - 1);
    await screenshot(page, 'phone-tus-resuming');

    await page.waitForURL(/\/media\/\d+$/, { timeout: 300_000 });
    expect(await seen(page)).to.include('C’est dans le groupe !').and.include('Le séjour en entier');
    const row = await testDb()('media').where({ caption: 'Le séjour en entier' }).first();
    expect(row.sha256, 'the SHA-256 the server computed').to.equal(bigSha);
    expect(await sha256Of(path.join(testDatabase().config.uploadDir, row.stored_path)), 'the file on the disk').to.equal(bigSha);
    expect(Number(row.size_bytes)).to.equal(300 * MB);
    expect(listFiles(path.join(testDatabase().config.uploadDir, 'tus')), 'no partial file left').to.deep.equal([]);
  });

  it('carries on after the tab is closed: opened again, the same file chosen again, “Reprise à N %”, the same SHA-256, one medium', async () => {
    const mediaDir = path.join(testDatabase().config.uploadDir, 'tus');
    const mediaCount = async () => Number((await testDb()('media').where({ group_id: ids.groups.sadiola }).count({ n: '*' }))[0]!.n);
    const before = await mediaCount();
    session.expectProblems(/net::|Failed to load resource|tus: failed/i);
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, 'ines.d');
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/media/new`));
    await page.getByLabel('Légende (facultatif)').fill('Reprise après fermeture');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(big);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.waitForFunction(() => Number((document.querySelector('#upload-progress') as HTMLProgressElement).value) >= 40, null, { timeout: 300_000, polling: 50 });
    // What the browser keeps when it is closed: its cookies and this origin's localStorage, where the page's
    // script wrote the upload's address.
    const kept = await page.context().storageState();
    const remembered = kept.origins.flatMap((o) => o.localStorage).filter((e) => e.name.startsWith('tus::'));
    expect(remembered, 'the upload remembered for this account').to.have.length(1);
    await page.context().close();
    const partials = listFiles(mediaDir).filter((f) => !f.endsWith('.json'));
    expect(partials).to.have.length(1);
    const stored = statSync(path.join(mediaDir, partials[0]!)).size;
    expect(stored, 'the server kept what it received before the tab closed').to.be.within(1, 300 * MB - 1);

    // The phone opens the page again later: the same browser storage, a new page.
    const again = await session.open({ ...PHONE, storageState: kept });
    const steps = await countSteps(again);
    await again.goto(session.url(`/groups/${ids.groups.sadiola}/media/new`));
    await again.getByLabel('Vidéo, photo ou son').setInputFiles(big);
    await again.getByRole('button', { name: 'Envoyer' }).click();
    const resuming = again.getByText(/Reprise à \d+ %/);
    await resuming.waitFor({ timeout: 60_000 });
    const resumedText = await resuming.innerText();
    const resumedAt = Number(/(\d+) %/.exec(resumedText)![1]);
    expect(resumedAt, `${resumedText}: from where the server stood`).to.be.at.least(Math.max(1, Math.floor((stored * 100) / (300 * MB)) - 1));
    await screenshot(again, 'phone-tus-reopened-resuming');
    await again.waitForURL(/\/media\/\d+$/, { timeout: 300_000 });
    await again.waitForLoadState('load');
    console.log(`      resumed at ${resumedAt} % after the tab was closed; steps from the page opened again: ${JSON.stringify(steps())}`);
    expect(steps()).to.deep.equal({ taps: 1, fields: 1, pageLoads: 2 });
    expect(await seen(again)).to.include('C’est dans le groupe !').and.include('Reprise après fermeture');
    expect(await mediaCount(), 'one medium, not one per try').to.equal(before + 1);
    const row = await testDb()('media').where({ caption: 'Reprise après fermeture' }).first();
    expect(row.sha256).to.equal(bigSha);
    expect(await sha256Of(path.join(testDatabase().config.uploadDir, row.stored_path))).to.equal(bigSha);
    expect(listFiles(mediaDir), 'no partial file left').to.deep.equal([]);
    expect(await again.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::'))), 'forgotten once done').to.deep.equal([]);
  });

  it('goes on by itself after the phone slept longer than every retry, its browser never saying the network went', async () => {
    session.expectProblems(/net::|Failed to load resource|tus: failed/i);
    const page = await session.open(PHONE);
    // A phone that does not report its network: navigator.onLine stays true and no 'online' event comes.
    // (A string: the test's compiler would wrap a function's inner arrows in a helper the page lacks.)
    await page.addInitScript(`
      Object.defineProperty(Navigator.prototype, 'onLine', { get: function () { return true; } });
      window.addEventListener('online', function (e) { e.stopImmediatePropagation(); }, true);
      window.addEventListener('offline', function (e) { e.stopImmediatePropagation(); }, true);`);
    await page.clock.install();
    await signInThroughForm(page, session.url, 'ines.d');
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/media/new`));
    await page.getByLabel('Légende (facultatif)').fill('Après le sommeil');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(big);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.waitForFunction(() => Number((document.querySelector('#upload-progress') as HTMLProgressElement).value) >= 30, null, { timeout: 300_000, polling: 50 });
    const firstFailure = page.waitForEvent('requestfailed', { timeout: 60_000 });
    await page.context().setOffline(true);
    await firstFailure;
    // Asleep for longer than all the retry delays (about 4 min 40 s): each retry fails at once.
    const cut = page.getByText(/Réseau coupé à \d+ %/);
    let asleepMs = 0;
    while (!(await cut.isVisible()) && asleepMs < 15 * 60_000) {
      await page.clock.runFor(10_000);
      asleepMs += 10_000;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(asleepMs, 'every retry spent').to.be.at.least(4 * 60_000);
    await cut.waitFor({ timeout: 1000 });
    await page.context().setOffline(false);
    // Awake: within the minute it carries on, nobody tapping anything.
    await page.clock.runFor(61_000);
    await page.getByText(/Reprise à \d+ %/).waitFor({ timeout: 60_000 });
    await page.waitForURL(/\/media\/\d+$/, { timeout: 300_000 });
    const row = await testDb()('media').where({ caption: 'Après le sommeil' }).first();
    expect(row.sha256).to.equal(bigSha);
    expect(listFiles(path.join(testDatabase().config.uploadDir, 'tus'))).to.deep.equal([]);
  });

  it('on a desktop: says why a file is refused once its bytes are read (not a medium), and keeps nothing', async () => {
    const page = await session.open(DESKTOP);
    session.expectProblems(/422|tus: unexpected response/i);
    await signInThroughForm(page, session.url, 'ines.d');
    await page.goto(session.url(`/groups/${ids.groups.sadiola}/media/new`));
    const fake = path.join(dir, 'vacances.mp4');
    writeFileSync(fake, elfExecutable());
    await page.getByLabel('Légende (facultatif)').fill('Mes vacances');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(fake);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    const problem = page.getByRole('alert').filter({ hasText: 'il est refusé' });
    await problem.waitFor();
    expect(await problem.innerText()).to.include('Ce fichier n’est pas une vidéo, une photo, un son ou un PDF : il est refusé.');
    expect(await page.getByLabel('Légende (facultatif)').inputValue()).to.equal('Mes vacances');
    await screenshot(page, 'desktop-tus-refused');
    expect(await testDb()('media').where({ caption: 'Mes vacances' }).first()).to.equal(undefined);
    expect(listFiles(path.join(testDatabase().config.uploadDir, 'tus'))).to.deep.equal([]);
    // Not remembered for resuming: a refused upload is over.
    expect(await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith('tus::')))).to.deep.equal([]);
  });
});
