import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Locator, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { countSteps, horizontalOverflow, PHONE, screenshot, signInThroughForm, useBrowserSession, type Steps } from '../support/browser.js';
import { testDb } from '../support/database.js';
import { jpegBytes, oranGroup, papersAt, pdfBytes } from './fixtures.js';

const FAR = '2099-12-31';

/** What a worker types for one paper, by the labels its form gives the fields (the same on both forms). */
async function fillPaper(scope: Locator, kind: string): Promise<void> {
  const date = (label: string, value: string) => scope.getByLabel(label, { exact: true }).fill(value);
  if (kind === 'visa') {
    await date('Demande faite le', dayjs().format('YYYY-MM-DD'));
    await scope.getByLabel('Visa accordé').check();
    await date('Visa valable jusqu’au', FAR);
  } else if (kind === 'insurance') {
    await date('Couvert à partir du', '2000-01-01');
    await date('Couvert jusqu’au', FAR);
  } else if (kind !== 'image_rights') {
    await date('Valable jusqu’au', FAR);
  }
}

const scan = (kind: string, i: number) => (i % 2
  ? { name: `${kind}.jpg`, mimeType: 'image/jpeg', buffer: jpegBytes() }
  : { name: `${kind}.pdf`, mimeType: 'application/pdf', buffer: pdfBytes() });

/** The worker's finger on a file field: the tap that opens the phone's picker, then the files chosen in it. */
async function pickFiles(page: Page, input: Locator, files: ReturnType<typeof scan>[]): Promise<void> {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), input.click()]);
  await chooser.setFiles(files);
}

/** A tap that sends a form or follows a link, and the page it loads. */
async function tapAndLoad(page: Page, target: Locator): Promise<void> {
  const loaded = page.waitForEvent('load');
  await target.click();
  await loaded;
}

/** Every received paper of the board checked a column at a time, as papers-steps.e2e.test.ts does. */
async function checkEveryColumn(page: Page): Promise<void> {
  while (await page.locator('.board-check').count()) await tapAndLoad(page, page.locator('.board-check').getByRole('button').first());
}

// The same 26 papers of a group to Algeria (5 youths, 3 of them minors), handed in from scans and then
// checked, on a phone: one paper at a time from each youth's page (all there was before), then several at
// once per youth from the board. Each flow has a group of its own, built alike.
describe('what handing in and checking a group’s papers costs on a phone', function () {
  this.timeout(240_000);
  let ids: DemoIds;
  const measured: Record<string, Steps> = {};
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  after(() => {
    for (const [flow, steps] of Object.entries(measured)) console.log(`      ${flow}: ${steps.taps} taps, ${steps.fields} fields, ${steps.pageLoads} page loads`);
  });

  it('one paper at a time from each youth’s page, then checked from the board', async () => {
    const { groupId, enrolments } = await oranGroup(testDb(), ids.users.karim, 'Oran un par un');
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    const board = session.url(`/groups/${groupId}/documents`);
    await page.goto(board);
    for (const youth of enrolments) {
      await tapAndLoad(page, page.locator('.board-card').getByRole('link', { name: `Voir les papiers : ${youth.name}` }));
      const kinds = await page.locator('section.paper').evaluateAll((els) => els.map((e) => e.id.replace(/^paper-/, '')));
      for (const [i, kind] of kinds.entries()) {
        const paper = page.locator(`#paper-${kind}`);
        await fillPaper(paper, kind);
        await pickFiles(page, paper.getByLabel('Photo ou scan (PDF, JPEG ou PNG)'), [scan(kind, i)]);
        await tapAndLoad(page, paper.getByRole('button', { name: 'Envoyer', exact: true }));
      }
      // Back to the board as the phone's back button or a bookmark would: no tap counted, one page loaded.
      await page.goto(board);
    }
    expect(await papersAt(testDb(), groupId, 'received')).to.equal(26);
    await checkEveryColumn(page);
    expect(await papersAt(testDb(), groupId, 'checked')).to.equal(26);
    measured['one at a time'] = steps();
  });

  it('several scans at once per youth from the board, then checked from it: under 40 taps', async () => {
    const { groupId, enrolments } = await oranGroup(testDb(), ids.users.karim, 'Oran d’un coup');
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${groupId}/documents`));
    for (const youth of enrolments) {
      await tapAndLoad(page, page.locator('.board-card').getByRole('link', { name: `Déposer plusieurs papiers : ${youth.name}` }));
      // The slots come guessed in the order of the papers missing: the scans are picked in that order and the guesses kept.
      const guessed = await page.locator('select[name^="paper"]').evaluateAll((els) => els.map((e) => (e as HTMLSelectElement).value));
      await pickFiles(page, page.getByLabel('Les scans (PDF, JPEG ou PNG)'), guessed.map(scan));
      for (const kind of guessed) await fillPaper(page.locator(`.scan-dates[data-kind="${kind}"]`), kind);
      if (youth === enrolments[2]) {
        expect(await horizontalOverflow(page), 'sideways scrolling on the form for several scans').to.equal(0);
        await screenshot(page, 'phone-documents-scans');
      }
      await tapAndLoad(page, page.getByRole('button', { name: 'Déposer les papiers' }));
      await page.getByRole('heading', { name: `Papiers déposés — ${youth.name}` }).waitFor();
    }
    expect(await papersAt(testDb(), groupId, 'received')).to.equal(26);
    const scanned = await testDb()('youth_documents').join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id').where({ group_id: groupId }).whereNotNull('scan_path').count({ n: '*' });
    expect(Number(scanned[0]!.n)).to.equal(26);
    await screenshot(page, 'phone-documents-board-scans');
    await checkEveryColumn(page);
    expect(await papersAt(testDb(), groupId, 'checked')).to.equal(26);
    const after = steps();
    measured['several at once'] = after;
    expect(after.taps).to.be.below(40);
    if (measured['one at a time']) expect(after.taps).to.be.below(measured['one at a time'].taps);
  });

  it('with its script, shows only the slots of the files picked, each naming its file, and only their papers’ dates', async () => {
    const { groupId, enrolments } = await oranGroup(testDb(), ids.users.karim, 'Oran deux fichiers');
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const minor = enrolments[2]!;
    await page.goto(session.url(`/groups/${groupId}/youths/${minor.id}/scans`));
    expect(await page.locator('[data-slot]:visible').count()).to.equal(6);
    await page.getByLabel('Les scans (PDF, JPEG ou PNG)').setInputFiles([scan('passeport', 0), scan('visa', 1)]);
    expect(await page.locator('[data-slot]:visible label').allInnerTexts()).to.deep.equal(['Fichier 1 — passeport.pdf', 'Fichier 2 — visa.jpg']);
    expect(await page.locator('.scan-dates:visible').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind))).to.deep.equal(['passport_or_id', 'visa']);
    // The second file is the exit authorisation after all: its dates come, the visa's go.
    await page.getByLabel(/^Fichier 2/).selectOption('exit_authorisation');
    expect(await page.locator('.scan-dates:visible').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.kind))).to.deep.equal(['passport_or_id', 'exit_authorisation']);
  });

  it('works without a script: the files and the guessed slots post as rendered, a bad file is refused alone and says why', async () => {
    const { groupId, enrolments } = await oranGroup(testDb(), ids.users.karim, 'Oran sans script');
    const page = await session.open({ ...PHONE, javaScriptEnabled: false });
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url(`/groups/${groupId}/documents`));
    await page.locator('.board-card').getByRole('link', { name: `Déposer plusieurs papiers : ${enrolments[0]!.name}` }).click();
    // Three files for the first three slots (passport, visa, insurance): the passport is not a scan at all.
    await page.getByLabel('Les scans (PDF, JPEG ou PNG)').setInputFiles([
      { name: 'passeport.pdf', mimeType: 'application/pdf', buffer: Buffer.from('pas un pdf') }, scan('visa', 0), scan('insurance', 1),
    ]);
    for (const kind of ['passport_or_id', 'visa', 'insurance']) await fillPaper(page.locator(`.scan-dates[data-kind="${kind}"]`), kind);
    await page.getByRole('button', { name: 'Déposer les papiers' }).click();
    const results = page.locator('.scan-results');
    await results.waitFor();
    const text = (await results.innerText()).replace(/\u00a0/g, ' ');
    expect(text).to.include('passeport.pdf → Passeport : pas enregistré. Ce fichier n’est pas un PDF, un JPEG ou un PNG.');
    expect(text).to.include('visa.pdf → Visa : enregistré.').and.include('insurance.jpg → Assurance voyage : enregistré.');
    // The passport's date is still there to send with the right file.
    expect(await page.locator('.scan-dates[data-kind="passport_or_id"]').getByLabel('Valable jusqu’au', { exact: true }).inputValue()).to.equal(FAR);
    expect(await page.locator('select[name="paper0"]').inputValue()).to.equal('passport_or_id');
    expect(await horizontalOverflow(page), 'sideways scrolling on the refused form').to.equal(0);
    await screenshot(page, 'phone-documents-scans-refused');
    expect(await papersAt(testDb(), groupId, 'received')).to.equal(2);
  });
});
