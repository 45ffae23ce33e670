import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { countSteps, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, useBrowserSession } from '../support/browser.js';

async function signIn(page: Page, url: (p: string) => string, login: string): Promise<void> {
  await page.goto(url('/login'));
  await page.getByLabel('E-mail ou identifiant').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: 'Entrer' }).click();
  await page.waitForURL(url('/'));
}

describe('the stay on a phone', function () {
  this.timeout(90_000);
  let algerie = 0;
  const session = useBrowserSession((ids) => { algerie = ids.groups.algerie; });

  it('the lead fills the emergency sheet from the group page and reads it at 360 px; the director acknowledges a serious incident', async () => {
    const page = await session.open(PHONE);
    await signIn(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url(`/groups/${algerie}`));
    await page.getByRole('link', { name: 'Fiche d’urgence' }).click();
    await page.getByRole('link', { name: 'Modifier la fiche' }).click();
    await page.getByLabel('Assurance et contrat d’assistance').fill('Mutuelle des voyageurs, contrat 778-22');
    await page.getByLabel('Téléphone de l’assistance').fill('+33 1 70 36 11 11');
    await page.getByLabel('Consulat ou ambassade').fill('Ambassade de France à Alger, 25 chemin Abdelkader Gadouche, Hydra');
    await page.getByLabel('Adresse de l’hébergement').fill('Internat du lycée technique, Boumerdès');
    await page.getByLabel('Itinéraire').fill('J1 Alger\nJ2-J18 Boumerdès, chantier\nJ19 Alger');
    await page.getByLabel('Walid Benaïssa').fill('Allergique à la pénicilline');
    await page.getByRole('button', { name: 'Enregistrer la fiche' }).click();
    await page.getByRole('heading', { name: 'Fiche d’urgence', level: 1 }).waitFor();
    const sheet = await seen(page);
    expect(sheet).to.include('Ambassade de France à Alger').and.include('Walid Benaïssa').and.include('Allergique à la pénicilline');
    expect(await horizontalOverflow(page), 'sideways scrolling on the emergency sheet').to.equal(0);
    await screenshot(page, 'phone-emergency-sheet');

    await page.goto(session.url(`/groups/${algerie}/stay/incidents/new`));
    await page.getByLabel('Où').fill('Chantier');
    await page.getByLabel('Grave').check();
    await page.getByLabel('Ce qui s’est passé').fill('Coupure à la main, points de suture');
    await page.getByRole('button', { name: 'Enregistrer l’incident' }).click();
    await page.getByRole('heading', { name: /Incident/, level: 1 }).waitFor();

    const director = await session.open(PHONE);
    await signIn(director, session.url, DEMO_ACCOUNTS.director.email);
    expect(await seen(director)).to.include('Incidents graves à lire (1)');
    await screenshot(director, 'phone-director-incident');
    await director.getByRole('link', { name: 'Construire parasismique en Algérie' }).first().click();
    await director.getByRole('button', { name: 'J’ai lu cet incident' }).click();
    expect(await seen(director)).to.include('Lu par');
    await director.goto(session.url('/'));
    expect(await seen(director)).to.include('Incidents graves à lire (0)');
  });
  it('the lead completes an incident from its page, and reads what changed in its history, at 360 px and on a desktop', async () => {
    const page = await session.open(PHONE);
    await signIn(page, session.url, DEMO_ACCOUNTS.karim.email);
    await page.goto(session.url(`/groups/${algerie}/stay/incidents/new`));
    await page.getByLabel('Où').fill('Dortoir');
    await page.getByLabel('Mineur').check();
    await page.getByLabel('Ce qui s’est passé').fill('Fièvre dans la nuit');
    await page.getByRole('button', { name: 'Enregistrer l’incident' }).click();
    await page.getByRole('heading', { name: /Incident/, level: 1 }).waitFor();
    const incident = page.url();

    // Counted from the incident's page to its page again, corrected: the severity and what was done.
    const steps = await countSteps(page);
    await page.getByRole('link', { name: 'Compléter ou corriger' }).click();
    await page.getByLabel('Urgence').check();
    await page.getByLabel('Ce qui a été fait').fill('Médecin appelé, paracétamol');
    await page.getByRole('button', { name: 'Enregistrer la correction' }).click();
    await page.getByText('Incident corrigé.').waitFor();
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 2, fields: 2, pageLoads: 2 });
    expect(page.url()).to.equal(incident);
    const text = await seen(page);
    expect(text).to.include('Historique').and.include(`Corrigé par ${DEMO_ACCOUNTS.karim.displayName}`).and.match(/Mineur\s*→\s*Urgence/);
    expect(await horizontalOverflow(page), 'sideways scrolling on the incident').to.equal(0);
    await screenshot(page, 'phone-incident-history');

    const desk = await session.open(DESKTOP);
    await signIn(desk, session.url, DEMO_ACCOUNTS.karim.email);
    await desk.goto(incident);
    await desk.getByRole('heading', { name: 'Historique' }).waitFor();
    await screenshot(desk, 'desktop-incident-history');
  });
});
