import { expect } from 'chai';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { testDb } from '../support/database.js';
import {
  DESKTOP, horizontalOverflow, PHONE, screenshot, seen, useBrowserSession,
} from '../support/browser.js';

const SIZES: [name: 'phone' | 'desktop', options: BrowserContextOptions][] = [['phone', PHONE], ['desktop', DESKTOP]];


/** Types into the real sign-in form and presses its button. */
async function signIn(page: Page, login: string, password: string): Promise<void> {
  await page.getByLabel('E-mail ou identifiant').fill(login);
  await page.getByLabel('Mot de passe', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Entrer' }).click();
}

describe('Tremplin in a browser', function () {
  this.timeout(90_000);
  const session = useBrowserSession();
  const open = session.open;
  const url = session.url;

  describe('a youth worker opens Tremplin and finds the groups she or he leads', () => {
    for (const [size, options] of SIZES) {
      it(`on a ${size}: signs in, sees only her or his groups and opens one`, async () => {
        const page = await open(options);

        await page.goto(url('/'));
        expect(new URL(page.url()).pathname, 'an anonymous visitor is sent to sign in').to.equal('/login');
        await page.getByRole('heading', { name: 'Se connecter' }).waitFor();
        expect(await horizontalOverflow(page), 'sideways scrolling on the sign-in page').to.equal(0);
        await screenshot(page, `${size}-login`);

        await signIn(page, DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
        // The day starts on the home page: what needs the worker now.
        await page.waitForURL(url('/'));
        await page.getByRole('heading', { name: 'Bonjour Karim Benali', level: 1 }).waitFor();
        expect(await seen(page)).to.include('Séances de la semaine').and.include('Appels à faire').and.include('Jeunes à appeler');
        expect(await horizontalOverflow(page), 'sideways scrolling on the home page').to.equal(0);
        await screenshot(page, `${size}-home`);
        await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Groupes' }).click();
        await page.waitForURL(url('/groups'));
        await page.getByRole('heading', { name: 'Groupes', level: 1 }).waitFor();
        const list = await seen(page);
        expect(list).to.include('Rencontre des jeunes de Sadiola')
          .and.include('Finir le dispensaire et la classe')
          .and.include('Construire parasismique en Algérie')
          .and.include('Sadiola, Mali');
        // Élodie's groups are not Karim's business.
        expect(list).not.to.include('Échange avec la MJC de Bafou')
          .and.not.to.include('Maison de quartier au Maroc')
          .and.not.to.include('Jumelage Le Portel');
        expect(await horizontalOverflow(page), 'sideways scrolling on the group list').to.equal(0);
        await screenshot(page, `${size}-groups`);

        await page.getByRole('link', { name: 'Rencontre des jeunes de Sadiola' }).click();
        await page.waitForURL(/\/groups\/\d+$/);
        await page.getByRole('heading', { name: 'Rencontre des jeunes de Sadiola', level: 1 }).waitFor();
        const group = await seen(page);
        expect(group).to.include('Mission locale du Douaisis')
          .and.include('Karim Benali')
          .and.include('Inès Dufour')
          .and.include('Préparation');
        expect(await horizontalOverflow(page), 'sideways scrolling on the group page').to.equal(0);
        await screenshot(page, `${size}-group`);

        await page.getByRole('link', { name: 'Groupes' }).first().click();
        await page.waitForURL(url('/groups'));
      });
    }
  });

  describe('a youth gets a one-time code, creates an account on a phone and signs in again', () => {
    it('the admin opens the account and the youth redeems the code once', async () => {
      // The admin opens the account at the office and hands over the code sheet.
      const office = await open(DESKTOP);
      await office.goto(url('/login'));
      await signIn(office, DEMO_ACCOUNTS.admin.email, DEMO_PASSWORD);
      await office.waitForURL(url('/admin/users'));
      await office.getByRole('link', { name: 'Nouveau compte' }).click();
      await office.waitForURL(url('/admin/users/new'));
      await office.getByRole('radio', { name: 'Jeune', exact: true }).check();
      await office.getByLabel('Nom affiché').fill('Yanis Mebarki');
      await office.getByRole('button', { name: 'Créer le compte' }).click();
      await office.waitForURL(/\/admin\/users\/\d+\/code$/);
      const accountId = Number(/\/admin\/users\/(\d+)\/code$/.exec(office.url())![1]);

      await office.getByRole('heading', { name: 'Code pour créer le compte' }).waitFor();
      const code = (await office.locator('.code').innerText()).trim();
      expect(code).to.match(/^[A-Z2-9]{4}-[A-Z2-9]{4}$/);
      const sheet = await seen(office);
      expect(sheet).to.include('Yanis Mebarki').and.include('Ou scanner avec le téléphone');
      const link = `${url('/redeem')}?code=${encodeURIComponent(code)}`;
      expect(sheet, 'the link the QR code stands for is written out too').to.include(link);
      expect(await office.getByRole('figure').locator('svg').isVisible(), 'the QR code is shown').to.equal(true);
      await screenshot(office, 'desktop-code-sheet');
      // The sheet as printed on paper: the code, the QR code and the link to type, without the menus.
      await office.emulateMedia({ media: 'print' });
      expect(await office.getByRole('button', { name: 'Sortir' }).isVisible(), 'menus on paper').to.equal(false);
      expect(await seen(office)).to.include(code).and.include(link);
      await screenshot(office, 'print-code-sheet');
      // And on the screen of a phone, if the worker shows it there.
      await office.emulateMedia({ media: 'screen' });
      await office.setViewportSize({ width: 360, height: 740 });
      expect(await horizontalOverflow(office), 'sideways scrolling on the code sheet').to.equal(0);
      await screenshot(office, 'narrow-code-sheet');

      // Enrolling the account's youth in a group has no page yet: link it to Yanis's place in the Sadiola group.
      const linked = await testDb()('youths').where({ first_name: 'Yanis', last_name: 'Mebarki' }).update({ user_id: accountId });
      expect(linked).to.equal(1);

      // The youth scans the QR code with their phone.
      const phone = await open(PHONE);
      await phone.goto(link);
      await phone.getByRole('heading', { name: 'Créer mon compte' }).waitFor();
      // The code leaves the address bar (and the history) at once; the form carries it, and nobody's name
      // shows until the account is the youth's own.
      expect(phone.url(), 'the address bar').to.equal(url('/redeem'));
      expect(await seen(phone)).to.include('Ton code est bon').and.not.to.include('Yanis');
      expect(await phone.locator('input[type="hidden"][name="code"]').inputValue()).to.equal(code);
      await phone.getByLabel('Identifiant').fill('yanis.m');
      await phone.getByLabel('Choisis un mot de passe').fill('soleil-de-sadiola');
      await phone.getByLabel('Retape le mot de passe').fill('soleil-de-sadiola');
      expect(await horizontalOverflow(phone), 'sideways scrolling on the redeem form').to.equal(0);
      await screenshot(phone, 'phone-redeem');
      await phone.getByRole('button', { name: 'Créer mon compte' }).click();

      // A youth lands on their own journey: their group, where it is now, their sessions.
      await phone.waitForURL(url('/me'));
      await phone.getByText('Bonjour Yanis Mebarki ! Ton compte est prêt.').waitFor();
      const mine = await seen(phone);
      expect(mine).to.include('Rencontre des jeunes de Sadiola');
      expect(mine).not.to.include('Échange avec la MJC de Bafou').and.not.to.include('Finir le dispensaire');
      expect(await horizontalOverflow(phone), 'sideways scrolling on the youth group list').to.equal(0);
      await screenshot(phone, 'phone-youth-groups');

      await phone.getByRole('button', { name: 'Sortir' }).click();
      await phone.waitForURL(url('/login'));
      await phone.getByRole('heading', { name: 'Se connecter' }).waitFor();
      await signIn(phone, 'yanis.m', 'soleil-de-sadiola');
      await phone.waitForURL(url('/me'));
      expect(await seen(phone)).to.include('Rencontre des jeunes de Sadiola');

      // Someone finds the sheet later: the code has been used and opens nothing.
      const other = await open(PHONE);
      await other.goto(link);
      await other.getByText('Ce code ne marche pas').waitFor();
      expect(await seen(other)).not.to.include('Bonjour Yanis');
      await other.getByLabel('Identifiant').fill('pas.yanis');
      await other.getByLabel('Choisis un mot de passe').fill('un-autre-mot');
      await other.getByLabel('Retape le mot de passe').fill('un-autre-mot');
      await other.getByRole('button', { name: 'Créer mon compte' }).click();
      await other.getByText('Ce code ne marche pas').waitFor();
      expect(new URL(other.url()).pathname).to.equal('/redeem');
      expect(await horizontalOverflow(other), 'sideways scrolling on the redeem error').to.equal(0);
      await screenshot(other, 'phone-redeem-used-code');

      // The account still opens with Yanis's password only.
      await other.goto(url('/login'));
      await signIn(other, 'pas.yanis', 'un-autre-mot');
      await other.getByText('E-mail, identifiant ou mot de passe incorrect.').waitFor();
    });
  });

  describe('the language switch', () => {
    it('clicking “English” shows the page in English, and “Français” brings French back', async () => {
      const page = await open(PHONE);
      await page.goto(url('/login'));
      await page.getByRole('heading', { name: 'Se connecter' }).waitFor();

      await page.getByRole('button', { name: 'English' }).click();
      await page.getByRole('heading', { name: 'Sign in' }).waitFor();
      expect(new URL(page.url()).pathname, 'the same page, in English').to.equal('/login');
      const english = await seen(page);
      expect(english).to.include('E-mail or username').and.include('I have a code to create my account');
      expect(english).not.to.include('Mot de passe');
      expect(await page.locator('html').getAttribute('lang')).to.equal('en');
      await screenshot(page, 'phone-login-en');

      // The choice stays while browsing: signed in, the group list is in English too.
      await page.getByLabel('E-mail or username').fill(DEMO_ACCOUNTS.karim.email);
      await page.getByLabel('Password', { exact: true }).fill(DEMO_PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(url('/'));
      await page.getByRole('heading', { name: 'Hello Karim Benali', level: 1 }).waitFor();
      await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Groups' }).click();
      await page.waitForURL(url('/groups'));
      await page.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
      expect(await seen(page)).to.include('Sign out').and.include('Preparation');
      expect(await horizontalOverflow(page), 'sideways scrolling on the English group list').to.equal(0);
      await screenshot(page, 'phone-groups-en');

      await page.getByRole('button', { name: 'Français' }).click();
      await page.getByRole('heading', { name: 'Groupes', level: 1 }).waitFor();
      expect(new URL(page.url()).pathname).to.equal('/groups');
    });
  });
});
