import net from 'node:net';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Express } from 'express';
import { appOnDemo, buildApp, csrfFrom, onFreePort, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { BrowserSession } from '../support/processes.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolled, enrolmentOf, newGroup, youth } from '../participants/fixtures.js';
import { eventually, listFiles } from '../media/fixtures.js';
import { jpegBytes, pdfBytes, pngBytes } from './fixtures.js';

type Sent = { bytes: Buffer; name: string; type: string };
const pdf = (name: string): Sent => ({ bytes: pdfBytes(), name, type: 'application/pdf' });
const jpeg = (name: string): Sent => ({ bytes: jpegBytes(), name, type: 'image/jpeg' });
const png = (name: string): Sent => ({ bytes: pngBytes(), name, type: 'image/png' });

const paperOf = (enrolmentId: number, kind: string) => testDb()('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();
const papersOfYouth = (enrolmentId: number) => testDb()('youth_documents').where({ enrolment_id: enrolmentId }).orderBy('kind').select('*');

describe('several scans of one youth at once (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let ines: Agent;
  let groupId: number;
  let aya: number;
  let cassandra: number;
  const uploadDir = () => testDatabase().config.uploadDir;
  const scansOf = (enrolmentId: number, group = groupId) => `/groups/${group}/youths/${enrolmentId}/scans`;

  /** Sends the form as the page does: multipart, the CSRF token in the query string, the files in the order picked. */
  async function post(agent: Agent, url: string, fields: Record<string, string>, files: Sent[]) {
    const token = csrfFrom((await agent.get('/groups')).text);
    let req = agent.post(`${url}?_csrf=${encodeURIComponent(token)}`);
    for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
    for (const f of files) req = req.attach('scans', f.bytes, { filename: f.name, contentType: f.type });
    return req;
  }

  const auditLines = (enrolmentId: number) => testDb()('audit_log').join('youth_documents', 'youth_documents.id', 'audit_log.subject_id')
    .where({ 'audit_log.action': 'document.upload', 'audit_log.subject_type': 'youth_document', 'youth_documents.enrolment_id': enrolmentId })
    .select('audit_log.user_id', 'audit_log.group_id', 'youth_documents.kind');

  before(async () => {
    ({ ids, app, karim, ines } = await appOnDemo('karim', 'ines'));
    const departure = dayjs().add(4, 'month');
    // A group to Algeria: passport, visa, insurance, image rights; exit authorisation and parent's ID for a minor.
    ({ id: groupId } = await newGroup(testDb(), ids.users.karim, {
      name: 'Oran dépôts', country: 'DZ', departureDate: departure.format('YYYY-MM-DD'), returnDate: departure.add(15, 'day').format('YYYY-MM-DD'),
    }));
    aya = (await enrolled(testDb(), { id: groupId }, youth('Aya', 'Oranais', { birthDate: departure.subtract(20, 'year').format('YYYY-MM-DD') }))).enrolment_id;
    cassandra = (await enrolled(testDb(), { id: groupId }, youth('Cassandra', 'Oranais', { birthDate: departure.subtract(16, 'year').format('YYYY-MM-DD') }))).enrolment_id;
  });

  describe('GET /groups/:id/youths/:enrolmentId/scans', () => {
    it('is linked from the board for each youth, and offers one slot per paper asked, guessed from the missing ones in order, with each paper’s dates', async () => {
      const board = await karim.get(`/groups/${groupId}/documents`);
      expect(board.text).to.include(`href="${scansOf(cassandra)}"`).and.include(`href="${scansOf(aya)}"`);
      expect(visibleText(board.text)).to.include('Déposer plusieurs papiers');

      const res = await karim.get(scansOf(cassandra));
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Déposer plusieurs papiers — Cassandra Oranais');
      expect(res.text).to.match(/<input id="scans" name="scans" type="file" multiple/);
      // Six papers for a minor: six slots, the i-th guessed as the i-th paper asked.
      const guessed = [...res.text.matchAll(/<select id="paper(\d)" name="paper\d">[\s\S]*?<option value="(\w+)" selected>/g)].map((m) => [m[1], m[2]]);
      expect(guessed).to.deep.equal([
        ['0', 'passport_or_id'], ['1', 'visa'], ['2', 'insurance'], ['3', 'exit_authorisation'], ['4', 'parent_id'], ['5', 'image_rights'],
      ]);
      // The dates each paper's own form asks, named per paper.
      for (const name of ['expiryDate-passport_or_id', 'visaAppliedOn-visa', 'visaDecision-visa', 'validFrom-insurance', 'expiryDate-insurance', 'expiryDate-exit_authorisation', 'expiryDate-parent_id']) {
        expect(res.text, name).to.include(`name="${name}"`);
      }
      expect(res.text).to.not.include('name="expiryDate-image_rights"');
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/scans', () => {
    it('puts each file on the paper chosen for it, with its dates, its scan and its audit line, and answers with the board and each result', async () => {
      const res = await post(karim, scansOf(aya), {
        paper0: 'passport_or_id', paper1: 'insurance', paper2: 'image_rights', paper3: 'visa',
        'expiryDate-passport_or_id': '2034-06-01', 'validFrom-insurance': '2020-01-01', 'expiryDate-insurance': '2099-01-01',
        'visaAppliedOn-visa': dayjs().format('YYYY-MM-DD'), 'visaDecision-visa': 'granted', 'expiryDate-visa': '2099-01-01',
      }, [pdf('passeport aya.pdf'), jpeg('IMG_2034.jpg'), png('accord.png'), pdf('visa.pdf')]);
      expect(res.status, visibleText(res.text).slice(0, 400)).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Papiers du groupe').and.include('Papiers déposés — Aya Oranais').and.include('4 enregistré(s), à vérifier ensuite ; 0 pas enregistré(s).');
      expect(text).to.include('passeport aya.pdf → Passeport : enregistré.').and.include('IMG_2034.jpg → Assurance voyage : enregistré.');

      const rows = await papersOfYouth(aya);
      expect(rows.map((r) => [r.kind, r.scan_name, r.scan_mime, r.status])).to.deep.equal([
        ['image_rights', 'accord.png', 'image/png', 'received'],
        ['insurance', 'IMG_2034.jpg', 'image/jpeg', 'received'],
        ['passport_or_id', 'passeport aya.pdf', 'application/pdf', 'received'],
        ['visa', 'visa.pdf', 'application/pdf', 'received'],
      ]);
      expect(rows.find((r) => r.kind === 'passport_or_id')).to.include({ expiry_date: '2034-06-01', uploaded_by: ids.users.karim });
      expect(rows.find((r) => r.kind === 'insurance')).to.include({ valid_from: '2020-01-01', expiry_date: '2099-01-01' });
      expect(rows.find((r) => r.kind === 'visa')).to.include({ visa_decision: 'granted' });
      for (const r of rows) {
        expect(r.scan_path).to.match(/^documents\/\d{4}\/[0-9a-f-]{36}\.(pdf|jpg|png)$/);
        expect(readFileSync(path.join(uploadDir(), r.scan_path)).length).to.equal(Number(r.scan_size));
      }
      const audit = await auditLines(aya);
      expect(audit.map((a) => a.kind).sort()).to.deep.equal(['image_rights', 'insurance', 'passport_or_id', 'visa']);
      expect(audit.every((a) => a.user_id === ids.users.karim && a.group_id === groupId)).to.equal(true);
      expect(listFiles(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
    });

    it('refuses only the bad files, each saying why, saves the others, and shows the form again with the refused papers’ dates kept', async () => {
      // Earlier tests' scans stay on disk after their rows are cleared: only what this post adds is looked at.
      const storedBefore = new Set(listFiles(path.join(uploadDir(), 'documents')));
      const res = await post(karim, scansOf(cassandra), {
        paper0: 'passport_or_id', paper1: 'visa', paper2: 'insurance', paper3: 'exit_authorisation', paper4: 'exit_authorisation', paper5: '',
        'expiryDate-passport_or_id': '2034-06-01',
        // The visa's answer is missing; the insurance ends before it starts.
        'visaAppliedOn-visa': dayjs().format('YYYY-MM-DD'),
        'validFrom-insurance': '2027-01-01', 'expiryDate-insurance': '2026-01-01',
        'expiryDate-exit_authorisation': '2099-01-01',
      }, [
        { bytes: Buffer.from('#!/bin/sh\nrm -rf /\n'), name: 'passeport.pdf', type: 'application/pdf' },
        pdf('visa.pdf'), pdf('assurance.pdf'), pdf('ast.pdf'), pdf('ast-bis.pdf'), png('photo.png'),
      ]);
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Papiers déposés — Cassandra Oranais').and.include('1 enregistré(s), à vérifier ensuite ; 5 pas enregistré(s).');
      expect(text).to.include('passeport.pdf → Passeport : pas enregistré. Ce fichier n’est pas un PDF, un JPEG ou un PNG.');
      expect(text).to.include('visa.pdf → Visa : pas enregistré. Il manque la réponse du consulat.');
      expect(text).to.include('assurance.pdf → Assurance voyage : pas enregistré. La fin doit être après le début.');
      expect(text).to.include('ast.pdf → Autorisation de sortie du territoire : enregistré.');
      expect(text).to.include('ast-bis.pdf → Autorisation de sortie du territoire : pas enregistré. Ce papier est déjà choisi pour un autre fichier');
      expect(text).to.include('photo.png : pas enregistré. Dites quel papier est ce fichier.');
      // The refused papers' input is kept, with its message beside it.
      expect(res.text).to.include('name="expiryDate-passport_or_id" type="date" value="2034-06-01"');
      expect(res.text).to.include('name="validFrom-insurance" type="date" value="2027-01-01"');
      expect(res.text).to.match(/id="expiryDate-insurance-error"/);
      expect(res.text).to.match(/id="visaDecision-visa-error"/);
      // Only the exit authorisation was saved; nothing of the refused files is left anywhere.
      expect((await papersOfYouth(cassandra)).map((r) => r.kind)).to.deep.equal(['exit_authorisation']);
      expect((await auditLines(cassandra)).map((a) => a.kind)).to.deep.equal(['exit_authorisation']);
      expect(listFiles(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);
      // Every stored scan is a row's: a refused file was not moved in place.
      const named: string[] = await testDb()('youth_documents').whereNotNull('scan_path').pluck('scan_path');
      const added = listFiles(path.join(uploadDir(), 'documents')).filter((f) => !storedBefore.has(f)).map((f) => path.posix.join('documents', f));
      expect(added).to.have.length(1);
      expect(added.filter((f) => !named.includes(f))).to.deep.equal([]);
      // The papers still missing come first in the guess now: the exit authorisation is no longer guessed.
      const guessed = [...res.text.matchAll(/<select id="paper\d" name="paper\d">[\s\S]*?<option value="(\w+)" selected>/g)].map((m) => m[1]);
      expect(guessed).to.deep.equal(['passport_or_id', 'visa', 'insurance', 'parent_id', 'image_rights']);
    });

    it('refuses a post with no file, and a file over the size limit refuses the whole post (413): nothing saved, nothing on disk', async () => {
      const none = await post(karim, scansOf(cassandra), { paper0: 'parent_id', 'expiryDate-parent_id': '2099-01-01' }, []);
      expect(none.status).to.equal(422);
      expect(visibleText(none.text)).to.include('Choisissez au moins un fichier.');
      expect(none.text).to.include('name="expiryDate-parent_id" type="date" value="2099-01-01"');

      const small = await signIn(buildApp({ MAX_DOCUMENT_MB: '1' }), DEMO_ACCOUNTS.karim.email);
      const before = listFiles(uploadDir());
      const big = { bytes: Buffer.concat([pdfBytes(), Buffer.alloc(1024 * 1024 + 10, 0x20)]), name: 'gros.pdf', type: 'application/pdf' };
      const res = await post(small, scansOf(cassandra), { paper0: 'parent_id', paper1: 'image_rights', 'expiryDate-parent_id': '2099-01-01' }, [pdf('parent.pdf'), big]);
      expect(res.status).to.equal(413);
      expect(visibleText(res.text)).to.include('Un des fichiers dépasse 1 Mo : rien n’a été enregistré.');
      expect(await paperOf(cassandra, 'parent_id')).to.equal(undefined);
      expect(await paperOf(cassandra, 'image_rights')).to.equal(undefined);
      expect(listFiles(uploadDir())).to.deep.equal(before);
    });

    it('leaves no half file and no row when the upload is cut in the middle of its files', async () => {
      const server = await onFreePort((await import('node:http')).createServer(buildApp()));
      try {
        const session = new BrowserSession(server.baseUrl);
        await session.signIn(DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
        const { token } = await session.get(scansOf(cassandra));
        const boundary = `----tremplin${Date.now()}`;
        const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
        const filePart = (name: string) => `--${boundary}\r\nContent-Disposition: form-data; name="scans"; filename="${name}"\r\nContent-Type: application/pdf\r\n\r\n`;
        const whole = Buffer.concat([
          Buffer.from(part('paper0', 'parent_id') + part('paper1', 'image_rights') + part('expiryDate-parent_id', '2099-01-01') + filePart('parent.pdf')),
          pdfBytes(), Buffer.from('\r\n' + filePart('accord.pdf')), pdfBytes().subarray(0, 40),
        ]);
        const before = listFiles(uploadDir());
        const socket = net.connect(server.port, '127.0.0.1');
        socket.on('error', () => undefined);
        socket.write(
          `POST ${scansOf(cassandra)}?_csrf=${encodeURIComponent(token!)} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nCookie: ${session.header()}\r\n` +
            `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${whole.length + 100_000}\r\n\r\n`,
        );
        socket.write(whole);
        // Received up to the cut: the files are being written (so the cut below has something to clean).
        await eventually('files being received', () => listFiles(path.join(uploadDir(), 'tmp')), (l) => l.length > 0);
        socket.destroy();
        await eventually('files under UPLOAD_DIR after the cut', () => listFiles(uploadDir()), (l) => JSON.stringify(l) === JSON.stringify(before));
        expect(await paperOf(cassandra, 'parent_id')).to.equal(undefined);
        expect(await paperOf(cassandra, 'image_rights')).to.equal(undefined);
      } finally {
        await server.close();
      }
    });

    it('reads in English, the form and each file’s result, with no message key left untranslated', async () => {
      await postForm(karim, '/lang', { lang: 'en', returnTo: '/' });
      try {
        const form = visibleText((await karim.get(scansOf(cassandra))).text);
        expect(form).to.include('Hand in several papers — Cassandra Oranais').and.include('Which paper each file is').and.include('File 1');
        const res = await post(karim, scansOf(cassandra), { paper0: 'image_rights', paper1: '' }, [
          { bytes: Buffer.from('pas une image'), name: 'accord.png', type: 'image/png' }, pdf('autre.pdf'),
        ]);
        const text = visibleText(res.text);
        expect(text).to.include('Papers handed in — Cassandra Oranais').and.include('0 saved (to be checked), 2 not saved.');
        expect(text).to.include('accord.png → Image rights: not saved.').and.include('autre.pdf: not saved. Say which paper this file is.');
        for (const page of [form, text]) expect(page).to.not.match(/\b(documents|validation)\.[a-z]/);
      } finally {
        await postForm(karim, '/lang', { lang: 'fr', returnTo: '/' });
      }
    });

    it('is only for who may hand in the youth’s papers: not the director (403), not another worker or youth (404); the youth for herself lands on her papers', async () => {
      const sadiolaInes = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
      const yanis = await enrolmentOf(testDb(), ids.groups.sadiola, 'Yanis');
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      expect((await director.get(scansOf(aya))).status).to.equal(403);
      expect((await post(director, scansOf(aya), { paper0: 'parent_id' }, [pdf('x.pdf')])).status).to.equal(403);
      expect((await elodie.get(scansOf(aya))).status).to.equal(404);
      expect((await post(elodie, scansOf(aya), { paper0: 'parent_id' }, [pdf('x.pdf')])).status).to.equal(404);
      expect((await post(ines, scansOf(yanis, ids.groups.sadiola), { paper0: 'image_rights' }, [pdf('x.pdf')])).status).to.equal(404);
      expect((await paperOf(yanis, 'image_rights'))?.scan_name).to.not.equal('x.pdf');
      expect(listFiles(path.join(uploadDir(), 'tmp'))).to.deep.equal([]);

      const own = await post(ines, scansOf(sadiolaInes, ids.groups.sadiola), { paper0: 'image_rights' }, [png('mon accord.png')]);
      expect(own.status).to.equal(303);
      expect(own.headers.location).to.equal(`/groups/${ids.groups.sadiola}/youths/${sadiolaInes}/documents`);
      expect(await paperOf(sadiolaInes, 'image_rights')).to.include({ scan_name: 'mon accord.png', status: 'received', uploaded_by: ids.youthUsers['ines.d'] });
    });
  });
});
