import { expect } from 'chai';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { countSteps, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

describe('the budget on a phone', function () {
  this.timeout(120_000);
  let sadiola = 0;
  const session = useBrowserSession((ids) => { sadiola = ids.groups.sadiola; });

  it('a worker plans two lines and records a spending from the group page at 360 px: 3 taps, 6 fields, 4 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${sadiola}`));
    await page.getByRole('link', { name: 'Voir le budget' }).click();
    await page.getByRole('heading', { name: 'Budget', level: 1 }).waitFor();
    await page.getByLabel('Transport', { exact: true }).fill('4 200');
    await page.getByLabel('Séjour', { exact: true }).fill('1 234,50');
    await page.getByRole('button', { name: 'Enregistrer le prévu' }).click();
    await page.getByText('Budget prévu enregistré.').waitFor();
    const spending = page.locator('form.budget-spending-form');
    await spending.getByLabel('Poste').selectOption('travel');
    await spending.getByLabel('Montant').fill('850,00');
    await spending.getByLabel('Libellé').fill('Billets de train Lille–Paris');
    await spending.getByLabel('Date').fill('2026-01-15');
    await page.getByRole('button', { name: 'Noter la dépense' }).click();
    await page.getByText('Dépense notée.').waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 3, fields: 6, pageLoads: 4 });

    const text = (await seen(page)).replace(/\s+/g, ' ');
    expect(text).to.include('Prévu 5 434,50 €').and.include('Dépensé 850,00 €').and.include('Billets de train Lille–Paris');
    expect(await horizontalOverflow(page), 'sideways scrolling on the budget page').to.equal(0);
    await screenshot(page, 'phone-budget');
    await page.goto(session.url(`/groups/${sadiola}`));
    await page.locator('#budget').scrollIntoViewIfNeeded();
    expect(await horizontalOverflow(page), 'sideways scrolling on the group page').to.equal(0);
    await screenshot(page, 'phone-group-budget');

    const desktop = await session.open(DESKTOP);
    await signInThroughForm(desktop, session.url, DEMO_ACCOUNTS.director.email);
    await desktop.goto(session.url(`/groups/${sadiola}/budget`));
    expect(await seen(desktop)).to.include('Billets de train Lille–Paris');
    await screenshot(desktop, 'desktop-budget');
    await desktop.goto(session.url('/reports'));
    await desktop.locator('#title-budget').scrollIntoViewIfNeeded();
    expect(await seen(desktop)).to.include('Budget des groupes');
    await screenshot(desktop, 'desktop-reports-budget');
  });
});
