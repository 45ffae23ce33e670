import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import {
  horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, SIZES, useBrowserSession,
} from '../support/browser.js';



describe('youths in a group, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => (ids = demo));
  const open = session.open;
  const url = session.url;
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  for (const [size, options] of SIZES) {
    it(`on a ${size}: the worker reads the funnel, enrols a youth, records a withdrawal and imports a list`, async () => {
      const page = await open(options);
      await signInThroughForm(page, url, DEMO_ACCOUNTS.karim.email);

      // The funnel of a finished project: who left at which step and why.
      await page.goto(url(`/groups/${ids.groups.dispensaire}`));
      await page.getByRole('heading', { name: 'Parcours du groupe' }).waitFor();
      const funnel = await seen(page);
      expect(funnel).to.include('Ont suivi la préparation').and.include('Mathis Leroy').and.include('A trouvé un emploi');
      await noSidewaysScroll(page, 'the group page with its funnel');
      await screenshot(page, `${size}-youths-group-funnel`);

      // Enrolling: a birth date in the future is refused and nothing typed is lost.
      await page.goto(url(`/groups/${ids.groups.sadiola}`));
      await page.getByRole('link', { name: 'Inscrire un jeune' }).click();
      await page.getByRole('heading', { name: 'Inscrire un jeune' }).waitFor();
      const first = size === 'phone' ? 'Aïssata' : 'Fatoumata';
      await page.getByLabel('Prénom').fill(first);
      await page.getByLabel('Nom', { exact: true }).fill('Camara');
      await page.getByLabel('Date de naissance').fill(dayjs().add(1, 'year').format('YYYY-MM-DD'));
      await page.getByLabel('Téléphone', { exact: true }).fill('06 39 98 21 43');
      await page.getByLabel('Orienté·e par').fill('Club de prévention');
      await page.getByLabel('Situation à l’inscription').selectOption('school');
      await page.getByLabel('Nom du contact').fill('Mariam Camara (mère)');
      await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
      await page.getByText('Cette date de naissance est dans le futur.').waitFor();
      expect(await page.getByLabel('Orienté·e par').inputValue()).to.equal('Club de prévention');
      await noSidewaysScroll(page, 'the enrol form with errors');
      await screenshot(page, `${size}-youths-enrol-errors`);
      await page.getByLabel('Date de naissance').fill(dayjs().subtract(17, 'year').format('YYYY-MM-DD'));
      await page.getByRole('button', { name: 'Inscrire', exact: true }).click();
      await page.getByText(`${first} Camara est inscrit·e dans le groupe.`).waitFor();
      expect(await seen(page)).to.include('Mineur·e au départ').and.include('Mariam Camara (mère)');
      await noSidewaysScroll(page, 'the youth file');
      await screenshot(page, `${size}-youths-file`);

      // The youth leaves: the phase and the reason are kept.
      await page.getByRole('link', { name: 'Quitte le projet' }).click();
      await page.getByRole('heading', { name: 'Quitter le projet' }).waitFor();
      await page.getByRole('radio', { name: 'Grossesse' }).check();
      await page.getByLabel('Précision (facultatif)').fill('Naissance prévue en mars');
      await page.getByRole('group', { name: 'Garde le contact avec le groupe ?' }).getByRole('radio', { name: 'Oui' }).check();
      await noSidewaysScroll(page, 'the withdraw form');
      await screenshot(page, `${size}-youths-withdraw`);
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.getByText(`${first} Camara a quitté le projet.`).waitFor();
      expect(await seen(page)).to.include('Étape du groupe : Préparation').and.include('Naissance prévue en mars');
      await screenshot(page, `${size}-youths-file-withdrawn`);

      // Importing a list with a broken line: the report, the text kept, fixed in place.
      await page.goto(url(`/groups/${ids.groups.sadiola}/youths/import`));
      const suffix = size === 'phone' ? 'Un' : 'Deux';
      await page.getByLabel('Ou collez la liste').fill(`prenom;nom;date_naissance;situation\nNoé;Lambert${suffix};12/06/2006;formation\nSalomé;Durand${suffix};30/02/2008;scolaire\n`);
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.getByText('ligne 3 : date de naissance impossible (30/02/2008)').waitFor();
      await noSidewaysScroll(page, 'the import report');
      await screenshot(page, `${size}-youths-import-report`);
      const kept = await page.getByLabel('Ou collez la liste').inputValue();
      await page.getByLabel('Ou collez la liste').fill(kept.replace('30/02/2008', '28/02/2008'));
      await page.getByRole('button', { name: 'Importer' }).click();
      await page.getByText('Jeunes inscrits dans le groupe : 2.').waitFor();
      expect(await seen(page)).to.include(`Salomé Durand${suffix}`);
      await screenshot(page, `${size}-youths-group-after-import`);
    });
  }

  it('on a phone: the worker opens a youth’s account and shows the code sheet', async () => {
    const page = await open(PHONE);
    await signInThroughForm(page, url, DEMO_ACCOUNTS.karim.email);
    await page.goto(url(`/groups/${ids.groups.sadiola}`));
    await page.getByRole('link', { name: 'Fiche de Rayan Boukhari' }).click();
    await page.getByRole('button', { name: 'Créer son compte' }).click();
    await page.getByRole('heading', { name: 'Code pour créer le compte' }).waitFor();
    expect(await page.locator('.code').innerText()).to.match(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    await noSidewaysScroll(page, 'the code sheet');
    await screenshot(page, 'phone-youths-account-code');
  });

  it('on a phone: a youth sees the names of the group, not the files', async () => {
    const page = await open(PHONE);
    await signInThroughForm(page, url, 'lucas.v');
    await page.goto(url(`/groups/${ids.groups.bafou}`));
    const text = await seen(page);
    expect(text).to.include('Ousmane Ba').and.not.to.include('Parcours du groupe').and.not.to.include('Embauché');
    await noSidewaysScroll(page, 'the group page of a youth');
    await screenshot(page, 'phone-youths-group-youth');
  });
});
