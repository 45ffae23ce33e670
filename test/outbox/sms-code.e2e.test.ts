import { expect } from 'chai';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { testDb } from '../support/database.js';
import { horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';

describe('the one-time code by SMS, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => (ids = demo));

  it('on a phone: the worker texts Rayan his code; his phone stops the texts from the link; the worker sees it', async () => {
    const rayan = await testDb()('youths').where({ first_name: 'Rayan', last_name: 'Boukhari' }).first('id');
    await testDb()('youths').where({ id: rayan.id }).update({ phone: '+33612345678' });

    const worker = await session.open(PHONE);
    await signInThroughForm(worker, session.url, DEMO_ACCOUNTS.karim.email);
    await worker.goto(session.url(`/groups/${ids.groups.sadiola}`));
    await worker.getByRole('link', { name: 'Fiche de Rayan Boukhari' }).click();
    const filePage = worker.url();
    await worker.getByRole('button', { name: 'Envoyer le code par SMS' }).click();
    await worker.getByText(/Le code partira par SMS au 06 12 34 56 78/).waitFor();
    expect(await horizontalOverflow(worker)).to.equal(0);
    await screenshot(worker, 'phone-outbox-code-queued');

    const message = await testDb()('outbox_messages').where({ recipient_youth_id: rayan.id }).first();
    const stopLink = JSON.parse(message.data).stop as string;
    expect(stopLink).to.match(/\/sms\/stop\/[\w-]{12}$/);

    // Rayan's phone, not signed in, follows the link at the end of the SMS.
    const phone = await session.open(PHONE);
    await phone.goto(session.url(new URL(stopLink).pathname));
    expect(await seen(phone)).to.include('Ne plus recevoir de SMS de Tremplin au 06 12 34 56 78 ?');
    await phone.getByRole('button', { name: 'Oui, arrêter les SMS' }).click();
    await phone.getByText('plus aucun SMS de Tremplin à ce numéro').waitFor();

    await worker.goto(filePage);
    const page = await seen(worker);
    expect(page).to.include('ne reçoit plus de SMS');
    expect(page).to.not.include('Envoyer le code par SMS');
    await screenshot(worker, 'phone-outbox-opted-out');
  });
});
