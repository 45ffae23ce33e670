import { expect } from 'chai';
import dayjs from 'dayjs';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { readinessOfGroup } from '../../src/documents/readiness.js';
import { countSteps, horizontalOverflow, PHONE, screenshot, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { oranGroup, papersAt, paperSeen } from './fixtures.js';

// The papers of a group to Algeria (passport, visa, insurance, image rights; exit authorisation and the
// parent's ID for a minor): 5 youths, 3 of them minors, 26 papers handed in and waiting to be checked.
describe('what checking a group’s papers costs on a phone', function () {
  this.timeout(180_000);
  let ids: DemoIds;
  let groupId: number;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });

  before(async () => {
    const db = testDb();
    const karim = await userFor(db, ids.users.karim);
    let enrolments;
    ({ groupId, enrolments } = await oranGroup(db, ids.users.karim, 'Oran 2027'));
    const group = await db('groups').where({ id: groupId }).first();
    for (const e of enrolments) {
      const { youths } = await readinessOfGroup(db, group, [e.id]);
      for (const p of youths[0]!.papers.filter((x) => x.applies)) {
        await paperSeen(db, karim, groupId, e.id, p.requirement.kind, {
          expiryDate: '2099-12-31', validFrom: '2000-01-01', ...(p.requirement.kind === 'visa' ? { visaAppliedOn: dayjs().format('YYYY-MM-DD'), visaDecision: 'granted' } : {}),
        }, false);
      }
    }
    expect(await papersAt(db, groupId, 'received')).to.equal(26);
  });

  it('checks the 26 received papers from the board, a column at a time: 6 taps, no field, 7 page loads', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
    const steps = await countSteps(page);
    await page.goto(session.url(`/groups/${groupId}/documents`));
    // Each column's button checks it and the board comes back without it: the first left is the next column.
    for (let column = 0; column < 6; column += 1) {
      await page.locator('.board-check').getByRole('button').first().click();
      await page.locator('.board-results').waitFor();
    }
    expect(await horizontalOverflow(page), 'sideways scrolling on the board with its results').to.equal(0);
    await screenshot(page, 'phone-documents-board-checked');
    expect(await papersAt(testDb(), groupId, 'checked')).to.equal(26);
    expect(await page.locator('.board-check').count()).to.equal(0);
    expect(steps()).to.deep.equal({ taps: 6, fields: 0, pageLoads: 7 });
  });
});
