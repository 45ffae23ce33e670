import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';
import { enrolled, youth, youthWithAccount } from './fixtures.js';

describe('one youth in two structures, on a phone', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  it('the worker lent to the mission locale links Walid’s MJC file to his file there, he sees both groups, and the link is undone', async () => {
    await youthWithAccount(testDb(), ids.groups.algerie, 'Walid', 'walid.b');
    const walidB = await enrolled(testDb(), { id: ids.groups.kawara }, youth('Walid', 'Benaïssa'));

    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.elodie.email);
    await page.goto(session.url(`/groups/${ids.groups.kawara}/youths/${walidB.enrolment_id}`));
    await page.getByRole('link', { name: 'Relier à sa fiche d’une autre structure' }).click();
    expect(await seen(page)).to.include('Construire parasismique en Algérie\n(Mission locale du Douaisis)');
    await noSidewaysScroll(page, 'the link form');
    await screenshot(page, 'phone-youth-link-form');
    await page.getByRole('button', { name: 'Relier les deux fiches' }).click();
    expect(await seen(page)).to.include('Choisissez une fiche.');
    await page.getByRole('radio', { name: 'Walid Benaïssa' }).check();
    await page.getByRole('button', { name: 'Relier les deux fiches' }).click();
    expect(await seen(page)).to.include('Fiches reliées').and.include('Même personne que Walid Benaïssa');
    await noSidewaysScroll(page, 'the linked file');
    await screenshot(page, 'phone-youth-linked');

    const walid = await session.open(PHONE);
    await signInThroughForm(walid, session.url, 'walid.b');
    await walid.goto(session.url('/me'));
    expect(await seen(walid)).to.include('Jumelage Le Portel – Kawara').and.include('Construire parasismique en Algérie');
    await noSidewaysScroll(walid, 'the journey');
    await screenshot(walid, 'phone-journey-two-structures');

    await page.getByRole('button', { name: 'Défaire le lien' }).click();
    expect(await seen(page)).to.include('Lien défait').and.include('Relier à sa fiche d’une autre structure');
  });
});
