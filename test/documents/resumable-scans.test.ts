import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, csrfToken, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf, youthWithAccount } from '../participants/fixtures.js';
import { listFiles } from '../media/fixtures.js';
import { createUploadAt, expectStandsAt, patchUpload, pendingUploads, sha256, tusFiles, TUS } from '../media/tus-client.js';
import { pdfBytes } from './fixtures.js';

const uploadDir = () => testDatabase().config.uploadDir;
const paperOf = (enrolmentId: number, kind: string) => testDb()('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();
const uploadAudits = async (enrolmentId: number, kind: string) => {
  const doc = await paperOf(enrolmentId, kind);
  if (!doc) return 0;
  return Number((await testDb()('audit_log').where({ action: 'document.upload', subject_type: 'youth_document', subject_id: doc.id }).count('* as n'))[0]!.n);
};

describe('resumable uploads of papers’ scans (tus: /groups/:id/youths/:enrolmentId/documents/:kind/tus)', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let app: Express;
  let ines: Agent;
  let karim: Agent;
  let lucas: Agent;
  let director: Agent;
  let inesId: number;
  let group: number;
  // A scan a few pieces long: a real PDF, padded as a phone's scan would be.
  const scan = Buffer.concat([pdfBytes('passeport'), Buffer.alloc(200_000, 0x20)]);

  const papers = (enrolmentId: number) => `/groups/${group}/youths/${enrolmentId}/documents`;
  const endpoint = (enrolmentId: number, kind: string) => `${papers(enrolmentId)}/${kind}/tus`;
  /** The CSRF token of the papers page, as its script reads it. */
  const papersToken = async (agent: Agent, enrolmentId: number) => {
    const page = await agent.get(papers(enrolmentId));
    expect(page.status).to.equal(200);
    return csrfFrom(page.text);
  };

  before(async () => {
    ({ ids, app, ines, karim, lucas, director } = await appOnDemo('ines', 'karim', 'lucas', 'director'));
    group = ids.groups.sadiola;
    inesId = await enrolmentOf(testDb(), group, 'Inès');
  });

  it('takes Inès’s passport in two halves: created with its date, where it stands, the rest, then her paper with its SHA-256, once', async () => {
    const token = await papersToken(ines, inesId);
    const asItWas = await paperOf(inesId, 'passport_or_id');
    const auditsBefore = await uploadAudits(inesId, 'passport_or_id');
    const created = await createUploadAt(ines, endpoint(inesId, 'passport_or_id'), token, scan.length, { expiryDate: '2034-03-02', filename: 'passeport inès.pdf', filetype: 'application/pdf' });
    expect(created.status, created.text).to.equal(201);
    const location = created.headers.location as string;
    expect(location).to.match(new RegExp(`^${endpoint(inesId, 'passport_or_id')}/[0-9a-f]{32}$`));
    const half = Math.floor(scan.length / 2);

    const first = await patchUpload(ines, location, token, 0, scan.subarray(0, half));
    expect(first.status, first.text).to.equal(204);
    expect(await paperOf(inesId, 'passport_or_id'), 'the paper as it was while the file is not complete').to.deep.equal(asItWas);

    await expectStandsAt(ines, location, half, scan.length);

    const last = await patchUpload(ines, location, token, half, scan.subarray(half));
    expect(last.status, last.text).to.equal(204);
    expect(last.headers['x-tremplin-location']).to.equal(`${papers(inesId)}#paper-passport_or_id`);
    const row = await paperOf(inesId, 'passport_or_id');
    expect(row).to.include({ status: 'received', expiry_date: '2034-03-02', id_type: 'passport', scan_mime: 'application/pdf', scan_name: 'passeport inès.pdf' });
    expect(row.scan_sha256).to.equal(sha256(scan));
    expect(Number(row.scan_size)).to.equal(scan.length);
    // Kept under the upload's own id, for a finish cut off between the move and the row to be found again.
    expect(row.scan_path).to.match(new RegExp(`^documents/\\d{4}/${location.split('/').pop()}\\.pdf$`));
    expect(readFileSync(path.join(uploadDir(), row.scan_path)).equals(scan)).to.equal(true);
    expect(await uploadAudits(inesId, 'passport_or_id'), 'one audit line, as from the form').to.equal(auditsBefore + 1);
    expect(tusFiles(), 'nothing left in the partial uploads').to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);


    // The page goes where the form's answer goes, with the same message.
    const page = await ines.get(papers(inesId));
    expect(visibleText(page.text)).to.include('Papier reçu. Un·e animateur·rice va le vérifier.');

    // The last piece sent again (a phone that did not hear the answer): the upload is over, no second hand-in;
    // a stale offset (409), and its HEAD then says it is complete and where it went, to its author only.
    const again = await patchUpload(ines, location, token, half, scan.subarray(half));
    expect(again.status).to.equal(409);
    const head = await ines.head(location).set(TUS);
    expect([head.status, head.headers['upload-offset'], head.headers['x-tremplin-location']]).to.deep.equal([200, String(scan.length), `${papers(inesId)}#paper-passport_or_id`]);
    expect((await karim.head(location).set(TUS)).status, 'the lead hears nothing of it').to.equal(404);
    expect(await uploadAudits(inesId, 'passport_or_id')).to.equal(auditsBefore + 1);
  });

  it('hands in a worker’s scan for a youth with no account, with the message the form gives the worker', async () => {
    const kevin = await enrolmentOf(testDb(), group, 'Kevin');
    const token = await papersToken(karim, kevin);
    const location = (await createUploadAt(karim, endpoint(kevin, 'insurance'), token, scan.length, { validFrom: '2026-01-01', expiryDate: '2099-01-01', filename: 'assurance.pdf' })).headers.location as string;
    const done = await patchUpload(karim, location, token, 0, scan);
    expect(done.status, done.text).to.equal(204);
    expect(await paperOf(kevin, 'insurance')).to.include({ valid_from: '2026-01-01', expiry_date: '2099-01-01', scan_sha256: sha256(scan) });
    expect(visibleText((await karim.get(papers(kevin))).text)).to.include('Papier enregistré, à vérifier.');
  });

  it('answers 404 to anyone but its author, the group’s lead included, and under another paper’s address', async () => {
    const token = await papersToken(ines, inesId);
    const location = (await createUploadAt(ines, endpoint(inesId, 'image_rights'), token, scan.length, { filename: 'droit.pdf' })).headers.location as string;
    const id = location.split('/').pop()!;
    const karimToken = await papersToken(karim, inesId);
    expect((await karim.head(location).set(TUS)).status).to.equal(404);
    expect((await patchUpload(karim, location, karimToken, 0, scan.subarray(0, 100))).status).to.equal(404);
    expect((await karim.delete(location).set({ ...TUS, 'X-CSRF-Token': karimToken })).status).to.equal(404);
    expect((await lucas.head(location).set(TUS)).status, 'a youth of another structure').to.equal(404);
    // Begun as her image rights, it does not carry on as her passport.
    expect((await patchUpload(ines, `${endpoint(inesId, 'passport_or_id')}/${id}`, token, 0, scan)).status).to.equal(404);
    expect((await ines.head(`${endpoint(inesId, 'image_rights')}/${'0'.repeat(32)}`).set(TUS)).status).to.equal(404);
    expect((await ines.head(location).set(TUS)).headers['upload-offset'], 'nothing written by the others').to.equal('0');
    // Its author gives up: the files and the row go.
    expect((await ines.delete(location).set({ ...TUS, 'X-CSRF-Token': token })).status).to.equal(204);
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('asks the form’s permission question before anything is stored: no CSRF 403, the director 403, another youth and another structure 404', async () => {
    const noToken = await ines.post(endpoint(inesId, 'passport_or_id')).set({ ...TUS, 'Upload-Length': '10', 'Upload-Metadata': '' });
    expect(noToken.status).to.equal(403);
    const dirToken = await csrfToken(director, '/');
    expect((await createUploadAt(director, endpoint(inesId, 'passport_or_id'), dirToken, 10, { expiryDate: '2034-01-01' })).status).to.equal(403);
    expect((await createUploadAt(lucas, endpoint(inesId, 'passport_or_id'), await csrfToken(lucas, '/'), 10, { expiryDate: '2034-01-01' })).status).to.equal(404);
    // Another youth of the group: Inès's papers are not hers to see.
    await youthWithAccount(testDb(), group, 'Yanis', 'tus.yanis');
    const yanis = await signIn(app, 'tus.yanis');
    expect((await createUploadAt(yanis, endpoint(inesId, 'passport_or_id'), await csrfToken(yanis, '/'), 10, { expiryDate: '2034-01-01' })).status).to.equal(404);
    // A paper the group does not ask for names nothing.
    expect((await createUploadAt(ines, endpoint(inesId, 'pilot_licence'), await papersToken(ines, inesId), 10, {})).status).to.equal(404);
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('refuses before any byte a scan declared over the scans’ limit (413) and dates its paper refuses (422, on their field)', async () => {
    const token = await papersToken(ines, inesId);
    const at = endpoint(inesId, 'passport_or_id');
    const tooBig = await createUploadAt(ines, at, token, testDatabase().config.limits.document + 1, { expiryDate: '2034-01-01' });
    expect(tooBig.status).to.equal(413);
    const noDate = await createUploadAt(ines, at, token, 10, { filename: 'p.pdf' });
    expect(noDate.status).to.equal(422);
    expect(noDate.text.trim()).to.equal('À remplir.');
    expect(noDate.headers['x-tremplin-field']).to.equal('expiryDate');
    const badDate = await createUploadAt(ines, at, token, 10, { expiryDate: '2034-02-31' });
    expect([badDate.status, badDate.text.trim(), badDate.headers['x-tremplin-field']]).to.deep.equal([422, 'Cette date n’existe pas.', 'expiryDate']);
    const idCard = await createUploadAt(ines, at, token, 10, { idType: 'id_card', expiryDate: '2034-01-01' });
    expect([idCard.status, idCard.headers['x-tremplin-field']]).to.deep.equal([422, 'idType']);
    expect(idCard.text).to.include('Pour ce pays, il faut un passeport');
    const kevin = await enrolmentOf(testDb(), group, 'Kevin');
    const ends = await createUploadAt(karim, endpoint(kevin, 'insurance'), await papersToken(karim, kevin), 10, { validFrom: '2027-07-01', expiryDate: '2027-06-01' });
    expect([ends.status, ends.text.trim()]).to.deep.equal([422, 'La fin doit être après le début.']);
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('refuses at the end a file whose bytes are no scan (a script named .pdf): the form’s message, no row, no file anywhere', async () => {
    const jade = await enrolmentOf(testDb(), group, 'Jade');
    const token = await papersToken(karim, jade);
    const before = listFiles(path.join(uploadDir(), 'documents'));
    const asItWas = await paperOf(jade, 'image_rights');
    const script = Buffer.from('#!/bin/sh\nrm -rf /\n');
    const location = (await createUploadAt(karim, endpoint(jade, 'image_rights'), token, script.length, { filename: 'droit.pdf' })).headers.location as string;
    const res = await patchUpload(karim, location, token, 0, script);
    expect(res.status).to.equal(422);
    expect(res.text.trim()).to.equal('Ce fichier n’est pas un PDF, un JPEG ou un PNG. Il faut une photo ou un PDF.');
    expect(res.headers['x-tremplin-field']).to.equal('scan');
    expect(await paperOf(jade, 'image_rights'), 'the paper as it was').to.deep.equal(asItWas);
    expect(listFiles(path.join(uploadDir(), 'documents'))).to.deep.equal(before);
    expect(tusFiles()).to.deep.equal([]);
    expect((await karim.head(location).set(TUS)).status, 'the upload is gone').to.equal(404);
  });

  it('refuses a scan whose first piece is no PDF, JPEG nor PNG at its next piece: the form’s message, nothing left', async () => {
    const jade = await enrolmentOf(testDb(), group, 'Jade');
    const token = await papersToken(karim, jade);
    const asItWas = await paperOf(jade, 'image_rights');
    const first = Buffer.concat([Buffer.from('#!/bin/sh\nrm -rf /\n'), Buffer.alloc(100_000, 0x20)]);
    const location = (await createUploadAt(karim, endpoint(jade, 'image_rights'), token, 3 * first.length, { filename: 'droit.pdf' })).headers.location as string;
    expect((await patchUpload(karim, location, token, 0, first)).status).to.equal(204);
    const next = await patchUpload(karim, location, token, first.length, first);
    expect(next.status).to.equal(422);
    expect(next.text.trim()).to.equal('Ce fichier n’est pas un PDF, un JPEG ou un PNG. Il faut une photo ou un PDF.');
    expect(next.headers['x-tremplin-field']).to.equal('scan');
    expect(await paperOf(jade, 'image_rights'), 'the paper as it was').to.deep.equal(asItWas);
    expect(tusFiles()).to.deep.equal([]);
    expect((await karim.head(location).set(TUS)).status, 'the upload is gone').to.equal(404);
  });
});
