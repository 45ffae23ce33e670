import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

describe('a structure\'s settings, on a phone', function () {
  this.timeout(120_000);
  const session = useBrowserSession();
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  it('the structure admin sets the retention, the follow-ups, the SMS sender and the papers at 360 px', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.admin.email);
    await page.goto(session.url('/admin/structure'));
    await noSidewaysScroll(page, 'the settings page');
    const settings = page.locator('form[action="/admin/structure/settings"]');
    await settings.getByLabel('Conservation des scans (jours après le retour)').fill('60');
    await settings.getByLabel('À 1 mois').uncheck();
    await settings.getByLabel('Nom d’expéditeur des SMS').fill('Élan');
    await settings.getByRole('button', { name: 'Enregistrer' }).click();
    // Refused, the page comes back with the message and what was typed.
    await page.getByText('De 3 à 11 caractères : lettres sans accent, chiffres et espaces, avec au moins une lettre.').waitFor();
    expect(await settings.getByLabel('Conservation des scans (jours après le retour)').inputValue()).to.equal('60');
    expect(await settings.getByLabel('À 1 mois').isChecked()).to.equal(false);
    await noSidewaysScroll(page, 'the settings page with a message');
    await settings.getByLabel('Nom d’expéditeur des SMS').fill('ML Douai');
    await settings.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Choix enregistré.').waitFor();

    const papers = page.locator('form[action="/admin/structure/papers"]');
    await papers.getByLabel('Papiers de santé').selectOption('never');
    await papers.getByRole('button', { name: 'Enregistrer' }).click();
    await page.getByText('Choix enregistré.').waitFor();
    const text = await seen(page);
    expect(text).to.include('Alice Admin : conservation des scans → 60').and.include('Papiers de santé : jamais');
    await noSidewaysScroll(page, 'the settings page with its history');
    await screenshot(page, 'phone-structure-own-settings');
  });
});
