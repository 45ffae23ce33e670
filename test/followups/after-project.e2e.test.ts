import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, SIZES, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';



describe('restitution and after the project, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });
  const noSidewaysScroll = async (page: Page, what: string) => expect(await horizontalOverflow(page), `sideways scrolling on ${what}`).to.equal(0);

  for (const [size, options] of SIZES) {
    it(`on a ${size}: the worker reads the people reached, records an event, and calls the youths due a follow-up`, async () => {
      const page = await session.open(options);
      await signInThroughForm(page, session.url, DEMO_ACCOUNTS.karim.email);
      await page.goto(session.url('/'));
      expect(await seen(page)).to.include('Suivis à faire (7)');
      await noSidewaysScroll(page, 'the home page');
      await screenshot(page, `${size}-after-home`);

      await page.goto(session.url(`/groups/${ids.groups.dispensaire}`));
      expect(await seen(page)).to.include('59 personnes par jeune parti');
      await noSidewaysScroll(page, 'the group page');
      await screenshot(page, `${size}-after-group`);

      await page.getByRole('link', { name: 'Voir les restitutions' }).click();
      expect(await seen(page)).to.include('Semaine de la solidarité internationale');
      await screenshot(page, `${size}-restitution-index`);
      await noSidewaysScroll(page, 'the restitution list');

      await page.getByRole('link', { name: 'Nouvel événement' }).click();
      await page.getByLabel('Total').fill('-12');
      await page.getByRole('button', { name: 'Enregistrer l’événement' }).click();
      expect(await seen(page)).to.include('Un nombre entier, 0 ou plus.');
      await noSidewaysScroll(page, 'the event form');
      await screenshot(page, `${size}-restitution-new-errors`);

      await page.goto(session.url(`/groups/${ids.groups.dispensaire}/followups`));
      expect(await seen(page)).to.match(/À 12 mois\s+à faire maintenant\s+4 joint·es sur 8 · 4 pas essayé·es/);
      await noSidewaysScroll(page, 'the follow-ups');
      await screenshot(page, `${size}-followups-index`);

      const sarah = await testDb()('follow_ups')
        .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').join('youths', 'youths.id', 'enrolments.youth_id')
        .where({ 'enrolments.group_id': ids.groups.dispensaire, 'youths.first_name': 'Sarah', 'follow_ups.milestone_months': 12 }).first('follow_ups.id');
      await page.goto(session.url(`/groups/${ids.groups.dispensaire}/followups/${sarah.id}`));
      await noSidewaysScroll(page, 'the follow-up form');
      await screenshot(page, `${size}-followup-record`);

      const aicha = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
        .where({ 'enrolments.group_id': ids.groups.dispensaire, 'youths.first_name': 'Aïcha' }).first('enrolments.id');
      await page.goto(session.url(`/groups/${ids.groups.dispensaire}/youths/${aicha.id}`));
      expect(await seen(page)).to.include('Ses groupes');
      await noSidewaysScroll(page, 'the youth file');
      await screenshot(page, `${size}-youth-groups`);

      await page.goto(session.url(`/groups/${ids.groups.sadiola}/peer-leaders/new`));
      await noSidewaysScroll(page, 'the peer leader form');
      await screenshot(page, `${size}-peer-leader`);
    });
  }

  it('on a phone: a youth of the group reads its restitution events', async () => {
    const page = await session.open(PHONE);
    await signInThroughForm(page, session.url, 'lucas.v');
    await page.goto(session.url(`/groups/${ids.groups.bafou}/restitution`));
    const text = await seen(page);
    expect(text).to.include('Exposition').and.include('37 personnes par jeune parti');
    expect(text).not.to.include('Nouvel événement');
    await noSidewaysScroll(page, 'the restitution list for a youth');
    await screenshot(page, 'phone-restitution-youth');
  });
});
