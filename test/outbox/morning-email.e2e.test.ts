import { expect } from 'chai';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { testDb } from '../support/database.js';
import { countSteps, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

// Asking for the morning e-mail, on a phone, from the home page where its lists are.
describe('the morning e-mail, chosen on a phone', function () {
  this.timeout(120_000);
  const session = useBrowserSession();

  it('from the home page to "on": 3 taps (the link, the box, save), 1 field, 3 page loads (the home page\'s included)', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url('/'));
    await screenshot(page, 'home-morning-email-link-phone');
    await page.getByRole('link', { name: 'Recevoir ces listes par e-mail chaque matin' }).click();
    await page.getByRole('heading', { name: 'Mon compte', level: 1 }).waitFor();
    expect(await horizontalOverflow(page)).to.equal(0);
    await screenshot(page, 'account-morning-email-phone');
    await page.getByLabel('Recevoir chaque matin à 07:30 un e-mail de ce qui est à faire aujourd’hui').check();
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('C’est noté : l’e-mail du matin partira chaque jour à 07:30.').waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 3, fields: 1, pageLoads: 3 });
    expect(await page.getByLabel('Recevoir chaque matin à 07:30 un e-mail de ce qui est à faire aujourd’hui').isChecked()).to.equal(true);
    const user = await testDb()('users').where({ email: DEMO_ACCOUNTS.karim.email }).first('morning_email');
    expect(Boolean(user.morning_email)).to.equal(true);
    await page.goto(session.url('/'));
    expect(await seen(page)).to.include('E-mail du matin : activé');
  });

  it('shows the same page on a desktop', async () => {
    const page = await session.open(DESKTOP);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.director.email);
    await page.goto(session.url('/account'));
    expect(await seen(page)).to.include('E-mail du matin');
    await screenshot(page, 'account-morning-email-desktop');
  });
});
