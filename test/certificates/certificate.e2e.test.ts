import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { countSteps, DESKTOP, horizontalOverflow, PHONE, screenshot, seen, signInThroughForm, useBrowserSession } from '../support/browser.js';
import { pdfText } from '../reports/exports.js';

// The certificate on a phone, end to end: Lucas (back from Bafou) writes his words from "Mon parcours",
// Élodie (his group's lead) confirms them, Lucas downloads the PDF — and its text holds his words.
describe('the youth’s certificate on a phone', function () {
  this.timeout(180_000);
  let ids: DemoIds;
  const session = useBrowserSession((demo) => {
    ids = demo;
  });
  const words = 'À Bafou, j’ai parlé ghomálá’ avec les anciens : je n’osais pas, et j’ai réussi.';
  const general = 'Je suis plus sûr de moi, et j’ai envie de m’engager ici à Halluin.';

  it('from “Mon parcours” the youth writes (3 taps, 3 fields, 3 page loads), from the group page the worker confirms (3 taps, 4 page loads), from “Mon parcours” the youth downloads (2 taps, 2 page loads)', async () => {
    const youth = await session.open(PHONE);
    await signInThroughForm(youth, session.url, 'lucas.v');
    const youthSteps = await countSteps(youth);
    await youth.goto(session.url('/me'));
    await youth.getByRole('link', { name: 'Écrire mon certificat' }).click();
    await youth.getByLabel('Parler une autre langue', { exact: true }).check();
    await youth.getByLabel('Ce que j’ai appris, avec mes mots : Parler une autre langue').fill(words);
    await youth.getByLabel('En quelques mots, ce que ce projet m’a apporté').fill(general);
    await youth.getByRole('button', { name: 'Enregistrer' }).click();
    await youth.getByText('En attente : l’animateur·rice du groupe doit confirmer ce certificat.').waitFor();
    await youth.waitForLoadState('load');
    expect(await seen(youth)).to.include(words).and.not.include('Télécharger (français)');
    expect(await horizontalOverflow(youth)).to.equal(0);
    await screenshot(youth, 'certificate-youth-waiting-phone');
    // /me, then the certificate page, then the page again after saving; the tick is a tap and a field.
    const written = youthSteps();
    expect(written).to.deep.equal({ taps: 3, fields: 3, pageLoads: 3 });

    const worker = await session.open(PHONE);
    await signInThroughForm(worker, session.url, DEMO_ACCOUNTS.elodie.email);
    const workerSteps = await countSteps(worker);
    await worker.goto(session.url(`/groups/${ids.groups.bafou}`));
    await worker.getByRole('link', { name: 'Certificats' }).click();
    await worker.getByRole('link', { name: 'Lucas Vermeersch' }).click();
    expect(await seen(worker)).to.include(words).and.include('Compétence clé Youthpass : Compétences multilingues');
    await worker.getByRole('button', { name: 'Confirmer ce certificat' }).click();
    await worker.getByText('Certificat confirmé : le jeune peut le télécharger.').waitFor();
    await worker.waitForLoadState('load');
    expect(await horizontalOverflow(worker)).to.equal(0);
    await screenshot(worker, 'certificate-worker-confirmed-phone');
    expect(workerSteps()).to.deep.equal({ taps: 3, fields: 0, pageLoads: 4 });

    await youth.goto(session.url('/me'));
    await youth.getByRole('link', { name: 'Voir ou changer mon certificat' }).click();
    await youth.waitForLoadState('load');
    const [download] = await Promise.all([youth.waitForEvent('download'), youth.getByRole('link', { name: 'Télécharger (français)' }).click()]);
    const text = await pdfText(await readFile((await download.path())!));
    expect(text).to.include(words).and.include(general).and.include('Lucas Vermeersch');
    expect(text).to.include(`Confirmé par ${DEMO_ACCOUNTS.elodie.displayName}`);
    const after = youthSteps();
    expect({ taps: after.taps - written.taps, fields: after.fields - written.fields, pageLoads: after.pageLoads - written.pageLoads })
      .to.deep.equal({ taps: 2, fields: 0, pageLoads: 2 });
  });

  it('reads well on a desktop', async () => {
    const page = await session.open(DESKTOP);
    await signInThroughForm(page, session.url, 'lucas.v');
    await page.goto(session.url('/me'));
    await page.getByRole('link', { name: 'Voir ou changer mon certificat' }).click();
    await page.getByText('Confirmé par').first().waitFor();
    await screenshot(page, 'certificate-youth-desktop');
  });
});
