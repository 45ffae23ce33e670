import { expect } from 'chai';
import dayjs from 'dayjs';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { horizontalOverflow, PHONE, screenshot, seen, useBrowserSession } from '../support/browser.js';

const YOUTHS: [string, string, string][] = [
  ['Anaïs', 'Lemaître', '2007-03-14'], ['Bakary', 'Diarra', '2004-11-02'], ['Cassandra', 'Moreau', '2006-06-30'],
  ['Dimitri', 'Vasseur', '2005-01-21'], ['Estelle', 'Nowak', '2008-09-09'], ['Farid', 'Bensalem', '2003-12-12'],
  ['Gwen', 'Leclercq', '2006-02-28'], ['Hamza', 'Ouali', '2005-07-07'],
];

describe('a youth worker runs a new group from a phone', function () {
  this.timeout(180_000);
  const session = useBrowserSession();

  it('creates the group, enrols 8 youths, takes a register, withdraws two, and reads what stops the departure', async () => {
    const page = await session.open(PHONE);
    await page.goto(session.url('/login'));
    await page.getByLabel('E-mail ou identifiant').fill(DEMO_ACCOUNTS.karim.email);
    await page.getByLabel('Mot de passe', { exact: true }).fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Entrer' }).click();
    await page.waitForURL(session.url('/'));

    // A new group.
    await page.goto(session.url('/groups'));
    await page.getByRole('link', { name: 'Nouveau groupe' }).click();
    await page.getByLabel('Nom du projet').fill('Jardin partagé à Kawara');
    await page.getByLabel('Pays').selectOption('BF');
    await page.getByLabel('Ville ou lieu').fill('Kawara');
    const departure = dayjs().add(4, 'month');
    await page.getByLabel('Date de départ prévue').fill(departure.format('YYYY-MM-DD'));
    // A return before the departure is refused, and nothing typed is lost.
    await page.getByLabel('Date de retour prévue').fill(departure.subtract(3, 'day').format('YYYY-MM-DD'));
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByText('Le retour doit être après le départ.').waitFor();
    expect(await page.getByLabel('Nom du projet').inputValue()).to.equal('Jardin partagé à Kawara');
    await page.getByLabel('Date de retour prévue').fill(departure.add(15, 'day').format('YYYY-MM-DD'));
    await page.getByRole('button', { name: 'Créer le groupe' }).click();
    await page.getByRole('heading', { name: 'Jardin partagé à Kawara', level: 1 }).waitFor();
    const groupUrl = page.url();

    // Eight youths, one after the other.
    await page.getByRole('link', { name: 'Inscrire un jeune' }).first().click();
    for (const [i, [first, last, born]] of YOUTHS.entries()) {
      await page.getByLabel('Prénom').fill(first);
      await page.getByLabel('Nom', { exact: true }).fill(last);
      await page.getByLabel('Date de naissance').fill(born);
      const last8 = i === YOUTHS.length - 1;
      await page.getByRole('button', { name: last8 ? 'Inscrire' : 'Inscrire et ajouter un autre', exact: true }).click();
      if (!last8) await page.getByLabel('Prénom').waitFor();
    }
    await page.waitForURL(/\/youths\/\d+$/);
    await page.goto(groupUrl);
    expect(await seen(page)).to.include('Jeunes (8)');

    // A session held this morning, and its register: everyone present but two.
    await page.goto(`${groupUrl}/meetings/new`);
    await page.getByLabel('Date', { exact: true }).fill(dayjs().format('YYYY-MM-DD'));
    await page.getByLabel('Heure').fill('00:01');
    await page.getByRole('button', { name: 'Ajouter la séance' }).click();
    await page.getByText('Séance ajoutée.').waitFor();
    await page.getByRole('link', { name: /Construire le projet/ }).first().click();
    await page.getByRole('button', { name: 'Enregistrer l’appel' }).waitFor();
    const started = Date.now();
    for (const name of ['Bakary Diarra', 'Hamza Ouali']) {
      await page.getByRole('group', { name }).locator('label.att-absent').click();
    }
    await page.getByRole('button', { name: 'Enregistrer l’appel' }).click();
    await page.getByText('Appel enregistré').first().waitFor();
    expect(Date.now() - started, 'taking the register of 8 youths').to.be.lessThan(60_000);
    await screenshot(page, 'journey-phone-register');

    // Two youths leave, each with their reason.
    for (const [name, reason] of [['Cassandra Moreau', 'A trouvé un emploi'], ['Farid Bensalem', 'Perdu·e de vue']] as const) {
      await page.goto(groupUrl);
      await page.getByRole('link', { name }).first().click();
      await page.getByRole('link', { name: 'Quitte le projet' }).click();
      await page.getByText(reason, { exact: true }).click();
      await page.getByRole('group', { name: 'Garde le contact avec le groupe ?' }).getByRole('radio', { name: 'Non' }).check();
      await page.getByRole('button', { name: 'Enregistrer' }).click();
      await page.waitForURL(/\/youths\/\d+$/);
    }
    await page.goto(groupUrl);
    const group = await seen(page);
    expect(group).to.include('A trouvé un emploi').and.include('Perdu·e de vue');

    // Trying to leave: the page says youth by youth what is missing.
    await page.getByRole('link', { name: 'Étape et départ' }).click();
    await page.getByRole('button', { name: 'Passer à : Départ' }).click();
    await page.getByText('Le groupe ne peut pas encore partir').first().waitFor();
    const gate = await seen(page);
    expect(gate).to.include('La direction n’a pas encore validé le départ.');
    expect(gate).to.include('Bakary Diarra').and.include('Hamza Ouali');
    expect(gate).to.match(/Présence aux séances de préparation : 0 % \(minimum 60 %\)/);
    // Those who came are not blamed for attendance, and those who left are not listed at all.
    expect(gate).not.to.include('Cassandra Moreau').and.not.to.include('Farid Bensalem');
    expect(await horizontalOverflow(page), 'sideways scrolling on the phase page').to.equal(0);
    await screenshot(page, 'journey-phone-gate');
  });
});
