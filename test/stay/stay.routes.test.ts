import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { localNow } from '../../src/meetings/meeting.js';
import { purgeHealthNotes } from '../../src/documents/retention.js';
import { binary, pdfText } from '../reports/exports.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { render } from '../../src/outbox/templates.js';

const NOW = localNow().slice(0, 16);
const auditCount = async (action: string) => Number((await testDb()('audit_log').where({ action }).count({ n: '*' }))[0]!.n);

describe('the stay (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let director: Agent;
  let ines: Agent;
  let sadiola: string;
  before(async () => {
    ({ ids, app, karim, director, ines } = await appOnDemo('karim', 'director', 'ines'));
    sadiola = `/groups/${ids.groups.sadiola}`;
  });

  describe('the emergency sheet', () => {
    it('saves the stay’s fields and a youth’s health note, and shows them with the emergency contacts', async () => {
      const ines = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
      const res = await postForm(karim, `${sadiola}/stay/sheet`, {
        insurance: 'Mutuelle des voyageurs, contrat 778-22', assistancePhone: '+33 1 70 36 11 11', consulate: 'Consulat de France à Bamako, +223 20 29 31 00',
        partnerContacts: 'Mairie de Sadiola : M. Keïta', accommodationAddress: 'Maison des jeunes, quartier Sud, Sadiola', itinerary: 'J1 Bamako\nJ2 Kayes\nJ3 Sadiola',
        [`health${ines}`]: 'Allergique aux arachides ; stylo d’adrénaline dans son sac',
      }, `${sadiola}/stay/sheet/edit`);
      expect(res.status).to.equal(303);
      const page = visibleText((await karim.get(`${sadiola}/stay/sheet`)).text);
      expect(page).to.include('Mutuelle des voyageurs, contrat 778-22').and.include('+33 1 70 36 11 11').and.include('Consulat de France à Bamako');
      expect(page).to.include('Inès').and.include('Allergique aux arachides');
      const file = await testDb()('youths').join('enrolments', 'enrolments.youth_id', 'youths.id').where('enrolments.id', ines).first('emergency_contact_phone');
      expect(page).to.include(file.emergency_contact_phone);
      expect(page).not.to.include('<img');
    });

    it('refuses a phone that is not one and keeps what was typed', async () => {
      const res = await postForm(karim, `${sadiola}/stay/sheet`, { insurance: 'Assureur gardé', assistancePhone: 'appeler Paul' }, `${sadiola}/stay/sheet/edit`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Écrivez un numéro de téléphone');
      expect(res.text).to.include('value="Assureur gardé"').and.include('value="appeler Paul"');
    });

    it('writes each opening in the audit log, page and PDF', async () => {
      const before = await auditCount('stay.sheetOpened');
      await director.get(`${sadiola}/stay/sheet`).expect(200);
      await director.get(`${sadiola}/stay/sheet.pdf`).buffer(true).parse(binary as never).expect(200);
      expect(await auditCount('stay.sheetOpened')).to.equal(before + 2);
      const [last] = await testDb()('audit_log').where({ action: 'stay.sheetOpened' }).orderBy('id', 'desc').limit(1);
      expect(last.user_name).to.equal(DEMO_ACCOUNTS.director.displayName);
    });

    it('prints the sheet as a PDF with the stay, each departing youth and their health note', async () => {
      const res = await karim.get(`${sadiola}/stay/sheet.pdf`).buffer(true).parse(binary as never);
      expect(res.headers['content-type']).to.equal('application/pdf');
      const text = await pdfText(res.body as Buffer);
      expect(text).to.include('Fiche d’urgence — Rencontre des jeunes de Sadiola');
      expect(text).to.include('Consulat de France à Bamako').and.include('Maison des jeunes, quartier Sud, Sadiola');
      expect(text).to.include('Allergique aux arachides');
      const departing = await testDb()('enrolments').where({ group_id: ids.groups.sadiola, status: 'enrolled', departing: true }).count({ n: '*' });
      expect(text).to.include(`${Number(departing[0]!.n)} jeunes partent.`);
    });

    it('is nothing for a youth of the group: sheet, PDF and form', async () => {
      expect((await ines.get(`${sadiola}/stay/sheet`)).status).to.equal(403);
      expect((await ines.get(`${sadiola}/stay/sheet.pdf`)).status).to.equal(403);
      expect((await ines.get(`${sadiola}/stay/sheet/edit`)).status).to.equal(403);
      expect(visibleText((await ines.get(sadiola)).text)).not.to.include('Fiche d’urgence').and.not.include('Le séjour');
    });

    it('loses its health notes with the health papers once the group is back past the retention, and says so', async () => {
      const algerie = ids.groups.algerie;
      const lead = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const walid = await enrolmentOf(testDb(), algerie, 'Walid');
      await postForm(lead, `/groups/${algerie}/stay/sheet`, { [`health${walid}`]: 'Asthme : ventoline' }, `/groups/${algerie}/stay/sheet/edit`).then((r) => expect(r.status).to.equal(303));
      // Back 15 days ago: kept at 90 days' retention, purged at 10.
      expect(await purgeHealthNotes(testDb(), 90)).to.equal(0);
      expect(await purgeHealthNotes(testDb(), 10)).to.equal(1);
      const note = await testDb()('stay_health_notes').where({ enrolment_id: walid }).first();
      expect(note.note).to.equal(null);
      expect(note.purged_at).to.be.a('string');
      const page = visibleText((await lead.get(`/groups/${algerie}/stay/sheet`)).text);
      expect(page).not.to.include('ventoline');
      expect(page).to.include('effacé après le retour');
      expect(await auditCount('stay.healthNotePurged')).to.equal(1);
      // The Sadiola group is not back: its notes stay.
      expect(await testDb()('stay_health_notes').whereNotNull('note').count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(1);
    });
  });

  describe('incidents', () => {
    let incidentPath: string;
    it('logs a serious incident with the youths involved and who was told, and e-mails the directors', async () => {
      const ines = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
      const queued = Number((await testDb()('outbox_messages').where({ message_key: 'incidentAlert' }).count({ n: '*' }))[0]!.n);
      const res = await postForm(karim, `${sadiola}/stay/incidents`, {
        occurredAt: NOW, place: 'Marché de Kayes', what: 'Chute dans un escalier, cheville enflée', severity: 'serious',
        actionTaken: 'Dispensaire, radio', youth: String(ines), toldParentsAt: NOW, toldInsurerAt: NOW,
      }, `${sadiola}/stay/incidents/new`);
      expect(res.status).to.equal(303);
      incidentPath = res.headers.location!;
      const page = visibleText((await karim.get(incidentPath)).text);
      expect(page).to.include('Grave').and.include('Marché de Kayes').and.include('Chute dans un escalier').and.include('Inès');
      expect(page).to.include('Consulat : pas prévenu').and.include('Pas encore lu par la direction');
      const mails = await testDb()('outbox_messages').where({ message_key: 'incidentAlert' });
      expect(mails.length).to.equal(queued + 1);
      expect(mails.at(-1).address).to.equal(DEMO_ACCOUNTS.director.email);
      expect(mails.at(-1).data).to.include('Rencontre des jeunes de Sadiola').and.not.include('Inès');
    });

    it('refuses an incident without what happened nor severity, keeping the place typed', async () => {
      const res = await postForm(karim, `${sadiola}/stay/incidents`, { occurredAt: NOW, place: 'Gare routière' }, `${sadiola}/stay/incidents/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez la gravité');
      expect(res.text).to.include('value="Gare routière"');
    });

    it('refuses a youth of another group', async () => {
      const other = await testDb()('enrolments').whereNot({ group_id: ids.groups.sadiola }).first('id');
      const res = await postForm(karim, `${sadiola}/stay/incidents`, { occurredAt: NOW, what: 'x', severity: 'minor', youth: String(other.id) }, `${sadiola}/stay/incidents/new`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('n’est pas du groupe');
    });

    it('shows on the director’s home until they acknowledge it, who and when recorded', async () => {
      expect(visibleText((await director.get('/')).text)).to.include('Incidents graves à lire (1)').and.include('Rencontre des jeunes de Sadiola');
      const before = await auditCount('stay.incidentOpened');
      await director.get(incidentPath).expect(200);
      expect(await auditCount('stay.incidentOpened')).to.equal(before + 1);
      // Opening is not acknowledging.
      expect(visibleText((await director.get('/')).text)).to.include('Incidents graves à lire (1)');
      expect((await postForm(director, `${incidentPath}/acknowledge`, {}, incidentPath)).status).to.equal(303);
      const row = await testDb()('stay_incidents').orderBy('id', 'desc').first();
      expect(row.acknowledged_by).to.equal(ids.users.director);
      expect(row.acknowledged_at).to.be.a('string');
      expect(visibleText((await director.get('/')).text)).to.include('Incidents graves à lire (0)');
      expect(visibleText((await director.get(incidentPath)).text)).to.include('Lu par');
    });

    it('does not let the lead acknowledge, nor a youth read or log one', async () => {
      expect((await postForm(karim, `${incidentPath}/acknowledge`, {}, incidentPath)).status).to.equal(403);
      expect((await ines.get(incidentPath)).status).to.equal(403);
      expect((await ines.get(`${sadiola}/stay/incidents`)).status).to.equal(403);
      expect((await postForm(ines, `${sadiola}/stay/incidents`, {}, '/me')).status).to.equal(403);
    });

    it('counts serious incidents on the dashboard, without a name, as "< 3" where small counts are hidden', async () => {
      const text = visibleText((await director.get('/reports')).text);
      expect(text).to.match(/ 1 Incidents graves ou urgents pendant les séjours/);
      expect(text).not.to.include('Chute dans un escalier');
      const anonymised = visibleText((await director.get('/reports?anonymised=1')).text);
      expect(anonymised).to.include('< 3 Incidents graves ou urgents pendant les séjours');
    });
  });

  describe('correcting an incident', () => {
    let path: string;
    const homeText = async () => visibleText((await director.get('/')).text);
    const alerts = async () => Number((await testDb()('outbox_messages').whereIn('message_key', ['incidentAlert', 'incidentRaised']).count({ n: '*' }))[0]!.n);
    const correct = (fields: Record<string, string>) => postForm(karim, path, fields, `${path}/edit`);
    let base: Record<string, string>;

    before(async () => {
      const res = await postForm(karim, `${sadiola}/stay/incidents`, { occurredAt: NOW, place: 'Dortoir', what: 'Fièvre dans la nuit', severity: 'minor' }, `${sadiola}/stay/incidents/new`);
      path = res.headers.location!;
      base = { occurredAt: NOW, place: 'Dortoir', what: 'Fièvre dans la nuit', severity: 'minor' };
    });

    it('shows the incident as it stands in the form, an opening written in the audit log', async () => {
      const before = await auditCount('stay.incidentOpened');
      const form = await karim.get(`${path}/edit`).expect(200);
      expect(await auditCount('stay.incidentOpened')).to.equal(before + 1);
      expect(form.text).to.include('value="Dortoir"').and.include('Fièvre dans la nuit').and.include('name="revision" value="0"');
      expect(form.text).to.match(/value="minor"[^>]*checked/);
    });

    it('keeps the version before, and raised to emergency shows on the director’s home and is e-mailed like a new one', async () => {
      const homeBefore = await homeText();
      expect(homeBefore).not.to.include('Fièvre');
      const count = Number(/Incidents graves à lire \((\d+)\)/.exec(homeBefore)![1]);
      const mails = await alerts();
      const res = await correct({ ...base, severity: 'emergency', actionTaken: 'Médecin appelé, paracétamol', toldParentsAt: NOW, revision: '0' });
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(path);
      const page = visibleText((await karim.get(path)).text);
      expect(page).to.include('Urgence').and.include('Médecin appelé, paracétamol').and.include('Parents : ' );
      expect(page).to.include(`Corrigé par ${DEMO_ACCOUNTS.karim.displayName}`);
      expect(page).to.match(/Gravité Mineur → Urgence/);
      expect(page).to.match(/Ce qui a été fait — → Médecin appelé, paracétamol/);
      expect(page).to.match(/Qui a été prévenu, et quand · Parents pas prévenu → /);
      const [kept] = await testDb()('stay_incident_revisions').where({ incident_id: Number(path.split('/').pop()) });
      expect(kept).to.include({ revision: 0, severity: 'minor', action_taken: null, told_parents_at: null, what: 'Fièvre dans la nuit', changed_by: ids.users.karim });
      expect(await homeText()).to.include(`Incidents graves à lire (${count + 1})`);
      expect(await alerts()).to.equal(mails + 1);
      // Said as a correction: the incident was logged earlier, not "just now".
      const mail = await testDb()('outbox_messages').whereIn('message_key', ['incidentAlert', 'incidentRaised']).orderBy('id', 'desc').first();
      expect(mail.message_key).to.equal('incidentRaised');
      const { subject, text } = render(mail.message_key, 'email', mail.locale, JSON.parse(mail.data));
      expect(subject).to.equal('Incident corrigé, maintenant urgent — Rencontre des jeunes de Sadiola');
      expect(text).to.include('vient d’être corrigé : il est maintenant urgent').and.not.include('vient d’être noté');
    });

    it('lowered after the director read it, stays read and sends nothing; raised again, asks to be read again, the reading kept in the history', async () => {
      expect((await postForm(director, `${path}/acknowledge`, {}, path)).status).to.equal(303);
      const mails = await alerts();
      expect((await correct({ ...base, severity: 'serious', actionTaken: 'Médecin appelé, paracétamol', toldParentsAt: NOW, revision: '1' })).status).to.equal(303);
      const id = Number(path.split('/').pop());
      expect((await testDb()('stay_incidents').where({ id }).first()).acknowledged_by).to.equal(ids.users.director);
      expect(await alerts()).to.equal(mails);
      expect((await correct({ ...base, severity: 'emergency', actionTaken: 'Médecin appelé, paracétamol', toldParentsAt: NOW, revision: '2' })).status).to.equal(303);
      const row = await testDb()('stay_incidents').where({ id }).first();
      expect(row.acknowledged_at).to.equal(null);
      expect(row.revision).to.equal(3);
      expect(await alerts()).to.equal(mails + 1);
      const versions = await testDb()('stay_incident_revisions').where({ incident_id: id }).orderBy('revision');
      expect(versions.map((v) => [v.revision, v.severity, v.acknowledged_by])).to.deep.equal([[0, 'minor', null], [1, 'emergency', ids.users.director], [2, 'serious', ids.users.director]]);
      expect(visibleText((await director.get(path)).text)).to.include('Pas encore lu par la direction');
    });

    it('refuses a correction without what happened, keeping what was typed and the version', async () => {
      const res = await correct({ ...base, what: '', place: 'Infirmerie du lycée', revision: '3' });
      expect(res.status).to.equal(422);
      expect(res.text).to.include('value="Infirmerie du lycée"').and.include('name="revision" value="3"');
      expect((await testDb()('stay_incidents').where({ id: Number(path.split('/').pop()) }).first()).place).to.equal('Dortoir');
    });

    it('refuses a form loaded on an older version (409), and one that changes nothing', async () => {
      const stale = await correct({ ...base, severity: 'minor', revision: '1' });
      expect(stale.status).to.equal(409);
      expect(visibleText(stale.text)).to.include('Quelqu’un a corrigé cet incident pendant que vous écriviez');
      // Sent again knowingly, it replaces the newer one: the form now carries the current version.
      expect(stale.text).to.include('name="revision" value="3"').and.include('value="Dortoir"');
      const same = await correct({ ...base, severity: 'emergency', actionTaken: 'Médecin appelé, paracétamol', toldParentsAt: NOW, revision: '3' });
      expect(same.status).to.equal(422);
      expect(visibleText(same.text)).to.include('Rien n’a changé');
      expect((await testDb()('stay_incidents').where({ id: Number(path.split('/').pop()) }).first()).revision).to.equal(3);
    });

    it('is not the director’s nor a youth’s to correct', async () => {
      expect((await director.get(`${path}/edit`)).status).to.equal(403);
      expect((await postForm(director, path, { ...base, revision: '3' }, path)).status).to.equal(403);
      expect((await ines.get(`${path}/edit`)).status).to.equal(403);
      expect(visibleText((await director.get(path)).text)).not.to.include('Compléter ou corriger');
    });
  });

  describe('daily notes', () => {
    let algerie: string;
    before(() => { algerie = `/groups/${ids.groups.algerie}`; });

    it('puts the adults’ note of the day on the group page’s stay section, for the adults only', async () => {
      const res = await postForm(karim, `${algerie}/stay/notes`, { day: NOW.slice(0, 10), done: 'Chantier de l’école le matin', mood: 'Très bonne', tired: 'Walid, le soir' }, `${algerie}/stay/notes/new`);
      expect(res.status).to.equal(303);
      const page = visibleText((await karim.get(algerie)).text);
      expect(page).to.include('Le séjour').and.include('Chantier de l’école le matin').and.include('Très bonne').and.include('Walid, le soir');
      expect(visibleText((await director.get(algerie)).text)).to.include('Chantier de l’école le matin');
      expect((await ines.get(algerie)).status).to.equal(404);
      expect((await ines.get(`${algerie}/stay/notes/new`)).status).to.equal(404);
    });

    it('has no stay section on a group still in preparation', async () => {
      expect(visibleText((await karim.get(sadiola)).text)).not.to.include('Notes du jour des adultes');
    });

    it('refuses a note without what was done, or for a day to come, keeping the input', async () => {
      const empty = await postForm(karim, `${algerie}/stay/notes`, { day: NOW.slice(0, 10), mood: 'calme' }, `${algerie}/stay/notes/new`);
      expect(empty.status).to.equal(422);
      expect(empty.text).to.include('calme');
      const later = await postForm(karim, `${algerie}/stay/notes`, { day: `${Number(NOW.slice(0, 4)) + 1}${NOW.slice(4, 10)}`, done: 'rien' }, `${algerie}/stay/notes/new`);
      expect(later.status).to.equal(422);
      expect(visibleText(later.text)).to.include('Ce jour n’est pas encore arrivé');
    });
  });
});
