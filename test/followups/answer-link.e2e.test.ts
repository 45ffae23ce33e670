import { expect } from 'chai';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { render } from '../../src/outbox/templates.js';
import { countSteps, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { testDb } from '../support/database.js';
import { enrolmentOf } from '../participants/fixtures.js';

describe('a youth answers their own follow-up, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => (ids = demo));

  it('on a 360-px phone: the worker texts Sarah her link; she follows it from the SMS, answers; the worker’s page says “répondu par le jeune” and the worker confirms', async () => {
    const enrolment = await enrolmentOf(testDb(), ids.groups.dispensaire, 'Sarah');
    const followUp = await testDb()('follow_ups').where({ enrolment_id: enrolment, milestone_months: 12 }).first('id');
    const { youth_id: youthId } = await testDb()('enrolments').where({ id: enrolment }).first('youth_id');
    await testDb()('youths').where({ id: youthId }).update({ phone: '+33612345678' });

    const worker = await session.open(PHONE);
    await signInThroughForm(worker, session.url, DEMO_ACCOUNTS.karim.email);
    const workerSteps = await countSteps(worker);
    await worker.goto(session.url(`/groups/${ids.groups.dispensaire}/followups/${followUp.id}`));
    await worker.getByRole('button', { name: 'Envoyer le lien par SMS' }).click();
    await worker.getByText(/Le lien partira par SMS au 06 12 34 56 78/).waitFor();
    expect(await seen(worker)).to.match(/lien envoyé le [^,]+, en attente de réponse/);
    // The follow-up's page, one tap, the page again with the link's state.
    expect(workerSteps()).to.deep.include({ taps: 1, pageLoads: 2 });

    // The text the SMS carries, from the queued row: Sarah's phone follows the link in it.
    const message = await testDb()('outbox_messages').where({ recipient_youth_id: youthId, message_key: 'followUpAnswer' }).first();
    const sms = render(message.message_key, 'sms', message.locale, JSON.parse(message.data)).text;
    const link = sms.match(/https?:\/\/\S+\/suivi\/[\w-]+/)![0];

    const phone = await session.open(PHONE);
    const youthSteps = await countSteps(phone);
    await phone.goto(session.url(new URL(link).pathname));
    const form = await seen(phone);
    expect(form).to.include('Bonjour Sarah').and.not.include('Benoît');
    expect(await horizontalOverflow(phone)).to.equal(0);
    await screenshot(phone, 'phone-followup-answer');
    await phone.getByLabel('En formation').check();
    await phone.getByLabel('Fait du bénévolat').check();
    await phone.getByRole('button', { name: 'Envoyer' }).click();
    await phone.getByText('Merci Sarah').waitFor();
    await phone.waitForLoadState('load');
    const steps = youthSteps();
    console.log(`      the youth's answer: ${steps.taps} taps, ${steps.fields} fields, ${steps.pageLoads} page loads`);
    expect(steps).to.deep.equal({ taps: 3, fields: 2, pageLoads: 2 });
    expect(await horizontalOverflow(phone)).to.equal(0);

    await worker.reload();
    const page = await seen(worker);
    expect(page).to.include('répondu par le jeune').and.include('En formation');
    await worker.getByRole('button', { name: 'Confirmer la réponse' }).click();
    await worker.getByText('Réponse de Sarah Benoît confirmée.').waitFor();
    expect(await seen(worker)).to.match(/répondu par le jeune · confirmé par Karim/);
    expect(await horizontalOverflow(worker)).to.equal(0);
    await screenshot(worker, 'phone-followup-answered-by-youth');
  });
});
