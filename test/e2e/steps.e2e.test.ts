import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { countSteps, horizontalOverflow, PHONE, signInThroughForm, useBrowserSession } from '../support/browser.js';

/**
 * From the group list, the new-group form with the group's five fields filled in: 1 tap and 5 fields of a
 * flow. The trip is in four months unless it left `departedDaysAgo` days ago.
 */
async function openNewGroupFilled(page: Page, name: string, departedDaysAgo?: number): Promise<void> {
  const departure = departedDaysAgo === undefined ? dayjs().add(4, 'month') : dayjs().subtract(departedDaysAgo, 'day');
  await page.getByRole('link', { name: 'Nouveau groupe' }).click();
  await page.getByLabel('Nom du projet').fill(name);
  await page.getByLabel('Pays').selectOption('BF');
  await page.getByLabel('Ville ou lieu').fill('Kawara');
  await page.getByLabel('Date de départ prévue').fill(departure.format('YYYY-MM-DD'));
  await page.getByLabel('Date de retour prévue').fill(departure.add(15, 'day').format('YYYY-MM-DD'));
}

// What the worker's flows cost on a phone, counted as the person does them: when a flow changes, these
// figures change with it and the change's note gives them before and after.
describe('what a worker’s flows cost on a phone', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  it('creating a group, from the group list to its page: 2 taps, 5 fields, 3 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url('/groups'));
    await openNewGroupFilled(page, 'Jardin partagé à Kawara');
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByRole('heading', { name: 'Jardin partagé à Kawara', level: 1 }).waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 2, fields: 5, pageLoads: 3 });
  });

  // Before the funders were on the creation form: create the group, then "Modifier" and the funder form of
  // the edit page, 4 taps, 7 fields, 5 page loads.
  it('creating a group with one funder, from the group list to its page: 2 taps, 7 fields, 3 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url('/groups'));
    await openNewGroupFilled(page, 'Chantier financé à Kawara');
    const funder = page.getByRole('group', { name: 'Financeur 1' });
    await funder.getByLabel('Financeur', { exact: true }).fill('Région Hauts-de-France');
    await funder.getByLabel('Montant (€)').fill('1500');
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByRole('heading', { name: 'Chantier financé à Kawara', level: 1 }).waitFor();
    await page.getByText('Région Hauts-de-France').waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 2, fields: 7, pageLoads: 3 });
  });

  // Before, a group already abroad could not be created: a new group started in preparation, and reaching
  // the stay took the departure gate (every youth's papers and attendance) and a director's approval.
  it('creating a group already abroad at its real phase, from the group list to its page: 3 taps, 7 fields, 3 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url('/groups'));
    await openNewGroupFilled(page, 'Chantier repris à Kawara', 6);
    await page.getByText('Le projet est déjà en cours').click();
    await page.getByLabel('Étape actuelle').selectOption('stay');
    await page.getByLabel('Depuis le').fill(dayjs().subtract(6, 'day').format('YYYY-MM-DD'));
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByRole('heading', { name: 'Chantier repris à Kawara', level: 1 }).waitFor();
    await page.getByText(/Repris en cours de projet le/).waitFor();
    expect(await page.locator('.page-head .phase').innerText()).to.include('Séjour');
    expect(await horizontalOverflow(page)).to.equal(0);
    expect(steps()).to.deep.equal({ taps: 3, fields: 7, pageLoads: 3 });
  });

  it('lending a worker of another structure as co-lead, from the group page: 2 taps, 1 field, 3 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${ids.groups.dispensaire}`));
    await page.getByRole('link', { name: 'Modifier' }).first().click();
    await page.getByLabel('Ou un·e animateur·rice d’une autre structure du réseau (prêt·e au groupe)').fill(DEMO_ACCOUNTS.elodie.email);
    await page.locator('form[action$="/workers"]').getByRole('button', { name: 'Ajouter' }).click();
    await page.getByText('Co-référent·e ajouté·e.').waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 2, fields: 1, pageLoads: 3 });
  });
});
