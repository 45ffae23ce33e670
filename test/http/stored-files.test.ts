import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { appOnDemo, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { giveScan } from '../documents/fixtures.js';
import { makeMp4, minimalPdf, requireFfmpeg, scratchDir, storedMedium, TINY_JPEG } from '../media/fixtures.js';

/**
 * Files people upload are served from the app's own origin, next to pages holding minors' papers: a file
 * that a browser could run (a PDF with JavaScript, a page) must never run as the app. Every route that
 * sends a stored file sends it sandboxed, with its type not to be guessed, and as a download unless it is
 * a picture, a video or a sound, which only play.
 */
describe('stored files, as every route sends them', () => {
  let ids: DemoIds;
  let karim: Agent;
  const media = {} as Record<'photo' | 'video' | 'pdf', number>;

  // A sandbox that allows no script, and a document that loads nothing from elsewhere.
  const sandboxed = (res: { headers: Record<string, string> }, what: string) => {
    const directives = (res.headers['content-security-policy'] ?? '').split(';').map((d) => d.trim());
    const sandbox = directives.find((d) => d.split(' ')[0] === 'sandbox');
    expect(sandbox, `${what}: a sandbox in ${directives.join('; ')}`).to.be.a('string');
    expect(sandbox, what).not.to.include('allow-scripts');
    expect(directives, what).to.include("default-src 'none'");
    expect(res.headers['x-content-type-options'], `${what}: nosniff`).to.equal('nosniff');
    return sandbox;
  };
  const disposition = (res: { headers: Record<string, string> }) => res.headers['content-disposition']!.split(';')[0];

  before(async () => {
    requireFfmpeg();
    ({ ids, karim } = await appOnDemo('karim'));
    const uploadDir = testDatabase().config.uploadDir;
    const ines = ids.youthUsers['ines.d']!;
    const mp4 = readFileSync(makeMp4(scratchDir()));
    media.photo = await storedMedium(testDb(), uploadDir, ids.groups.sadiola, ines, { kind: 'photo', mime: 'image/jpeg', ext: 'jpg', bytes: TINY_JPEG, caption: 'Photo' });
    media.video = await storedMedium(testDb(), uploadDir, ids.groups.sadiola, ines, { kind: 'video', mime: 'video/mp4', ext: 'mp4', bytes: mp4, caption: 'Vidéo', thumbnail: TINY_JPEG });
    media.pdf = await storedMedium(testDb(), uploadDir, ids.groups.sadiola, ines, { kind: 'report', mime: 'application/pdf', ext: 'pdf', bytes: minimalPdf(), caption: 'Carnet en PDF' });
    const enrolment = Number((await testDb()('enrolments').where({ group_id: ids.groups.sadiola }).orderBy('id').first('id')).id);
    await giveScan(testDb(), uploadDir, ids.users.karim, ids.groups.sadiola, enrolment);
  });

  const file = (id: number, rest = 'file') => `/groups/${ids.groups.sadiola}/media/${id}/${rest}`;

  it('a PDF uploaded as a medium is downloaded, sandboxed, never opened in the app’s pages', async () => {
    const res = await karim.get(file(media.pdf)).responseType('blob');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    expect(disposition(res)).to.equal('attachment');
    // Not even its origin: a download is never a document of the app.
    expect(sandboxed(res, 'the PDF')).to.equal('sandbox');
  });

  it('a photo and a video still show and play inline, sandboxed, also in parts (206)', async () => {
    for (const [what, id, type] of [['photo', media.photo, 'image/jpeg'], ['video', media.video, 'video/mp4']] as const) {
      const res = await karim.get(file(id)).responseType('blob');
      expect(res.status, what).to.equal(200);
      expect(res.headers['content-type'], what).to.equal(type);
      expect(disposition(res), what).to.equal('inline');
      sandboxed(res, what);
    }
    const part = await karim.get(file(media.video)).set('Range', 'bytes=0-99').responseType('blob');
    expect(part.status).to.equal(206);
    expect(disposition(part)).to.equal('inline');
    sandboxed(part, 'part of the video');
    const download = await karim.get(`${file(media.video)}?download=1`).responseType('blob');
    expect(disposition(download)).to.equal('attachment');
    expect(sandboxed(download, 'the downloaded video')).to.equal('sandbox');
  });

  it('a thumbnail, made by the app or a photo standing for itself, is sandboxed too', async () => {
    for (const [what, id] of [['video thumbnail', media.video], ['photo as its own thumbnail', media.photo]] as const) {
      const res = await karim.get(file(id, 'thumbnail')).responseType('blob');
      expect(res.status, what).to.equal(200);
      expect(res.headers['content-type'], what).to.equal('image/jpeg');
      expect(disposition(res), what).to.equal('inline');
      sandboxed(res, what);
    }
  });

  it('a youth’s scanned passport is downloaded, sandboxed', async () => {
    const enrolment = Number((await testDb()('enrolments').where({ group_id: ids.groups.sadiola }).orderBy('id').first('id')).id);
    const res = await karim.get(`/groups/${ids.groups.sadiola}/youths/${enrolment}/documents/passport_or_id/scan`).responseType('blob');
    expect(res.status).to.equal(200);
    expect(disposition(res)).to.equal('attachment');
    expect(sandboxed(res, 'the scan')).to.equal('sandbox');
  });
});
