import { expect } from 'chai';
import dayjs from 'dayjs';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { readinessOfGroup } from '../../src/documents/readiness.js';
import { countSteps, horizontalOverflow, PHONE, screenshot, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { enrolled, newGroup, youth } from '../participants/fixtures.js';
import { paperSeen } from './fixtures.js';

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
    const departure = dayjs().add(4, 'month');
    ({ id: groupId } = await newGroup(db, ids.users.karim, {
      name: 'Oran 2027', country: 'DZ', departureDate: departure.format('YYYY-MM-DD'), returnDate: departure.add(15, 'day').format('YYYY-MM-DD'),
    }));
    const adult = departure.subtract(20, 'year').format('YYYY-MM-DD');
    const minor = departure.subtract(16, 'year').format('YYYY-MM-DD');
    const karim = await userFor(db, ids.users.karim);
    for (const [first, birthDate] of [['Aya', adult], ['Bryan', adult], ['Cassandra', minor], ['Dounia', minor], ['Enzo', minor]] as const) {
      const file = await enrolled(db, { id: groupId }, youth(first, 'Oranais', { birthDate }));
      const group = await db('groups').where({ id: groupId }).first();
      const { youths } = await readinessOfGroup(db, group, [file.enrolment_id]);
      for (const p of youths[0]!.papers.filter((x) => x.applies)) {
        await paperSeen(db, karim, groupId, file.enrolment_id, p.requirement.kind, {
          expiryDate: '2099-12-31', validFrom: '2000-01-01', ...(p.requirement.kind === 'visa' ? { visaAppliedOn: dayjs().format('YYYY-MM-DD'), visaDecision: 'granted' } : {}),
        }, false);
      }
    }
    const received = await db('youth_documents').join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id').where({ group_id: groupId, 'youth_documents.status': 'received' }).count({ n: '*' });
    expect(Number(received[0]!.n)).to.equal(26);
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
    const checked = await testDb()('youth_documents').join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id').where({ group_id: groupId, 'youth_documents.status': 'checked' }).count({ n: '*' });
    expect(Number(checked[0]!.n)).to.equal(26);
    expect(await page.locator('.board-check').count()).to.equal(0);
    expect(steps()).to.deep.equal({ taps: 6, fields: 0, pageLoads: 7 });
  });
});
