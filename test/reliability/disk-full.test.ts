import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statfsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Express } from 'express';
import { createApp } from '../../src/app.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { csrfFrom, signIn, visibleText, type Agent } from '../support/http.js';
import { jpegBytes, pdfBytes } from '../documents/fixtures.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { createUpload, pageToken, patchUpload, TUS } from '../media/tus-client.js';

function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(path.join(dir, prefix))) return [];
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

const count = async (table: string) => Number((await testDb()(table).count({ n: '*' }))[0]!.n);

/**
 * A real full disk: UPLOAD_DIR on a 3 MB tmpfs mounted for the test (needs root, or CAP_SYS_ADMIN). Where
 * mounting is not allowed the test says so and is marked pending: a full disk is not simulated.
 */
describe('a full disk during an upload', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let mountPoint: string;
  let mounted = false;
  let app: Express;
  let ines: Agent;
  let karim: Agent;

  before(async function () {
    mountPoint = mkdtempSync(path.join(os.tmpdir(), 'tremplin-full-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tremplin-full', mountPoint], { stdio: 'pipe' });
      mounted = true;
    } catch (err) {
      console.log(`      cannot mount a small tmpfs here (${String((err as Error).message).split('\n')[0]}): not tested`);
      rmSync(mountPoint, { recursive: true, force: true });
      this.skip();
    }
    ids = await resetToDemo();
    app = createApp({ config: { ...testDatabase().config, uploadDir: mountPoint }, db: testDb(), log: () => undefined });
    ines = await signIn(app, 'ines.d');
    karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
  });
  after(() => {
    if (!mounted) return;
    execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const freeBytes = () => {
    const s = statfsSync(mountPoint);
    return s.bavail * s.bsize;
  };

  it('refuses a youth’s video with 507 and a clear page, keeps no part of it and no row, and takes the next file that fits', async () => {
    const mediaBefore = await count('media');
    const free = freeBytes();
    const token = csrfFrom((await ines.get(`/groups/${ids.groups.sadiola}/media/new`)).text);
    const video = Buffer.alloc(6 * 1024 * 1024, 9);
    const res = await ines
      .post(`/groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(token)}`)
      .field('moment', 'before')
      .field('caption', 'Trop grosse pour le disque')
      .attach('file', video, { filename: 'video.mp4', contentType: 'video/mp4' });
    expect(res.status).to.equal(507);
    expect(visibleText(res.text)).to.include('Plus de place pour enregistrer').and.include('n’a pas été gardé');
    expect(filesUnder(mountPoint)).to.deep.equal([]);
    expect(freeBytes()).to.equal(free);
    expect(await count('media')).to.equal(mediaBefore);

    const photo = await ines
      .post(`/groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(token)}`)
      .field('moment', 'before')
      .field('caption', 'Petite photo')
      .attach('file', jpegBytes(), { filename: 'photo.jpg', contentType: 'image/jpeg' });
    expect(photo.status, visibleText(photo.text).slice(0, 300)).to.be.oneOf([201, 303]);
    expect(await count('media')).to.equal(mediaBefore + 1);
    expect(filesUnder(mountPoint).filter((f) => !f.startsWith('tmp/'))).to.have.length.at.least(1);
  });

  it('refuses a piece of a resumable (tus) upload with 507 and the same words, frees its partial file and its row, and takes the next one', async () => {
    const group = ids.groups.sadiola;
    const mediaBefore = await count('media');
    const token = await pageToken(ines, group);
    const free = freeBytes();
    const video = Buffer.alloc(6 * 1024 * 1024, 9);
    const created = await createUpload(ines, group, token, video.length, { moment: 'before', caption: 'Trop grosse, en morceaux', filename: 'video.mp4' });
    expect(created.status).to.equal(201);
    const res = await patchUpload(ines, created.headers.location as string, token, 0, video);
    expect(res.status).to.equal(507);
    expect(res.text).to.include('Le serveur n’a plus de place').and.include('n’a pas été gardé');
    expect(filesUnder(mountPoint).filter((f) => f.startsWith('tus/')), 'the partial file and its info file gone').to.deep.equal([]);
    expect(freeBytes(), 'its room given back').to.equal(free);
    expect(await count('resumable_uploads')).to.equal(0);
    expect(await count('media')).to.equal(mediaBefore);
    expect((await ines.head(created.headers.location as string).set(TUS)).status).to.equal(404);

    const photo = jpegBytes();
    const next = (await createUpload(ines, group, token, photo.length, { moment: 'before', caption: 'Petite photo en morceaux', filename: 'photo.jpg' })).headers.location as string;
    const done = await patchUpload(ines, next, token, 0, photo);
    expect(done.status, done.text).to.equal(204);
    expect(done.headers['x-tremplin-location']).to.match(new RegExp(`^/groups/${group}/media/\\d+$`));
    expect(await count('media')).to.equal(mediaBefore + 1);
  });

  it('refuses a scan of a paper the same way, in English for an English reader', async () => {
    const enrolment = await enrolmentOf(testDb(), ids.groups.sadiola, 'Samir');
    const before = filesUnder(mountPoint);
    const docsBefore = await testDb()('youth_documents').where({ enrolment_id: enrolment, kind: 'passport_or_id' }).first();
    const token = csrfFrom((await karim.get('/groups')).text);
    const big = Buffer.concat([pdfBytes(), Buffer.alloc(6 * 1024 * 1024, 32)]);
    const res = await karim
      .post(`/groups/${ids.groups.sadiola}/youths/${enrolment}/documents/passport_or_id?_csrf=${encodeURIComponent(token)}`)
      .set('Cookie', 'lang=en')
      .field('expiryDate', '2031-01-01')
      .attach('scan', big, { filename: 'passeport.pdf', contentType: 'application/pdf' });
    expect(res.status).to.equal(507);
    expect(visibleText(res.text)).to.include('No room left to save');
    expect(filesUnder(mountPoint)).to.deep.equal(before);
    expect(await testDb()('youth_documents').where({ enrolment_id: enrolment, kind: 'passport_or_id' }).first()).to.deep.equal(docsBefore);
  });
});
