import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Express } from 'express';
import { appOnDemo, buildApp, csrfFrom, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { recordAudit } from '../../src/documents/audit-log.js';
import { missingDocuments } from '../../src/documents/readiness.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { jpegBytes, pdfBytes, pngBytes } from './fixtures.js';
import { enrolmentOf, youthWithAccount } from '../participants/fixtures.js';

/** Every file under a folder, recursively (the upload folder: scans and temporary files). */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

const paperOf = (enrolmentId: number, kind: string) => testDb()('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();

describe('required papers (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let ines: Agent;
  let inesId: number;
  const uploadDir = () => testDatabase().config.uploadDir;
  const papersOf = (enrolmentId: number) => `/groups/${ids.groups.sadiola}/youths/${enrolmentId}/documents`;

  /** Sends a scan as the page's form does: multipart, with the CSRF token in the query string. */
  async function upload(agent: Agent, enrolmentId: number, kind: string, fields: Record<string, string>, file?: { bytes: Buffer; name: string; type: string }) {
    const token = csrfFrom((await agent.get('/groups')).text);
    let req = agent.post(`${papersOf(enrolmentId)}/${kind}?_csrf=${encodeURIComponent(token)}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    if (file) req = req.attach('scan', file.bytes, { filename: file.name, contentType: file.type });
    else req = req.field('scan', '');
    return req;
  }

  before(async () => {
    ({ ids, app, karim, ines } = await appOnDemo('karim', 'ines'));
    inesId = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
  });

  describe('GET /groups/:id/documents', () => {
    it('shows the worker every departing youth × every paper, in icons and words, with what is late', async () => {
      const res = await karim.get(`/groups/${ids.groups.sadiola}/documents`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Papiers du groupe').and.match(/Prêts à partir : \d+ sur \d+/);
      expect(text).to.include('Passeport').and.include('Visa').and.include('Fièvre jaune').and.include('Sortie du territoire');
      expect(text).to.include('Inès Dufour').and.include('Reçu, à vérifier').and.include('Vérifié').and.include('Refusé').and.include('Pas valable').and.include('Manquant');
      expect(text).to.include('Pas concerné·e'); // the exit authorisation of an adult
      expect(text).to.include('Mineur·e au départ');
      expect(res.text).to.include('href="/assets/icons.svg#hourglass"').and.include('class="board-table"').and.include('class="board-cards"');
      expect(text).to.include('Régler les papiers demandés');
    });

    it('lets the director read it, and refuses a youth of the group', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const res = await director.get(`/groups/${ids.groups.sadiola}/documents`);
      expect(res.status).to.equal(200);
      expect(visibleText(res.text)).to.not.include('Régler les papiers demandés');
      expect((await ines.get(`/groups/${ids.groups.sadiola}/documents`)).status).to.equal(403);
    });
  });

  describe('POST /groups/:id/documents/check', () => {
    it('checks a whole column of received papers at once, each with its result; a paper its dates say is not valid is not checked and says why', async () => {
      const chloe = await enrolmentOf(testDb(), ids.groups.sadiola, 'Chloé');
      const received = await testDb()('youth_documents').join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
        .where({ 'enrolments.group_id': ids.groups.sadiola, kind: 'passport_or_id', 'youth_documents.status': 'received' }).pluck('enrolment_id');
      expect(received).to.include(chloe).and.include(inesId);
      const board = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/documents`)).text);
      expect(board).to.include(`Passeport (${received.length})`);

      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/check`, { kind: 'passport_or_id' }, `/groups/${ids.groups.sadiola}/documents`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Inès Dufour — Passeport : vérifié');
      expect(text).to.match(/Chloé Lefebvre — Passeport : pas vérifié\. Passeport : expire le/);
      expect(text).to.include(`${received.length - 1} vérifié(s), 1 laissé(s) à voir sur leur page.`);
      expect(await paperOf(inesId, 'passport_or_id')).to.include({ status: 'checked', checked_by: ids.users.karim });
      expect(await paperOf(chloe, 'passport_or_id')).to.include({ status: 'received' });

      // Posting again finds nothing left but Chloé's passport, still not checked.
      const again = visibleText((await postForm(karim, `/groups/${ids.groups.sadiola}/documents/check`, { kind: 'passport_or_id' }, `/groups/${ids.groups.sadiola}/documents`)).text);
      expect(again).to.include('0 vérifié(s), 1 laissé(s)');
    });

    it('checks one youth’s row, and refuses a form naming neither a youth nor a paper', async () => {
      const manon = await enrolmentOf(testDb(), ids.groups.sadiola, 'Manon');
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/check`, { youth: String(manon) }, `/groups/${ids.groups.sadiola}/documents`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Manon').and.include('Autorisation de sortie du territoire : vérifié').and.include('Pièce d’identité du parent : vérifié');
      expect(await paperOf(manon, 'exit_authorisation')).to.include({ status: 'checked' });
      const neither = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/check`, {}, `/groups/${ids.groups.sadiola}/documents`);
      expect(neither.status).to.equal(422);
      expect(visibleText(neither.text)).to.include('Choisissez un jeune ou un papier à vérifier.');
      const both = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/check`, { youth: String(manon), kind: 'visa' }, `/groups/${ids.groups.sadiola}/documents`);
      expect(both.status).to.equal(422);
    });
  });

  describe('GET /groups/:id/youths/:enrolmentId/documents', () => {
    it('speaks of the youth to the worker (“son passeport”), where it speaks to the youth on her own page', async () => {
      const text = visibleText((await karim.get(papersOf(inesId))).text);
      expect(text).to.include('Son passeport, valable au moins jusqu’au').and.include('Le visa collé dans son passeport');
      expect(text).to.include('Sur un téléphone, la photo se prend directement.');
      expect(text).to.not.match(/\b[Tt](on|a|es) (passeport|carnet|photo)\b|\btu\b|\btoi\b/);
    });
  });

  describe('a youth’s own papers', () => {
    it('are linked from her group page as “Mes papiers”, with what to bring and the deadlines', async () => {
      const group = await ines.get(`/groups/${ids.groups.sadiola}`);
      expect(group.text).to.include(`href="${papersOf(inesId)}"`);
      expect(visibleText(group.text)).to.include('Mes papiers');
      const res = await ines.get(papersOf(inesId));
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Mes papiers').and.include('Ton passeport, valable au moins jusqu’au');
      expect(text).to.include('Demande à faire avant le').and.include('Vaccin contre la fièvre jaune');
      expect(text).to.include('Centre de vaccinations internationales du CHU de Lille'); // the worker's note
      expect(text).to.not.include('Autorisation de sortie du territoire'); // she is an adult
      expect(res.text).to.include('accept="application/pdf,image/jpeg,image/png" capture="environment"').and.include('enctype="multipart/form-data"');
      expect(text).to.not.include('Bon pour le voyage'); // checking is the worker's
    });

    it('are not another youth’s: a youth asking for them finds nothing (404), even in her own group', async () => {
      const yanis = await enrolmentOf(testDb(), ids.groups.sadiola, 'Yanis');
      expect((await ines.get(papersOf(yanis))).status).to.equal(404);
      expect((await ines.get(`${papersOf(yanis)}/passport_or_id/scan`)).status).to.equal(404);
      const token = csrfFrom((await ines.get(papersOf(inesId))).text);
      const res = await ines.post(`${papersOf(yanis)}/image_rights?_csrf=${encodeURIComponent(token)}`).attach('scan', pdfBytes(), { filename: 'a.pdf', contentType: 'application/pdf' });
      expect(res.status).to.equal(404);
      expect(await paperOf(yanis, 'image_rights')).to.equal(undefined);
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/documents/:kind', () => {
    it('takes a real PDF, JPEG and PNG, stores each under a generated name, and marks the paper received', async () => {
      const samir = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
      const sent: { kind: string; fields: Record<string, string>; file: { bytes: Buffer; name: string; type: string }; mime: string; ext: string }[] = [
        { kind: 'passport_or_id', fields: { expiryDate: '2031-05-04' }, file: { bytes: pdfBytes(), name: 'passeport samir.pdf', type: 'application/pdf' }, mime: 'application/pdf', ext: 'pdf' },
        { kind: 'insurance', fields: { validFrom: '2020-01-01', expiryDate: '2099-01-01' }, file: { bytes: jpegBytes(), name: 'IMG_2034.jpg', type: 'image/jpeg' }, mime: 'image/jpeg', ext: 'jpg' },
        { kind: 'image_rights', fields: {}, file: { bytes: pngBytes(), name: 'accord.png', type: 'image/png' }, mime: 'image/png', ext: 'png' },
      ];
      for (const s of sent) {
        const res = await upload(karim, samir, s.kind, s.fields, s.file);
        expect(res.status, `${s.kind}: ${visibleText(res.text).slice(0, 300)}`).to.equal(303);
        expect(res.headers.location).to.equal(`${papersOf(samir)}#paper-${s.kind}`);
        const row = await paperOf(samir, s.kind);
        expect(row).to.include({ status: 'received', scan_mime: s.mime, scan_name: s.file.name, uploaded_by: ids.users.karim });
        expect(Number(row.scan_size)).to.equal(s.file.bytes.length);
        expect(row.scan_path).to.match(new RegExp(`^documents/\\d{4}/[0-9a-f-]{36}\\.${s.ext}$`));
        expect(readFileSync(path.join(uploadDir(), row.scan_path)).equals(s.file.bytes)).to.equal(true);
      }
      expect((await paperOf(samir, 'passport_or_id')).expiry_date).to.equal('2031-05-04');
      const page = visibleText((await karim.get(papersOf(samir))).text);
      expect(page).to.include('Papier enregistré, à vérifier.').and.include('Valable jusqu’au 4 mai 2031').and.include('Couvre du 1 janv. 2020 au 1 janv. 2099');
      expect(filesUnder(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
    });

    it('refuses a text file named .pdf by what it contains: nothing left on disk, no row', async () => {
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      const before = filesUnder(uploadDir()).length;
      const res = await upload(karim, kevin, 'passport_or_id', { expiryDate: '2031-01-01' }, { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'passeport.pdf', type: 'application/pdf' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Ce fichier n’est pas un PDF, un JPEG ou un PNG.');
      expect(res.text).to.include('value="2031-01-01"'); // what was typed is kept
      expect(await paperOf(kevin, 'passport_or_id')).to.equal(undefined);
      expect(filesUnder(uploadDir()).length).to.equal(before);
    });

    it('refuses an executable with any name, and an image type it does not take (GIF)', async () => {
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);
      const gif = Buffer.from('R0lGODlhAQABAIAAAP///wAAACwAAAAAAQABAAACAkQBADs=', 'base64');
      for (const bytes of [elf, gif]) {
        const res = await upload(karim, kevin, 'image_rights', {}, { bytes, name: 'accord.png', type: 'image/png' });
        expect(res.status).to.equal(422);
      }
      expect(await paperOf(kevin, 'image_rights')).to.include({ status: 'checked', scan_path: null });
      expect(filesUnder(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
    });

    it('refuses a scan over the size limit with 413 and the limit in words: nothing on disk, no row', async () => {
      const small = buildApp({ MAX_DOCUMENT_MB: '1' });
      const agent = await signIn(small, DEMO_ACCOUNTS.karim.email);
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      const before = filesUnder(uploadDir()).length;
      const big = Buffer.concat([pdfBytes(), Buffer.alloc(1024 * 1024 + 10, 0x20)]);
      const res = await upload(agent, kevin, 'passport_or_id', { expiryDate: '2031-01-01' }, { bytes: big, name: 'gros.pdf', type: 'application/pdf' });
      expect(res.status).to.equal(413);
      expect(visibleText(res.text)).to.include('Le fichier est trop gros (maximum 1 Mo)');
      expect(await paperOf(kevin, 'passport_or_id')).to.equal(undefined);
      expect(filesUnder(uploadDir()).length).to.equal(before);
    });

    it('stores a file named to climb out of the folder under a generated name, keeping the name only as a label', async () => {
      const jade = await enrolmentOf(testDb(), ids.groups.sadiola, 'Jade');
      const res = await upload(karim, jade, 'insurance', { validFrom: '2020-01-01', expiryDate: '2099-01-01' }, { bytes: pdfBytes(), name: '../../../../etc/cron.d/evil.pdf', type: 'application/pdf' });
      expect(res.status).to.equal(303);
      const row = await paperOf(jade, 'insurance');
      expect(row.scan_path).to.match(/^documents\/\d{4}\/[0-9a-f-]{36}\.pdf$/);
      expect(row.scan_name).to.equal('evil.pdf');
      expect(filesUnder(uploadDir()).every((f) => f.startsWith(uploadDir() + path.sep))).to.equal(true);
      expect(existsSync('/etc/cron.d/evil.pdf')).to.equal(false);
    });

    it('says what is missing and keeps what was typed (422) when the form is incomplete', async () => {
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      const noScan = await upload(ines, inesId, 'image_rights', {});
      expect(noScan.status).to.equal(422);
      expect(visibleText(noScan.text)).to.include('Il manque une photo ou un scan du papier.');
      const badDates = await upload(karim, kevin, 'insurance', { validFrom: '2027-07-01', expiryDate: '2027-06-01' }, { bytes: pdfBytes(), name: 'a.pdf', type: 'application/pdf' });
      expect(badDates.status).to.equal(422);
      expect(visibleText(badDates.text)).to.include('La fin doit être après le début.');
      expect(badDates.text).to.include('value="2027-07-01"');
      const visa = await upload(karim, kevin, 'visa', { visaAppliedOn: '2099-01-01', visaDecision: 'pending' });
      expect(visa.status).to.equal(422);
      expect(visibleText(visa.text)).to.include('La date de la demande ne peut pas être dans le futur.');
      expect(filesUnder(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
    });

    it('refuses an ID card where the destination wants a passport', async () => {
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      const res = await upload(karim, kevin, 'passport_or_id', { idType: 'id_card', expiryDate: '2031-01-01' }, { bytes: pdfBytes(), name: 'cni.pdf', type: 'application/pdf' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Pour ce pays, il faut un passeport');
    });

    it('records a visa applied for without a scan, then granted with its sticker', async () => {
      const kevin = await enrolmentOf(testDb(), ids.groups.sadiola, 'Kevin');
      expect((await upload(karim, kevin, 'visa', { visaAppliedOn: '2026-01-05', visaDecision: 'pending' })).status).to.equal(303);
      expect(await paperOf(kevin, 'visa')).to.include({ status: 'received', visa_decision: 'pending', visa_applied_on: '2026-01-05', scan_path: null });
      const granted = await upload(karim, kevin, 'visa', { visaAppliedOn: '2026-01-05', visaDecision: 'granted' }, { bytes: jpegBytes(), name: 'visa.jpg', type: 'image/jpeg' });
      expect(visibleText(granted.text)).to.include('Il manque la date jusqu’à laquelle le visa est valable.');
    });

    it('replaces the previous scan, deletes its file, and asks for a new check', async () => {
      const lea = await enrolmentOf(testDb(), ids.groups.sadiola, 'Léa');
      await upload(karim, lea, 'image_rights', {}, { bytes: pdfBytes('v1'), name: 'v1.pdf', type: 'application/pdf' });
      const first = await paperOf(lea, 'image_rights');
      await postForm(karim, `${papersOf(lea)}/image_rights/status`, { decision: 'checked' }, papersOf(lea));
      await upload(karim, lea, 'image_rights', {}, { bytes: pngBytes(), name: 'v2.png', type: 'image/png' });
      const second = await paperOf(lea, 'image_rights');
      expect(second.scan_path).to.not.equal(first.scan_path);
      expect(second.status).to.equal('received');
      expect(existsSync(path.join(uploadDir(), first.scan_path))).to.equal(false);
      expect(existsSync(path.join(uploadDir(), second.scan_path))).to.equal(true);
    });

    it('lets the worker record a paper seen on paper, without a scan; a youth cannot', async () => {
      const rayan = await enrolmentOf(testDb(), ids.groups.sadiola, 'Rayan');
      expect((await upload(karim, rayan, 'health', { onPaper: 'yes' })).status).to.equal(303);
      expect(await paperOf(rayan, 'health')).to.include({ status: 'received', scan_path: null });
      await testDb()('youth_documents').where({ enrolment_id: inesId, kind: 'image_rights' }).del();
      expect((await upload(ines, inesId, 'image_rights', { onPaper: 'yes' })).status).to.equal(422);
    });

    it('is refused to a director (403): directors read, they do not hand in', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const res = await upload(director, inesId, 'image_rights', {}, { bytes: pdfBytes(), name: 'a.pdf', type: 'application/pdf' });
      expect(res.status).to.equal(403);
      expect(filesUnder(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/documents/:kind/status', () => {
    it('lets the worker check a paper, or refuse it with a reason the youth then reads', async () => {
      const mamadou = await enrolmentOf(testDb(), ids.groups.sadiola, 'Mamadou');
      await upload(karim, mamadou, 'image_rights', {}, { bytes: pdfBytes(), name: 'a.pdf', type: 'application/pdf' });
      const noReason = await postForm(karim, `${papersOf(mamadou)}/image_rights/status`, { decision: 'rejected' }, papersOf(mamadou));
      expect(noReason.status).to.equal(422);
      expect(visibleText(noReason.text)).to.include('Dites pourquoi le papier est refusé.');
      const refused = await postForm(karim, `${papersOf(mamadou)}/image_rights/status`, { decision: 'rejected', reason: 'Il manque la signature du parent.' }, papersOf(mamadou));
      expect(refused.status).to.equal(303);
      expect(await paperOf(mamadou, 'image_rights')).to.include({ status: 'rejected', rejection_reason: 'Il manque la signature du parent.', checked_by: ids.users.karim });
      const page = visibleText((await karim.get(papersOf(mamadou))).text);
      expect(page).to.include('Refusé : Il manque la signature du parent.');
      const checked = await postForm(karim, `${papersOf(mamadou)}/image_rights/status`, { decision: 'checked' }, papersOf(mamadou));
      expect(checked.status).to.equal(303);
      expect(await paperOf(mamadou, 'image_rights')).to.include({ status: 'checked', rejection_reason: null });
    });

    it('will not check as fine a passport that expires too soon: says why on the spot and records "checked, not valid", still missing at the gate', async () => {
      const samir = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
      const soon = dayjs().add(30, 'day').format('YYYY-MM-DD');
      await upload(karim, samir, 'passport_or_id', { expiryDate: soon }, { bytes: pdfBytes(), name: 'p.pdf', type: 'application/pdf' });
      const paperCard = (html: string) => visibleText(html.slice(html.indexOf('id="paper-passport_or_id"'), html.indexOf('</section>', html.indexOf('id="paper-passport_or_id"'))));

      const shown = paperCard((await karim.get(papersOf(samir))).text);
      expect(shown).to.include('Pas valable pour le voyage : Passeport : expire le');
      expect(shown).to.include('Vérifié, pas valable').and.not.include('Bon pour le voyage');

      const asFine = await postForm(karim, `${papersOf(samir)}/passport_or_id/status`, { decision: 'checked' }, papersOf(samir));
      expect(asFine.status).to.equal(422);
      expect(paperCard(asFine.text)).to.include('Ce papier n’est pas bon pour le voyage');
      expect(await paperOf(samir, 'passport_or_id')).to.include({ status: 'received' });

      const invalid = await postForm(karim, `${papersOf(samir)}/passport_or_id/status`, { decision: 'invalid', reason: 'Fais refaire ton passeport.' }, papersOf(samir));
      expect(invalid.status).to.equal(303);
      expect(await paperOf(samir, 'passport_or_id')).to.include({ status: 'invalid', rejection_reason: 'Fais refaire ton passeport.', checked_by: ids.users.karim });
      const after = (await karim.get(papersOf(samir))).text;
      expect(visibleText(after)).to.include('Papier vérifié, pas valable pour le voyage').and.not.include('Papier vérifié.');
      expect(paperCard(after)).to.include('Pas valable').and.include('Fais refaire ton passeport.');
      const gate = (await missingDocuments(testDb(), ids.groups.sadiola)).get(samir)!;
      expect(gate.map((m) => m.key)).to.include('documents.missing.passportExpires');

      // Once the group's dates no longer stand against it, the worker's finding still does.
      await testDb()('youth_documents').where({ enrolment_id: samir, kind: 'passport_or_id' }).update({ expiry_date: '2099-12-31' });
      expect((await missingDocuments(testDb(), ids.groups.sadiola)).get(samir)!.map((m) => m.key)).to.include('documents.missing.notValid');
      const noReason = await postForm(karim, `${papersOf(samir)}/passport_or_id/status`, { decision: 'invalid' }, papersOf(samir));
      expect(noReason.status).to.equal(422);
      expect(visibleText(noReason.text)).to.include('Dites pourquoi ce papier n’est pas valable.');
      const nowFine = await postForm(karim, `${papersOf(samir)}/passport_or_id/status`, { decision: 'checked' }, papersOf(samir));
      expect(nowFine.status).to.equal(303);
      expect((await missingDocuments(testDb(), ids.groups.sadiola)).get(samir)?.map((m) => m.key) ?? []).to.not.include('documents.missing.notValid');
    });

    it('has nothing to check when nothing was handed in, and no visa to check before it is granted', async () => {
      const yanis = await enrolmentOf(testDb(), ids.groups.sadiola, 'Yanis');
      const nothing = await postForm(karim, `${papersOf(yanis)}/parent_id/status`, { decision: 'checked' }, papersOf(yanis));
      expect(nothing.status).to.equal(422);
      expect(visibleText(nothing.text)).to.include('Rien à vérifier');
      const rayan = await enrolmentOf(testDb(), ids.groups.sadiola, 'Rayan');
      const visa = await postForm(karim, `${papersOf(rayan)}/visa/status`, { decision: 'checked' }, papersOf(rayan));
      expect(visa.status).to.equal(422);
      expect(visibleText(visa.text)).to.include('Un visa ne peut être vérifié qu’une fois accordé.');
    });

    it('answers 404 for a kind of paper the group does not ask for', async () => {
      const maroc = await testDb()('enrolments').where({ group_id: ids.groups.maroc }).first('id');
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      const res = await postForm(elodie, `/groups/${ids.groups.maroc}/youths/${maroc.id}/documents/visa/status`, { decision: 'checked' }, '/groups');
      expect(res.status).to.equal(404);
      expect((await karim.get(`${papersOf(inesId)}/passport/scan`)).status).to.equal(404);
    });
  });

  describe('GET /groups/:id/youths/:enrolmentId/documents/:kind/scan', () => {
    it('sends the scan as a download, with its real type, and logs the worker’s and the director’s downloads', async () => {
      await upload(ines, inesId, 'passport_or_id', { expiryDate: '2031-01-01' }, { bytes: pdfBytes('Inès'), name: 'mon passeport.pdf', type: 'application/pdf' });
      const before = Number((await testDb()('audit_log').where({ action: 'document.download' }).count({ n: '*' }))[0]!.n);
      const res = await karim.get(`${papersOf(inesId)}/passport_or_id/scan`).buffer(true).parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="passeport-In_s-Dufour\.pdf"; filename\*=UTF-8''passeport-In%C3%A8s-Dufour\.pdf$/);
      expect(res.headers['x-content-type-options']).to.equal('nosniff');
      expect((res.body as Buffer).equals(pdfBytes('Inès'))).to.equal(true);
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      expect((await director.get(`${papersOf(inesId)}/passport_or_id/scan`)).status).to.equal(200);
      const log = await testDb()('audit_log').where({ action: 'document.download' }).orderBy('id').select('*');
      expect(log.length).to.equal(before + 2);
      const doc = await paperOf(inesId, 'passport_or_id');
      expect(log.slice(-2).map((l) => [l.user_id, l.user_name, l.subject_type, Number(l.subject_id), Number(l.group_id)])).to.deep.equal([
        [ids.users.karim, 'Karim Benali', 'youth_document', doc.id, ids.groups.sadiola],
        [ids.users.director, 'Françoise Delcroix', 'youth_document', doc.id, ids.groups.sadiola],
      ]);
      expect(Date.now() - Date.parse(log.at(-1).at)).to.be.lessThan(60_000);
    });

    it('lets the youth download her own scan, without a log line', async () => {
      const before = Number((await testDb()('audit_log').where({ action: 'document.download' }).count({ n: '*' }))[0]!.n);
      const res = await ines.get(`${papersOf(inesId)}/passport_or_id/scan`);
      expect(res.status).to.equal(200);
      expect(Number((await testDb()('audit_log').where({ action: 'document.download' }).count({ n: '*' }))[0]!.n)).to.equal(before);
    });

    it('answers 404 to another youth of the group, even one with an account', async () => {
      await youthWithAccount(testDb(), ids.groups.sadiola, 'Jade', 'jade.w', 'jade-wattiez-1');
      const agent = await signIn(app, 'jade.w', 'jade-wattiez-1');
      expect((await agent.get(`/groups/${ids.groups.sadiola}`)).status).to.equal(200);
      expect((await agent.get(`${papersOf(inesId)}/passport_or_id/scan`)).status).to.equal(404);
      expect((await agent.get(papersOf(inesId))).status).to.equal(404);
    });

    it('is never served from the upload folder directly', async () => {
      const doc = await paperOf(inesId, 'passport_or_id');
      for (const p of [`/assets/../uploads/${doc.scan_path}`, `/uploads/${doc.scan_path}`, `/${doc.scan_path}`]) {
        expect((await karim.get(p)).status, p).to.equal(404);
      }
    });

    it('answers 404 when there is no scan (a paper seen on paper)', async () => {
      const rayan = await enrolmentOf(testDb(), ids.groups.sadiola, 'Rayan');
      expect((await karim.get(`${papersOf(rayan)}/health/scan`)).status).to.equal(404);
    });
  });

  describe('the worker’s home page', () => {
    it('lists the papers due within 14 days or late', async () => {
      const text = visibleText((await karim.get('/?all=documents')).text);
      expect(text).to.include('Papiers à rendre (14 jours)').and.include('Yanis Mebarki').and.include('Passeport');
    });
  });

  describe('GET and POST /groups/:id/documents/requirements', () => {
    it('lets the worker adjust the group’s rules, which the board then follows', async () => {
      const form = await karim.get(`/groups/${ids.groups.sadiola}/documents/requirements`);
      expect(form.status).to.equal(200);
      expect(visibleText(form.text)).to.include('Ces règles viennent de la destination (Mali)');
      const values: Record<string, string> = {};
      for (const m of form.text.matchAll(/<input[^>]*name="([^"]+)"[^>]*>/g)) {
        const tag = m[0];
        const value = /value="([^"]*)"/.exec(tag)?.[1] ?? '';
        if (/type="checkbox"/.test(tag)) { if (/\bchecked\b/.test(tag)) values[m[1]!] = value; } else if (m[1] !== '_csrf' && m[1] !== 'reset') values[m[1]!] = value;
      }
      values.detail_health = 'yellow_fever';
      delete values.enabled_visa;
      values.leadDays_insurance = '21';
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/requirements`, values, `/groups/${ids.groups.sadiola}/documents/requirements`);
      expect(res.status, visibleText(res.text).slice(0, 400)).to.equal(303);
      const board = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/documents`)).text);
      expect(board).to.include('Les papiers demandés sont enregistrés.');
      expect(board).to.not.include('Visa');
      const rule = await testDb()('group_requirements').where({ group_id: ids.groups.sadiola, kind: 'insurance' }).first();
      expect(rule).to.include({ lead_days: 21, updated_by: ids.users.karim });
      // Back to Mali's own rules.
      expect((await postForm(karim, `/groups/${ids.groups.sadiola}/documents/requirements`, { reset: 'yes' }, '/groups')).status).to.equal(303);
      expect(Boolean((await testDb()('group_requirements').where({ group_id: ids.groups.sadiola, kind: 'visa' }).first()).enabled)).to.equal(true);
    });

    it('refuses a deadline that is not a number of days, and keeps the input (422)', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/documents/requirements`, { leadDays_visa: 'beaucoup', monthsValid_passport_or_id: '40' }, '/groups');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Entre 0 et 24 mois.');
      expect(res.text).to.include('value="beaucoup"');
    });
  });

  describe('the departure gate', () => {
    it('refuses departure and names the missing papers, youth by youth', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/transitions`, { to: 'departure' }, '/groups');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Le groupe ne peut pas encore partir');
      expect(text).to.match(/Yanis Mebarki .*Passeport : pas encore rendu.*Autorisation de sortie du territoire : pas encore rendu.*Pièce d’identité du parent : pas encore rendu/);
      expect(text).to.match(/Chloé Lefebvre .*Passeport : expire le \d+ \S+ \d{4}, il doit être valable jusqu’au \d+ \S+ \d{4}/);
      expect(text).to.include('Mamadou Sissoko').and.include('Passeport : refusé (Photo illisible');
      expect(text).to.include('Visa : demandé, réponse du consulat attendue');
    });
  });

  describe('in English', () => {
    it('reads every papers page in English, with no message key left untranslated', async () => {
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      for (const agent of [karim, ines, admin]) await postForm(agent, '/lang', { lang: 'en', returnTo: '/' });
      const pages: [Agent, string, string][] = [
        [karim, `/groups/${ids.groups.sadiola}/documents`, 'The group’s papers'],
        [karim, `/groups/${ids.groups.sadiola}/documents/requirements`, 'Papers asked for'],
        [karim, papersOf(inesId), 'Inès Dufour’s papers'],
        [ines, papersOf(inesId), 'My papers'],
        [karim, '/', 'Papers due (14 days)'],
        [karim, `/groups/${ids.groups.sadiola}/phase`, 'Passport: expires on'],
        [admin, '/admin/audit', 'Access log'],
        [admin, '/admin/retention', 'Retention of scans'],
      ];
      for (const [agent, url, title] of pages) {
        const text = visibleText((await agent.get(url)).text);
        expect(text, url).to.include(title);
        expect(text, url).to.not.match(/\bdocuments\.[a-z]/);
      }
      for (const agent of [karim, ines, admin]) await postForm(agent, '/lang', { lang: 'fr', returnTo: '/' });
    });
  });

  describe('GET /admin/audit', () => {
    it('shows the admin who did what to which youth’s paper, and when, filtered by group and person, page by page', async () => {
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const res = await admin.get('/admin/audit');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Journal des accès').and.include('Karim Benali a téléchargé').and.include('Inès Dufour').and.include('Rencontre des jeunes de Sadiola');
      expect(text).to.include('Françoise Delcroix a téléchargé');
      const byDirector = visibleText((await admin.get(`/admin/audit?user=${ids.users.director}`)).text);
      expect(byDirector).to.include('Françoise Delcroix a téléchargé').and.not.include('Karim Benali a');
      expect(visibleText((await admin.get(`/admin/audit?group=${ids.groups.bafou}`)).text)).to.include('Rien dans le journal.');
      // Sixty more lines make a second page.
      const karimUser = await userFor(testDb(), ids.users.karim);
      for (let i = 0; i < 60; i++) await recordAudit(testDb(), karimUser, 'requirements.update', { subjectType: 'group', subjectId: ids.groups.sadiola, groupId: ids.groups.sadiola });
      const first = visibleText((await admin.get('/admin/audit')).text);
      expect(first).to.match(/Page 1 sur \d+/).and.include('Plus anciens');
      const second = await admin.get('/admin/audit?page=2');
      expect(visibleText(second.text)).to.match(/Page 2 sur \d+/).and.include('Plus récents');
    });
  });
});
