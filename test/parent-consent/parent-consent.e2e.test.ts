import { expect } from 'chai';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { render } from '../../src/outbox/templates.js';
import { testDatabase, testDb } from '../support/database.js';
import { countSteps, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { minorWithPhoto } from './fixtures.js';

describe('parents consent online, in a browser', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => (ids = demo));

  it('on phones: the worker sends the link, the parent answers from the SMS, and the photo may then go to the restitution', async () => {
    const mamadou = await minorWithPhoto(testDb(), testDatabase().config.uploadDir, ids.groups.sadiola, ids.users.karim);
    const worker = await session.open(PHONE);
    await signInThroughForm(worker, session.url, DEMO_ACCOUNTS.karim.email);
    const workerSteps = await countSteps(worker);
    await worker.goto(session.url(`/groups/${ids.groups.sadiola}/youths/${mamadou.enrolmentId}/consent`));
    await worker.getByRole('link', { name: 'Demander l’accord des parents' }).click();
    expect(await worker.getByLabel('Numéro de portable ou e-mail du parent').inputValue()).to.equal('06 12 34 56 78');
    await worker.getByRole('button', { name: 'Envoyer le lien' }).click();
    await worker.getByText(/Le lien part au 06 12 34 56 78/).waitFor();
    expect(await horizontalOverflow(worker)).to.equal(0);
    expect(workerSteps(), 'the worker: open the form, send').to.deep.equal({ taps: 2, fields: 0, pageLoads: 3 });

    // The SMS as the parent's phone shows it: the text the dispatcher renders from the queued row.
    const message = await testDb()('outbox_messages').where({ message_key: 'parentConsent' }).orderBy('id', 'desc').first();
    const sms = render(message.message_key, message.channel, message.locale, JSON.parse(message.data)).text;
    const link = new URL(sms.match(/https?:\/\/\S+\/parents\/[\w-]+/)![0]);

    // The page without JavaScript: it is a plain form.
    const noScript = await session.open({ ...PHONE, javaScriptEnabled: false });
    await noScript.goto(session.url(link.pathname));
    expect(await noScript.getByRole('button', { name: 'Envoyer ma réponse' }).count()).to.equal(1);
    await noScript.close();

    const parent = await session.open(PHONE);
    const parentSteps = await countSteps(parent);
    await parent.goto(session.url(link.pathname));
    const page = await seen(parent);
    expect(page).to.include('Mamadou part avec le groupe « Rencontre des jeunes de Sadiola »');
    expect(await horizontalOverflow(parent)).to.equal(0);
    await screenshot(parent, 'phone-parent-consent');
    await parent.getByRole('radio', { name: /Au groupe et aux présentations du projet/ }).check();
    await parent.getByRole('checkbox', { name: /autorisation de sortie du territoire/ }).check();
    // The name the worker took from the file is already there: the parent only corrects it if need be.
    expect(await parent.getByLabel('Votre nom').inputValue()).to.equal('Awa Diallo');
    await parent.getByRole('button', { name: 'Envoyer ma réponse' }).click();
    await parent.getByText('Merci, votre réponse est enregistrée.').waitFor();
    // The text can show before the page's load event that countSteps counts.
    await parent.waitForLoadState('load');
    const steps = parentSteps();
    expect(steps, 'the parent: a level, the exit, send').to.deep.equal({ taps: 3, fields: 2, pageLoads: 2 });

    await worker.goto(session.url(`/groups/${ids.groups.sadiola}/media/${mamadou.mediumId}`));
    await worker.getByRole('radio', { name: /Restitutions/ }).check();
    await worker.getByRole('button', { name: 'Enregistrer' }).click();
    await worker.getByText('Modifications enregistrées.').waitFor();
    expect((await testDb()('media').where({ id: mamadou.mediumId }).first()).use_level).to.equal('restitution');
  });
});
