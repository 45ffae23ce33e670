import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import dayjs from 'dayjs';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, csrfToken, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf } from './fixtures.js';

// Where uploads wait while they are read (http/uploads.ts): an imported list leaves nothing there.
const leftInImportDir = (): string[] => {
  try {
    return readdirSync(path.join(testDatabase().config.uploadDir, 'tmp'));
  } catch {
    return [];
  }
};

describe('youths in a group, through the pages', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  before(async () => ({ ids, app, karim } = await appOnDemo('karim')));

  const sadiola = () => `/groups/${ids.groups.sadiola}`;

  describe('GET /groups/:id', () => {
    it('shows the lead worker the youths with their files, the enrol and import buttons, and the funnel', async () => {
      const page = visibleText((await karim.get(`/groups/${ids.groups.dispensaire}`)).text);
      expect(page).to.include('Inscrire un jeune').and.include('Importer une liste').and.include('Parcours du groupe');
      expect(page).to.include('10 Inscrit·es').and.include('6 Ont suivi la préparation').and.include('5 Parti·es');
      expect(page).to.include('Mathis Leroy — A trouvé un emploi').and.include('CDI de préparateur de commandes')
        .and.include('garde le contact').and.include('Nathan Roussel — Perdu·e de vue').and.include('ne garde pas le contact');
    });

    it('says "not yet" for the steps a group in preparation has not reached', async () => {
      const page = visibleText((await karim.get(sadiola())).text);
      expect(page).to.include('— Parti·es pas encore').and.include('— Ont fait la restitution pas encore');
    });

    it('shows a young participant the names of the group, never their files nor why anyone left', async () => {
      const lucas = await signIn(app, 'lucas.v');
      const res = await lucas.get(`/groups/${ids.groups.bafou}`);
      expect(res.status).to.equal(200);
      const page = visibleText(res.text);
      expect(page).to.include('Amina Kone').and.include('Ousmane Ba');
      expect(page).not.to.include('né·e le');
      expect(page).not.to.include('06 39 98');
      expect(page).not.to.include('Embauché').and.not.to.include('A trouvé un emploi').and.not.to.include('Parcours du groupe');
      // The only pages under /youths/ a youth is shown are their own (their papers), never another youth's file.
      const own = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
      expect([...res.text.matchAll(/\/youths\/(\d+)/g)].map((m) => Number(m[1]))).to.satisfy((found: number[]) => found.every((id) => id === own));
      const ousmane = await enrolmentOf(testDb(), ids.groups.bafou, 'Ousmane');
      expect((await lucas.get(`/groups/${ids.groups.bafou}/youths/${ousmane}`)).status).to.equal(403);
    });
  });

  describe('POST /groups/:id/youths', () => {
    it('refuses a birth date in the future with a clear message, and keeps everything typed', async () => {
      const future = dayjs().add(2, 'month').format('YYYY-MM-DD');
      const res = await postForm(karim, `${sadiola()}/youths`, {
        firstName: 'Aïssata', lastName: 'Camara', birthDate: future, phone: '06 39 98 55 66', referredBy: 'Club de prévention',
        situation: 'school', departing: 'no', emergencyName: 'Mariam Camara',
      }, `${sadiola()}/youths/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cette date de naissance est dans le futur.');
      expect(res.text).to.include('value="Aïssata"').and.include(`value="${future}"`).and.include('value="06 39 98 55 66"')
        .and.include('value="Club de prévention"').and.include('value="Mariam Camara"');
      expect(res.text).to.match(/value="school"\s+selected/).and.to.match(/value="no"\s+checked/);
    });

    it('enrols the youth and opens their file, which says whether they are a minor at departure', async () => {
      const group = await testDb()('groups').where({ id: ids.groups.sadiola }).first('departure_date');
      const birth = dayjs(group.departure_date).subtract(18, 'year').add(1, 'day').format('YYYY-MM-DD');
      const res = await postForm(karim, `${sadiola()}/youths`, { firstName: 'Aïssata', lastName: 'Camara', birthDate: birth, situation: 'school' }, `${sadiola()}/youths/new`);
      expect(res.status).to.equal(303);
      const file = visibleText((await karim.get(res.headers.location!)).text);
      expect(file).to.include('Aïssata Camara est inscrit·e dans le groupe.').and.include('Mineur·e au départ')
        .and.include('autorisation de sortie du territoire').and.include('Scolarisé·e');
    });

    it('goes back to an empty form to enrol another youth when asked', async () => {
      const res = await postForm(karim, `${sadiola()}/youths`, { firstName: 'Bintou', lastName: 'Sow', birthDate: '2006-01-20', next: 'another' }, `${sadiola()}/youths/new`);
      expect(res.headers.location).to.equal(`${sadiola()}/youths/new`);
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId', () => {
    it('saves the corrected file', async () => {
      const yanis = await enrolmentOf(testDb(), ids.groups.sadiola, 'Yanis');
      const res = await postForm(karim, `${sadiola()}/youths/${yanis}`, {
        firstName: 'Yanis', lastName: 'Mebarki', birthDate: '2008-04-02', phone: '06 39 98 77 88', situation: 'training', departing: 'yes',
      }, `${sadiola()}/youths/${yanis}/edit`);
      expect(res.status).to.equal(303);
      const file = visibleText((await karim.get(`${sadiola()}/youths/${yanis}`)).text);
      expect(file).to.include('Fiche enregistrée.').and.include('06 39 98 77 88').and.include('En formation');
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/withdraw', () => {
    it('keeps the youth in the group history with the phase and the reason', async () => {
      const lea = await enrolmentOf(testDb(), ids.groups.sadiola, 'Léa');
      const res = await postForm(karim, `${sadiola()}/youths/${lea}/withdraw`, {
        reason: 'training', note: 'Formation d’auxiliaire de puériculture', withdrawnOn: dayjs().format('YYYY-MM-DD'), staysInTouch: 'yes',
      }, `${sadiola()}/youths/${lea}/withdraw`);
      expect(res.status).to.equal(303);
      const file = visibleText((await karim.get(`${sadiola()}/youths/${lea}`)).text);
      expect(file).to.include('Léa Vandamme a quitté le projet.').and.include('Est entré·e en formation')
        .and.include('Étape du groupe : Préparation').and.include('Formation d’auxiliaire de puériculture').and.include('Garde le contact avec le groupe');
      const group = visibleText((await karim.get(sadiola())).text);
      expect(group).to.include('Léa Vandamme').and.include('Léa Vandamme — Est entré·e en formation');
    });

    it('answers an empty form with the questions to answer, and changes nothing', async () => {
      const chloe = await enrolmentOf(testDb(), ids.groups.sadiola, 'Chloé');
      const res = await postForm(karim, `${sadiola()}/youths/${chloe}/withdraw`, { note: 'Je garde ce texte' }, '/groups');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez une raison.').and.include('Répondez oui ou non.');
      expect(res.text).to.include('Je garde ce texte');
      expect((await testDb()('enrolments').where({ id: chloe }).first('status')).status).to.equal('enrolled');
    });

    it('refuses a youth who already left', async () => {
      const lea = await enrolmentOf(testDb(), ids.groups.sadiola, 'Léa');
      const res = await postForm(karim, `${sadiola()}/youths/${lea}/withdraw`, { reason: 'job', withdrawnOn: dayjs().format('YYYY-MM-DD'), staysInTouch: 'no' }, '/groups');
      expect(res.status).to.equal(409);
      expect(visibleText(res.text)).to.include('Ce jeune a déjà quitté le projet.');
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/rejoin', () => {
    it('brings the youth back and keeps the withdrawal in their history', async () => {
      const lea = await enrolmentOf(testDb(), ids.groups.sadiola, 'Léa');
      const res = await postForm(karim, `${sadiola()}/youths/${lea}/rejoin`, {}, '/groups');
      expect(res.status).to.equal(303);
      const file = visibleText((await karim.get(`${sadiola()}/youths/${lea}`)).text);
      expect(file).to.include('Léa Vandamme revient dans le groupe.').and.include('Est entré·e en formation').and.include('Revenu·e le');
    });
  });

  describe('youths of another group', () => {
    it('are not found through this group', async () => {
      const lucas = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
      expect((await karim.get(`${sadiola()}/youths/${lucas}`)).status).to.equal(404);
      expect((await postForm(karim, `${sadiola()}/youths/${lucas}/rejoin`, {}, '/groups')).status).to.equal(404);
    });
  });

  describe('POST /groups/:id/youths/import', () => {
    const importUrl = (token: string) => `${sadiola()}/youths/import?_csrf=${encodeURIComponent(token)}`;
    const pageToken = async () => csrfFrom((await karim.get(`${sadiola()}/youths/import`)).text);

    it('puts the CSRF token of the upload form in its address', async () => {
      const html = (await karim.get(`${sadiola()}/youths/import`)).text;
      expect(html).to.include(`action="${sadiola()}/youths/import?_csrf=`).and.include('enctype="multipart/form-data"');
    });

    it('enrols the youths of an uploaded file and deletes the file', async () => {
      const before = leftInImportDir();
      const csv = Buffer.from('\uFEFFprenom;nom;date_naissance;situation\r\nOumar;Diallo;12/06/2006;emploi\r\nJustine;Lemoine;2007-02-28;scolaire\r\n', 'utf8');
      const res = await karim.post(importUrl(await pageToken())).attach('file', csv, { filename: 'jeunes.csv', contentType: 'text/csv' });
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      const page = visibleText((await karim.get(sadiola())).text);
      expect(page).to.include('Jeunes inscrits dans le groupe : 2.').and.include('Oumar Diallo').and.include('Justine Lemoine');
      expect(leftInImportDir().filter((f) => !before.includes(f))).to.deep.equal([]);
    });

    it('refuses an upload without the token in its address', async () => {
      const res = await karim.post(`${sadiola()}/youths/import`).attach('file', Buffer.from('prenom;nom;date_naissance\nA;B;01/01/2006'), 'jeunes.csv');
      expect(res.status).to.equal(403);
    });

    it('shows every broken line, imports nothing and keeps the list in a text box to fix it', async () => {
      const before = leftInImportDir();
      const csv = 'prenom;nom;date_naissance\nRose;Blanc;12/06/2006\nPaul;Noir;30/02/2008\n;Vert;01/01/2007\n';
      const res = await karim.post(importUrl(await pageToken())).attach('file', Buffer.from(csv), 'jeunes.csv');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('2 problèmes : rien n’a été importé.')
        .and.include('ligne 3 : date de naissance impossible (30/02/2008)').and.include('ligne 4 : prénom manquant');
      expect(res.text).to.match(/<textarea id="f-csv" name="csv"[^>]*>prenom;nom;date_naissance\nRose;Blanc;12\/06\/2006\nPaul;Noir;30\/02\/2008/);
      expect(await testDb()('youths').where({ first_name: 'Rose' }).first()).to.equal(undefined);
      expect(leftInImportDir().filter((f) => !before.includes(f))).to.deep.equal([]);

      // Fixed in the text box and sent again, as pasted text.
      const fixed = await karim.post(importUrl(await pageToken())).field('csv', csv.replace('30/02/2008', '28/02/2008').replace(';Vert', 'Iris;Vert'));
      expect(fixed.status).to.equal(303);
      expect(await testDb()('youths').whereIn('last_name', ['Blanc', 'Noir', 'Vert']).pluck('first_name')).to.have.members(['Rose', 'Paul', 'Iris']);
    });

    it('says a file over 1 MB is too large, without keeping it', async () => {
      const before = leftInImportDir();
      const big = Buffer.alloc(1024 * 1024 + 10, 'a');
      const res = await karim.post(importUrl(await pageToken())).attach('file', big, 'enorme.csv');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('fichier trop lourd (1 Mo au plus)');
      expect(leftInImportDir().filter((f) => !before.includes(f))).to.deep.equal([]);
    });

    it('a worker who sends two files gets the form back asking for one, not an error page (422)', async () => {
      const before = leftInImportDir();
      const csv = Buffer.from('prenom;nom;date_naissance\nAlix;Deux;12/06/2006\n');
      const res = await karim.post(importUrl(await pageToken()))
        .attach('file', csv, 'jeunes.csv').attach('file', csv, 'encore.csv');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('un seul fichier à la fois');
      expect(await testDb()('youths').where({ first_name: 'Alix' }).first()).to.equal(undefined);
      expect(leftInImportDir().filter((f) => !before.includes(f))).to.deep.equal([]);
    });

    it('recognises a spreadsheet that was not saved as CSV', async () => {
      const res = await karim.post(importUrl(await pageToken())).attach('file', Buffer.from('PK\x03\x04 not really a zip', 'latin1'), 'jeunes.xlsx');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('ce n’est pas un fichier CSV');
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/account', () => {
    it('opens the youth’s account with a one-time code that the youth redeems on their phone', async () => {
      const samir = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
      const res = await postForm(karim, `${sadiola()}/youths/${samir}/account`, {}, `${sadiola()}/youths/${samir}`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`${sadiola()}/youths/${samir}/account`);
      const sheet = await karim.get(res.headers.location!);
      expect(sheet.status).to.equal(200);
      expect(visibleText(sheet.text)).to.include('Samir Haddad');
      const code = /class="code"[^>]*>([A-Z0-9]{4}-[A-Z0-9]{4})</.exec(sheet.text)![1]!;
      expect(sheet.text).to.include('<svg').and.include(`/redeem?code=${code}`);
      const account = await testDb()('users').where({ display_name: 'Samir Haddad', role: 'youth' }).first('id', 'username');
      expect(account.username).to.equal(null);

      // The code is shown once: coming back to the page offers a new one instead.
      expect(visibleText((await karim.get(res.headers.location!)).text)).to.include('Le code n’est affiché qu’une fois');

      const phone = request.agent(app);
      const token = await csrfToken(phone, `/redeem?code=${code}`);
      const redeemed = await phone.post('/redeem').type('form').send({ _csrf: token, code, username: 'samir.h', password: 'sadiola-2026', passwordConfirm: 'sadiola-2026' });
      expect(redeemed.status).to.equal(303);
      const samirSignedIn = await signIn(app, 'samir.h', 'sadiola-2026');
      expect(visibleText((await samirSignedIn.get('/groups')).text)).to.include('Rencontre des jeunes de Sadiola');
      expect(visibleText((await karim.get(`${sadiola()}/youths/${samir}`)).text)).to.include('Compte actif. Identifiant : samir.h');
    });

    it('gives a new code to a youth whose account exists, without a second account', async () => {
      const samir = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
      const res = await postForm(karim, `${sadiola()}/youths/${samir}/account`, {}, '/groups');
      expect(res.status).to.equal(303);
      expect(await testDb()('users').where({ display_name: 'Samir Haddad' }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(1);
      expect((await karim.get(res.headers.location!)).text).to.match(/class="code"/);
    });

    it('is not for the director, who reads files but does not open accounts', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const samir = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
      expect((await director.get(`${sadiola()}/youths/${samir}`)).status).to.equal(200);
      expect((await postForm(director, `${sadiola()}/youths/${samir}/account`, {}, '/groups')).status).to.equal(403);
    });
  });
});
