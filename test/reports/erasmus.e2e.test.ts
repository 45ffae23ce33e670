import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { countSteps, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

// The worker re-typed every youth into the Erasmus+ module; from the group page it is now one tap.
describe('the Erasmus+ export on a phone', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  it('downloading the group’s Erasmus+ file, from the group page: 1 tap, 0 fields, 1 page load', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${ids.groups.sadiola}`));
    expect(await seen(page)).to.include('tranche 4 000 à 7 999 km').and.include('de Douai à Sadiola');
    expect(await horizontalOverflow(page)).to.equal(0);
    await screenshot(page, 'phone-group-erasmus');
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Erasmus+ (Excel)' }).click();
    const file = await download;
    expect(file.suggestedFilename()).to.match(/^erasmus-\d{4}-groupe-\d+-\d{4}-\d{2}-\d{2}\.xlsx$/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile((await file.path())!);
    expect(workbook.worksheets[0]!.getRow(1).getCell(5).value).to.equal('Participant first name');
    await page.waitForLoadState('load');
    expect(steps()).to.deep.equal({ taps: 1, fields: 0, pageLoads: 1 });
  });

  it('shows the distance and the two buttons on a desktop', async () => {
    const page = await session.open(DESKTOP);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.director.email);
    await page.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await page.getByRole('link', { name: 'Erasmus+ (CSV)' }).waitFor();
    await screenshot(page, 'desktop-group-erasmus');
  });
});
