import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, buildApp, csrfFrom, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { elfExecutable, listFiles, makeJpeg, makeM4a, makeMp4, minimalPdf, requireFfmpeg, scratchDir } from './fixtures.js';

const uploadDir = () => testDatabase().config.uploadDir;
const countMedia = async (groupId: number): Promise<number> => Number((await testDb()('media').where({ group_id: groupId }).count('* as n'))[0]!.n);

/** The upload form's token, as the page gives it to the browser. */
async function uploadToken(agent: Agent, groupId: number): Promise<string> {
  const page = await agent.get(`/groups/${groupId}/media/new`);
  expect(page.status).to.equal(200);
  return csrfFrom(page.text);
}

interface UploadFile {
  bytes: Buffer;
  filename: string;
  contentType?: string;
}

async function upload(agent: Agent, groupId: number, fields: Record<string, string>, file?: UploadFile, headers: Record<string, string> = {}) {
  const token = await uploadToken(agent, groupId);
  const req = agent.post(`/groups/${groupId}/media?_csrf=${encodeURIComponent(token)}`).set(headers);
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  if (file) req.attach('file', file.bytes, { filename: file.filename, contentType: file.contentType ?? 'application/octet-stream' });
  return req;
}

describe('uploading media (POST /groups/:id/media)', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let app: Express;
  let ines: Agent;
  let karim: Agent;
  let dir: string;
  let mp4: Buffer;

  before(async () => {
    requireFfmpeg();
    ({ ids, app, ines, karim } = await appOnDemo('ines', 'karim'));
    dir = scratchDir();
    mp4 = readFileSync(makeMp4(dir));
  });

  it('keeps a youth’s real MP4 under a generated name, with its SHA-256, duration and thumbnail, then shows it', async () => {
    const res = await upload(ines, ids.groups.sadiola, { moment: 'before', caption: 'Ma vidéo avant' }, { bytes: mp4, filename: 'ma vidéo.mp4', contentType: 'video/mp4' });
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    const id = Number(/\/media\/(\d+)$/.exec(res.headers.location)![1]);
    const row = await testDb()('media').where({ id }).first();
    expect(row).to.include({ group_id: ids.groups.sadiola, kind: 'video', moment: 'before', caption: 'Ma vidéo avant', mime: 'video/mp4', use_level: 'group' });
    expect(Number(row.size_bytes)).to.equal(mp4.length);
    expect(row.sha256).to.equal(createHash('sha256').update(mp4).digest('hex'));
    expect(row.original_name).to.equal('ma vidéo.mp4');
    expect(row.stored_path).to.match(/^media\/\d{4}\/[0-9a-f-]{36}\.mp4$/);
    expect(row.thumbnail_path).to.match(/^media\/\d{4}\/[0-9a-f-]{36}\.jpg$/);
    expect(Number(row.duration_seconds)).to.be.closeTo(1, 0.2);
    expect(readFileSync(path.join(uploadDir(), row.stored_path)).equals(mp4)).to.equal(true);
    // The author is the youth, known by her youth file (the before/after page follows youths).
    const ines2 = await testDb()('youths').where({ first_name: 'Inès', last_name: 'Dufour' }).first('id');
    expect(row.youth_id).to.equal(ines2.id);

    const page = await ines.get(res.headers.location);
    expect(page.status).to.equal(200);
    expect(visibleText(page.text)).to.include('C’est dans le groupe !').and.include('Ma vidéo avant').and.include('Avant le séjour').and.include('0:01');
    expect(page.text).to.include(`src="/groups/${ids.groups.sadiola}/media/${id}/file"`).and.include(`poster="/groups/${ids.groups.sadiola}/media/${id}/thumbnail"`);
    const list = await karim.get(`/groups/${ids.groups.sadiola}/media`);
    expect(visibleText(list.text)).to.include('Vidéos (1)').and.include('Ma vidéo avant').and.include('par Inès Dufour');

    const thumb = await ines.get(`/groups/${ids.groups.sadiola}/media/${id}/thumbnail`).responseType('blob');
    expect(thumb.status).to.equal(200);
    expect(thumb.headers['content-type']).to.equal('image/jpeg');
    expect((thumb.body as Buffer).subarray(0, 3).toString('hex')).to.equal('ffd8ff');
  });

  it('serves a range of the video with 206 and exactly the bytes asked for', async () => {
    const row = await testDb()('media').where({ group_id: ids.groups.sadiola, kind: 'video' }).orderBy('id', 'desc').first();
    const url = `/groups/${ids.groups.sadiola}/media/${row.id}/file`;
    const res = await karim.get(url).set('Range', 'bytes=100-299').responseType('blob');
    expect(res.status).to.equal(206);
    expect(res.headers['content-range']).to.equal(`bytes 100-299/${mp4.length}`);
    expect(res.headers['accept-ranges']).to.equal('bytes');
    expect(res.headers['content-type']).to.equal('video/mp4');
    expect((res.body as Buffer).equals(mp4.subarray(100, 300))).to.equal(true);
    const tail = await karim.get(url).set('Range', `bytes=-10`).responseType('blob');
    expect(tail.status).to.equal(206);
    expect((tail.body as Buffer).equals(mp4.subarray(mp4.length - 10))).to.equal(true);
    const whole = await karim.get(url).responseType('blob');
    expect(whole.status).to.equal(200);
    expect((whole.body as Buffer).equals(mp4)).to.equal(true);
    expect(whole.headers['content-disposition']).to.match(/^inline; filename="ma vid_o\.mp4"; filename\*=UTF-8''ma%20vid%C3%A9o\.mp4$/);
    const beyond = await karim.get(url).set('Range', `bytes=${mp4.length + 10}-`);
    expect(beyond.status).to.equal(416);
  });

  it('takes a worker’s JPEG as a photo and a PDF as a written report', async () => {
    const jpeg = readFileSync(makeJpeg(dir));
    const photo = await upload(karim, ids.groups.sadiola, { moment: 'during', caption: 'Le marché' }, { bytes: jpeg, filename: 'IMG_0001.JPG', contentType: 'image/jpeg' });
    expect(photo.status).to.equal(303);
    const p = await testDb()('media').orderBy('id', 'desc').first();
    expect(p).to.include({ kind: 'photo', mime: 'image/jpeg', moment: 'during', uploaded_by: (await testDb()('users').where({ email: DEMO_ACCOUNTS.karim.email }).first('id')).id });
    expect(p.youth_id).to.equal(null);
    expect(p.stored_path).to.match(/\.jpg$/);
    expect(p.thumbnail_path).to.match(/\.jpg$/);

    const pdf = minimalPdf();
    const report = await upload(karim, ids.groups.sadiola, { moment: 'after', caption: 'Compte rendu' }, { bytes: pdf, filename: 'bilan.pdf', contentType: 'application/pdf' });
    expect(report.status).to.equal(303);
    const r = await testDb()('media').orderBy('id', 'desc').first();
    expect(r).to.include({ kind: 'report', mime: 'application/pdf', thumbnail_path: null });
    expect(r.stored_path).to.match(/\.pdf$/);
    const page = visibleText((await karim.get(report.headers.location)).text);
    expect(page).to.include('Télécharger le PDF');
  });

  it('takes a sound recording as sound, with its duration', async () => {
    const m4a = readFileSync(makeM4a(dir));
    const res = await upload(ines, ids.groups.sadiola, { moment: 'during' }, { bytes: m4a, filename: 'memo.m4a', contentType: 'audio/mp4' });
    expect(res.status).to.equal(303);
    const row = await testDb()('media').orderBy('id', 'desc').first();
    expect(row.kind).to.equal('audio');
    expect(Number(row.duration_seconds)).to.be.closeTo(1, 0.2);
    expect(row.thumbnail_path).to.equal(null);
    expect((await ines.get(res.headers.location)).text).to.include('<audio controls');
  });

  it('takes a logbook page without any file', async () => {
    const res = await upload(ines, ids.groups.sadiola, { moment: 'before', caption: 'Avant de partir', body: 'Je pense que là-bas tout le monde est pauvre.' });
    expect(res.status).to.equal(303);
    const row = await testDb()('media').orderBy('id', 'desc').first();
    expect(row).to.include({ kind: 'report', stored_path: null, body: 'Je pense que là-bas tout le monde est pauvre.' });
    expect(visibleText((await ines.get(res.headers.location)).text)).to.include('Texte ajouté au carnet de bord.').and.include('tout le monde est pauvre');
  });

  it('answers the page’s script with 201 and where to go, instead of a redirect', async () => {
    const res = await upload(ines, ids.groups.sadiola, { moment: 'during', body: 'Envoyé par le script.' }, undefined, { Accept: 'application/json' });
    expect(res.status).to.equal(201);
    expect(res.body.location).to.match(new RegExp(`^/groups/${ids.groups.sadiola}/media/\\d+$`));
    // The message waits for the page the script goes to.
    expect(visibleText((await ines.get(res.body.location)).text)).to.include('Texte ajouté au carnet de bord.');
  });

  describe('refusals leave no file and no row', () => {
    let filesBefore: string[];
    let rowsBefore: number;
    beforeEach(async () => {
      filesBefore = listFiles(uploadDir());
      rowsBefore = await countMedia(ids.groups.sadiola);
    });
    afterEach(async () => {
      expect(listFiles(uploadDir()), 'files under UPLOAD_DIR (tmp included)').to.deep.equal(filesBefore);
      expect(await countMedia(ids.groups.sadiola)).to.equal(rowsBefore);
    });

    it('refuses a Linux program renamed .mp4 and sent as video/mp4, keeping what was typed', async () => {
      const res = await upload(ines, ids.groups.sadiola, { moment: 'during', caption: 'Pas une vidéo' }, { bytes: elfExecutable(), filename: 'vacances.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Ce fichier n’est pas une vidéo, une photo, un son ou un PDF : il est refusé.');
      expect(res.text).to.include('value="Pas une vidéo"').and.match(/value="during"\s+checked/);
    });

    it('refuses a shell script renamed .mp4', async () => {
      const res = await upload(ines, ids.groups.sadiola, { moment: 'during' }, { bytes: Buffer.from('#!/bin/sh\nrm -rf ~\n'), filename: 'clip.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(422);
    });

    it('refuses an HTML page sent as a photo', async () => {
      const res = await upload(ines, ids.groups.sadiola, { moment: 'during' }, { bytes: Buffer.from('<html><script>alert(1)</script></html>'), filename: 'photo.jpg', contentType: 'image/jpeg' });
      expect(res.status).to.equal(422);
    });

    it('refuses a video over the configured limit with 413, and says what the limits are', async () => {
      const small = buildApp({ MAX_VIDEO_MB: '1', MAX_PHOTO_MB: '1', MAX_DOCUMENT_MB: '1' });
      const agent = await signIn(small, 'ines.d');
      const big = Buffer.concat([mp4, Buffer.alloc(1024 * 1024 + 10)]);
      const res = await upload(agent, ids.groups.sadiola, { moment: 'after', caption: 'Trop long' }, { bytes: big, filename: 'long.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(413);
      expect(visibleText(res.text)).to.include('Fichier trop gros. Au plus 1 Mo pour une vidéo ou un son, 1 Mo pour une photo, 1 Mo pour un PDF.');
      expect(res.text).to.include('value="Trop long"');
    });

    it('refuses a photo over the photo limit even though it is under the video limit', async () => {
      const small = buildApp({ MAX_PHOTO_MB: '1' });
      const agent = await signIn(small, 'ines.d');
      const jpeg = readFileSync(makeJpeg(dir, 'big.jpg'));
      const big = Buffer.concat([jpeg, Buffer.alloc(1024 * 1024)]);
      const res = await upload(agent, ids.groups.sadiola, { moment: 'after' }, { bytes: big, filename: 'big.jpg', contentType: 'image/jpeg' });
      expect(res.status).to.equal(413);
    });

    it('asks for a moment, and for a file or a text', async () => {
      const none = await upload(ines, ids.groups.sadiola, { caption: 'Sans moment' }, { bytes: mp4, filename: 'a.mp4', contentType: 'video/mp4' });
      expect(none.status).to.equal(422);
      expect(visibleText(none.text)).to.include('Choisis : avant, pendant ou après le séjour.');
      const empty = await upload(ines, ids.groups.sadiola, { moment: 'before', caption: 'Rien' });
      expect(empty.status).to.equal(422);
      expect(visibleText(empty.text)).to.include('Ajoute un fichier, ou écris un texte.');
    });

    it('refuses an empty file', async () => {
      const res = await upload(ines, ids.groups.sadiola, { moment: 'before' }, { bytes: Buffer.alloc(0), filename: 'vide.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(422);
    });

    it('refuses a multipart upload without the CSRF token before reading it', async () => {
      const res = await ines.post(`/groups/${ids.groups.sadiola}/media`).field('moment', 'before').attach('file', mp4, { filename: 'a.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(403);
    });

    it('does not let a director or another group’s youth put a file on the disk', async () => {
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const token = csrfFrom((await director.get(`/groups/${ids.groups.sadiola}/media`)).text);
      const res = await director.post(`/groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(token)}`).field('moment', 'before')
        .attach('file', mp4, { filename: 'a.mp4', contentType: 'video/mp4' });
      expect(res.status).to.equal(403);
      const lucas = await signIn(app, 'lucas.v');
      const lucasToken = csrfFrom((await lucas.get('/groups')).text);
      const other = await lucas.post(`/groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(lucasToken)}`).field('moment', 'before')
        .attach('file', mp4, { filename: 'a.mp4', contentType: 'video/mp4' });
      expect(other.status).to.equal(404);
    });
  });

  it('stores a file named with a path to elsewhere under a generated name, keeping only the last part as a label', async () => {
    const before = listFiles(uploadDir());
    const res = await upload(ines, ids.groups.sadiola, { moment: 'before' }, { bytes: mp4, filename: '../../../../etc/cron.d/evil.mp4', contentType: 'video/mp4' });
    expect(res.status).to.equal(303);
    const row = await testDb()('media').orderBy('id', 'desc').first();
    expect(row.original_name).to.equal('evil.mp4');
    expect(row.stored_path).to.match(/^media\/\d{4}\/[0-9a-f-]{36}\.mp4$/);
    const added = listFiles(uploadDir()).filter((f) => !before.includes(f));
    expect(added).to.have.length(2); // the video and its thumbnail, nothing else
    expect(added.every((f) => /^media\/\d{4}\/[0-9a-f-]{36}\.(mp4|jpg)$/.test(f))).to.equal(true);
    expect(existsSync(path.resolve(uploadDir(), '../../../../etc/cron.d/evil.mp4'))).to.equal(false);
    expect(existsSync(path.resolve(uploadDir(), '..', 'evil.mp4'))).to.equal(false);
    // Windows-style separators are no way out either.
    const win = await upload(ines, ids.groups.sadiola, { moment: 'before' }, { bytes: mp4, filename: '..\\..\\evil.mp4', contentType: 'video/mp4' });
    expect(win.status).to.equal(303);
    expect((await testDb()('media').orderBy('id', 'desc').first()).original_name).to.equal('evil.mp4');
  });
});
