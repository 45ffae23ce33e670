import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { DESKTOP, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';

/** Two screens of the 360-px phone: what a worker sees before deciding whether to scroll further. */
const TWO_SCREENS = 2 * 640;

const pageHeight = (page: Page) => page.evaluate(() => document.documentElement.scrollHeight);
/** Where a heading starts, from the top of the page (not of the window). */
const topOf = (page: Page, heading: RegExp) =>
  page.getByRole('heading', { name: heading }).first().evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
/** Where the card (section or fold) that holds a heading ends, from the top of the page. */
const bottomOf = (page: Page, heading: RegExp) =>
  page.getByRole('heading', { name: heading }).first()
    .evaluate((el) => el.closest('section, details')!.getBoundingClientRect().bottom + window.scrollY);

describe('what to do today comes first, on a 360-px phone', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  it('the worker’s home puts the youths to call at the top and fits in two screens', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url('/'));
    const height = await pageHeight(page);
    const toCall = await topOf(page, /Jeunes à appeler/);
    const urgentEnd = await bottomOf(page, /Papiers à rendre/);
    console.log(`    home at 360 px: ${height} px long, "Jeunes à appeler" at y = ${Math.round(toCall)} px, the five urgent sections end at y = ${Math.round(urgentEnd)} px`);
    await screenshot(page, 'phone-home-today-first');
    expect(toCall, 'the youths to call, on the first screen').to.be.below(640);
    const headings = await page.getByRole('heading', { level: 2 }).allInnerTexts();
    expect(headings.map((h) => h.replace(/\s*\(.*$/s, '').trim())).to.deep.equal(
      ['Jeunes à appeler', 'Appels à faire', 'Départs à valider', 'Suivis à faire', 'Papiers à rendre', 'Séances de la semaine']);
    // What needs the worker today, each section its count and first lines, within two screens; this week's
    // sessions, which the agenda also lists, may follow below.
    expect(urgentEnd, 'the urgent sections, within two screens').to.be.at.most(TWO_SCREENS);
    expect(height).to.be.at.most(2000);
  });

  it('the follow-ups page shows the round due now first, the older overdue rounds folded with their count', async () => {
    // The group: the 1- and 3-month calls never made (18 overdue) while the 12-month round falls due.
    const enrolments = testDb()('enrolments').where({ group_id: ids.groups.dispensaire }).select('id');
    await testDb()('follow_ups').whereIn('enrolment_id', enrolments).whereIn('milestone_months', [1, 3])
      .update({ done_on: null, reached: null, situation: null, contract: null });
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url(`/groups/${ids.groups.dispensaire}/followups`));
    const height = await pageHeight(page);
    const round = await topOf(page, /^À 12 mois/);
    console.log(`    follow-ups at 360 px: ${height} px long, the 12-month round (due now) at y = ${Math.round(round)} px`);
    await screenshot(page, 'phone-followups-due-first');
    const foldsEnd = await bottomOf(page, /^À 6 mois/);
    console.log(`    the folded rounds end at y = ${Math.round(foldsEnd)} px`);
    expect(round, 'the round due now, on the first screen').to.be.below(640);
    expect(foldsEnd, 'every round, the due one open and the others folded with their count, within two screens').to.be.at.most(TWO_SCREENS);
    expect(height).to.be.at.most(TWO_SCREENS + 400);
    const text = await seen(page);
    expect(text).to.match(/À 3 mois\s+9 en retard/).and.match(/À 1 mois\s+9 en retard/);
    expect(text.indexOf('À 3 mois'), 'the older overdue rounds, the most recent first').to.be.below(text.indexOf('À 1 mois'));
    await page.getByText('À 3 mois').click();
    expect(await page.getByRole('link', { name: 'Noter le suivi de Sarah Benoît à 3 mois' }).isVisible()).to.equal(true);
  });

  it('on a desktop, both pages read the same order', async () => {
    const page = await session.open(DESKTOP);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url('/'));
    await screenshot(page, 'desktop-home-today-first');
    await page.goto(session.url(`/groups/${ids.groups.dispensaire}/followups`));
    await screenshot(page, 'desktop-followups-due-first');
  });
});
