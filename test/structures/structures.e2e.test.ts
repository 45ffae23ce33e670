import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_NETWORK, type DemoIds } from '../../src/demo/demo-data.js';
import { horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

describe('networks and structures, on a phone', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  it('the coordinator reads the network\'s structures side by side', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.coordinator.email);
    await page.waitForURL((u) => u.pathname === '/network');
    const text = await seen(page);
    expect(text).to.include(DEMO_NETWORK).and.include('Mission locale du Douaisis').and.include("MJC d'Halluin").and.include('Jeunes partis');
    await noSidewaysScroll(page, 'the network page');
    await screenshot(page, 'phone-network');
  });

  it('the platform admin opens a structure in the network and its first admin', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.platform.email);
    await page.waitForURL((u) => u.pathname === '/platform');
    await noSidewaysScroll(page, 'the platform page');
    await screenshot(page, 'phone-platform');
    await page.getByRole('link', { name: 'Nouvelle structure' }).click();
    await page.getByLabel('Nom de la structure').fill('STAJ Nord Artois');
    await page.getByLabel('Ville', { exact: true }).fill('Valenciennes');
    await page.getByLabel('Réseau', { exact: true }).selectOption({ label: DEMO_NETWORK });
    await page.getByLabel('Non, elle apparaît comme « Structure A, B… »').check();
    await noSidewaysScroll(page, 'the new structure form');
    await screenshot(page, 'phone-platform-structure');
    await page.getByRole('button', { name: 'Créer la structure' }).click();
    await page.getByRole('heading', { name: 'Premier compte admin de STAJ Nord Artois' }).waitFor();
    await page.getByLabel('Nom affiché').fill('Admin STAJ');
    await page.getByLabel('E-mail').fill('admin@staj.test');
    await page.getByLabel('Mot de passe initial').fill('admin-staj-1');
    await noSidewaysScroll(page, 'the first admin form');
    await page.getByRole('button', { name: 'Créer le compte' }).click();
    await page.waitForURL((u) => u.pathname === '/platform');
    expect(await seen(page)).to.include('STAJ Nord Artois').and.include('anonyme pour le réseau').and.include('1 admin');
  });

  it('the structure admin chooses whether the network sees its name', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.admin.email);
    await page.goto(session.url('/admin/structure'));
    await noSidewaysScroll(page, 'the structure page');
    await screenshot(page, 'phone-structure-settings');
    await page.getByLabel('Non, elle apparaît comme « Structure A, B… »').check();
    // The page has the structure's settings' own forms below, each with its button.
    await page.locator('form[action="/admin/structure"]').getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Choix enregistré.').waitFor();
  });

  it('the lead lends a worker of another structure of the network, by e-mail', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url(`/groups/${ids.groups.dispensaire}/edit`));
    await page.getByLabel('Ou un·e animateur·rice d’une autre structure du réseau (prêt·e au groupe)').fill(DEMO_ACCOUNTS.elodie.email);
    await noSidewaysScroll(page, 'the group edit page');
    await page.locator('form[action$="/workers"]').getByRole('button', { name: 'Ajouter' }).click();
    await page.getByText('Co-référent·e ajouté·e.').waitFor();
    expect(await seen(page)).to.include(DEMO_ACCOUNTS.elodie.displayName);
  });
});
