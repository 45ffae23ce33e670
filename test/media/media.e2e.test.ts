import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { testDatabase, testDb } from '../support/database.js';
import { DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { elfExecutable, makeJpeg, makeMp4, requireFfmpeg, scratchDir, storedMedium } from './fixtures.js';

describe('youths’ media, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  let dir: string;
  let video: string;

  before(() => {
    requireFfmpeg();
    dir = scratchDir();
    // Big enough (a few hundred kilobytes) for the progress bar to be seen on a slow connection.
    video = makeMp4(dir, 'avant.mp4', { seconds: 4, size: '640x360' });
  });
  const session = useBrowserSession((demo) => (ids = demo));
  const open = session.open;
  const url = session.url;
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  it('on a phone: a youth films her “before” video, watches it upload and finds it in the group', async () => {
    const page = await open(PHONE);
    await signInThroughForm(page, url, 'ines.d');
    await page.goto(url(`/groups/${ids.groups.sadiola}`));
    await noSidewaysScroll(page, 'the group page with its media card');
    await screenshot(page, 'phone-media-group-card');
    await page.getByRole('region', { name: 'Vidéos, photos et carnet' }).getByRole('link', { name: 'Ajouter' }).click();
    await page.getByRole('heading', { name: 'Ajouter au groupe' }).waitFor();
    // The group is in its preparation: "before" is already chosen.
    expect(await page.getByRole('radio', { name: 'Avant le séjour' }).isChecked()).to.equal(true);
    expect(await page.getByLabel('Vidéo, photo ou son').getAttribute('accept')).to.equal('video/*,image/*,audio/*');
    expect(await page.getByLabel('Vidéo, photo ou son').getAttribute('capture')).to.equal(null);
    await noSidewaysScroll(page, 'the upload form');
    await screenshot(page, 'phone-media-new');

    await page.getByLabel('Légende (facultatif)').fill('Ce que je pense avant de partir');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(video);
    // A slow mobile connection, so the progress bar has time to show.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.enable');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 50, downloadThroughput: 500_000, uploadThroughput: 60_000 });
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByRole('progressbar').waitFor();
    await page.getByText(/Envoi : [1-9]\d* %/).waitFor();
    await screenshot(page, 'phone-media-uploading');
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

    await page.waitForURL(/\/media\/\d+$/, { timeout: 60_000 });
    await page.getByText('C’est dans le groupe !').waitFor();
    const text = await seen(page);
    expect(text).to.include('Ce que je pense avant de partir').and.include('Avant le séjour').and.include('Inès Dufour');
    const playable = await page.locator('video').evaluate((v: HTMLVideoElement) => new Promise<number>((resolve) => {
      if (v.readyState >= 1) resolve(v.duration);
      v.addEventListener('loadedmetadata', () => resolve(v.duration));
      v.addEventListener('error', () => resolve(-1));
    }));
    expect(playable, 'the video plays in the page (its duration, through the permission-checked route)').to.be.closeTo(4, 0.5);
    await noSidewaysScroll(page, 'the medium page');
    await screenshot(page, 'phone-media-show');

    await page.goto(url(`/groups/${ids.groups.sadiola}`));
    await page.getByRole('region', { name: 'Vidéos, photos et carnet' }).getByRole('link', { name: 'Voir' }).click();
    await page.getByRole('heading', { name: 'Vidéos, photos et carnet' }).waitFor();
    const list = await seen(page);
    expect(list, list).to.match(/Vidéos\s*\(1\)/).and.include('Ce que je pense avant de partir');
    expect(await page.locator('.medium-video img').count()).to.equal(1);
    await noSidewaysScroll(page, 'the group’s media');
    await screenshot(page, 'phone-media-index');
  });

  it('on a phone: a photo shows and a video plays, in their pages and opened on their own, though served sandboxed', async () => {
    const uploadDir = testDatabase().config.uploadDir;
    const ines = ids.youthUsers['ines.d']!;
    const photo = await storedMedium(testDb(), uploadDir, ids.groups.sadiola, ines, { kind: 'photo', mime: 'image/jpeg', ext: 'jpg', bytes: readFileSync(makeJpeg(dir)), caption: 'Photo sandbox' });
    const clip = await storedMedium(testDb(), uploadDir, ids.groups.sadiola, ines, { kind: 'video', mime: 'video/mp4', ext: 'mp4', bytes: readFileSync(video), caption: 'Vidéo sandbox' });
    const page = await open(PHONE);
    await signInThroughForm(page, url, 'ines.d');
    const shown = () => page.locator('img').first().evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth, () => 0));
    const plays = () => page.locator('video').first().evaluate((v: HTMLVideoElement) => new Promise<number>((resolve) => {
      if (v.readyState >= 1) resolve(v.duration);
      v.addEventListener('loadedmetadata', () => resolve(v.duration));
      v.addEventListener('error', () => resolve(-1));
    }));
    const base = `/groups/${ids.groups.sadiola}/media`;

    await page.goto(url(`${base}/${photo}`));
    expect(await page.locator('.player img').evaluate((img: HTMLImageElement) => img.decode().then(() => img.naturalWidth, () => 0)), 'the photo in its page').to.equal(320);
    const alone = await page.goto(url(`${base}/${photo}/file`));
    expect(alone!.headers()['content-security-policy']).to.match(/^sandbox/);
    expect(await shown(), 'the photo opened on its own').to.equal(320);

    await page.goto(url(`${base}/${clip}`));
    expect(await plays(), 'the video in its page').to.be.closeTo(4, 0.5);
    await page.goto(url(`${base}/${clip}/file`));
    expect(await plays(), 'the video opened on its own').to.be.closeTo(4, 0.5);
    // A file opened on its own is no page of the app, with no icon link: the browser asks /favicon.ico.
    session.expectProblems(/\/favicon\.ico/);
  });

  it('on a phone: the page says clearly when a file is refused, too big, or the connection drops', async () => {
    // Without the service worker: the requests it answers from its cache (tus.min.js) would pass by
    // page.route, which Playwright does not apply to them.
    const page = await open({ ...PHONE, serviceWorkers: 'block' });
    // The form sent in one piece (upload.js), as in a browser without tus support: the resumable path has
    // its own test (tus.e2e.test.ts).
    await page.route('**/assets/vendor/tus/**', (route) => route.abort());
    session.expectProblems(/Failed to load resource: net::ERR_FAILED|tus\.min\.js/);
    await signInThroughForm(page, url, 'ines.d');
    await page.goto(url(`/groups/${ids.groups.sadiola}/media/new`));
    const fake = path.join(dir, 'vacances.mp4');
    writeFileSync(fake, elfExecutable());
    await page.getByLabel('Légende (facultatif)').fill('Mes vacances');
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(fake);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    // The upload script shows the server's refusal (422) and the cut connection below in the page: the
    // browser logs them as failed loads, which here are the expected outcome, not a broken page.
    session.expectProblems(/Failed to load resource: (the server responded with a status of 422 \(Unprocessable Entity\)|net::ERR_CONNECTION_RESET) \(http:[^)]*\/media\?_csrf=/, 2);
    const problem = page.getByRole('alert').filter({ hasText: 'il est refusé' });
    await problem.waitFor();
    expect(await problem.innerText()).to.include('Ce fichier n’est pas une vidéo, une photo, un son ou un PDF : il est refusé.');
    expect(await page.getByLabel('Légende (facultatif)').inputValue()).to.equal('Mes vacances');
    await noSidewaysScroll(page, 'the refused upload');
    await screenshot(page, 'phone-media-refused');

    // A photo over 25 MB is stopped in the phone, before a byte is sent.
    const big = path.join(dir, 'grosse.jpg');
    writeFileSync(big, Buffer.alloc(26 * 1024 * 1024));
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(big);
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByRole('alert').filter({ hasText: 'Fichier trop gros' }).waitFor();

    // The connection drops during the upload.
    await page.getByLabel('Vidéo, photo ou son').setInputFiles(video);
    await page.route(/\/media\?_csrf=/, async (route) => {
      await new Promise((r) => setTimeout(r, 300));
      await route.abort('connectionreset');
    });
    await page.getByRole('button', { name: 'Envoyer' }).click();
    await page.getByRole('alert').filter({ hasText: 'La connexion a été coupée' }).waitFor();
    await page.unroute(/\/media\?_csrf=/);
    await screenshot(page, 'phone-media-network-cut');
    expect(await testDb()('media').where({ caption: 'Mes vacances' }).first()).to.equal(undefined);
  });

  for (const [size, options] of [['phone', PHONE], ['desktop', DESKTOP]] as const) {
    it(`on a ${size}: the worker tags who is in a video, is stopped by a missing consent, records it, and sees the before/after pages`, async () => {
      const page = await open(options);
      await signInThroughForm(page, url, DEMO_ACCOUNTS.karim.email);
      const medium = await testDb()('media').where({ group_id: ids.groups.sadiola, kind: 'video' }).orderBy('id').first('id');
      const consentsBefore = (await testDb()('image_consents').max('id as id').first())!.id as number;
      await page.goto(url(`/groups/${ids.groups.sadiola}/media/${medium.id}`));
      await page.getByRole('checkbox', { name: /Inès Dufour/ }).check();
      await page.getByRole('checkbox', { name: /Yanis Mebarki/ }).check();
      await page.getByRole('radio', { name: /Restitutions/ }).check();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Pas possible : ces jeunes n’ont pas donné leur accord pour « Restitutions ».').waitFor();
      expect(await seen(page)).to.include('Yanis Mebarki : mineur·e : accord des parents manquant');
      await noSidewaysScroll(page, 'the refused use level');
      await screenshot(page, `${size}-media-consent-refused`);

      await page.goto(url(`/groups/${ids.groups.sadiola}/media`));
      await page.getByRole('link', { name: 'Modifier — Yanis Mebarki' }).click();
      await page.getByRole('heading', { name: 'Droit à l’image — Yanis Mebarki' }).waitFor();
      await page.getByRole('radio', { name: /Restitutions/ }).check();
      await page.getByLabel('Les parents sont d’accord').check();
      await noSidewaysScroll(page, 'the consent form');
      await screenshot(page, `${size}-media-consent`);
      await page.getByRole('button', { name: 'Enregistrer l’accord' }).click();
      await page.getByText('Accord enregistré pour Yanis Mebarki.').waitFor();
      await noSidewaysScroll(page, 'the media page with consents');
      await screenshot(page, `${size}-media-index-worker`);

      await page.goto(url(`/groups/${ids.groups.sadiola}/media/${medium.id}`));
      await page.getByRole('checkbox', { name: /Inès Dufour/ }).check();
      await page.getByRole('checkbox', { name: /Yanis Mebarki/ }).check();
      await page.getByRole('radio', { name: /Restitutions/ }).check();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText('Modifications enregistrées.').waitFor();
      await screenshot(page, `${size}-media-show-worker`);

      // Back to the group's first state for the next size.
      await testDb()('media').where({ id: medium.id }).update({ use_level: 'group' });
      await testDb()('media_youths').where({ medium_id: medium.id }).del();
      await testDb()('image_consents').where('id', '>', consentsBefore).del();

      await page.goto(url(`/groups/${ids.groups.sadiola}/before-after`));
      await page.getByRole('heading', { name: /Avant \/ après/ }).waitFor();
      expect(await seen(page)).to.include('Pas encore de vidéo « après ».');
      await noSidewaysScroll(page, 'before and after, the after still to come');
      await screenshot(page, `${size}-media-before-after-group`);

      // A youth back from Bafou reads his own before and after.
      const youthPage = await open(options);
      await signInThroughForm(youthPage, url, 'lucas.v');
      await youthPage.goto(url(`/groups/${ids.groups.bafou}/before-after`));
      await youthPage.getByRole('link', { name: 'Lucas Vermeersch' }).click();
      await youthPage.getByRole('heading', { name: 'Avant / après — Lucas Vermeersch' }).waitFor();
      expect(await seen(youthPage)).to.include('Mon avant').and.include('Mon après');
      await noSidewaysScroll(youthPage, 'a youth’s before and after');
      await screenshot(youthPage, `${size}-media-before-after-youth`);
    });
  }
});
