import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS } from '../../src/demo/demo-data.js';
import { horizontalOverflow, screenshot, seen, signInThroughForm, SIZES, useBrowserSession } from '../support/browser.js';



describe('the outcome dashboard, in a browser', function () {
  this.timeout(120_000);
  const session = useBrowserSession();
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  for (const [size, options] of SIZES) {
    it(`on a ${size}: the director opens the dashboard, filters on Mali and checks who is behind a figure`, async () => {
      const page = await session.open(options);
      await signInThroughForm(page, session.url, DEMO_ACCOUNTS.director.email);
      await page.getByRole('link', { name: 'Résultats' }).click();
      await page.waitForURL((u) => u.pathname === '/reports');
      const all = await seen(page);
      expect(all).to.include('Tableau de bord des résultats').and.include('Du premier jour au retour').and.include('Exporter pour les financeurs');
      expect(await page.locator('figure.report-figure svg.chart').count()).to.be.greaterThan(3);
      await noSidewaysScroll(page, 'the dashboard');
      await screenshot(page, `${size}-reports-dashboard`);

      await page.getByText('Filtrer par année, structure, pays, groupe…').click();
      await page.getByLabel('Pays').selectOption({ label: 'Mali' });
      await page.getByRole('button', { name: 'Appliquer' }).click();
      await page.waitForURL((u) => u.searchParams.get('country') === 'ML');
      const mali = await seen(page);
      expect(mali).to.include('Filtres : Pays : Mali');
      await noSidewaysScroll(page, 'the filtered dashboard');
      await screenshot(page, `${size}-reports-mali`);

      const tile = page.locator('.report-tile a', { hasText: 'Inscrits' });
      const count = Number((await tile.locator('.report-number').innerText()).replace(/\D/g, ''));
      await tile.click();
      await page.waitForURL((u) => u.pathname === '/reports/youths');
      const list = await seen(page);
      expect(list, list.slice(0, 400)).to.include(`${count} jeunes`);
      expect(await page.locator('.report-people .list-item').count()).to.equal(count);
      await noSidewaysScroll(page, 'the list behind a figure');
      await screenshot(page, `${size}-reports-youths`);
    });
  }
});
