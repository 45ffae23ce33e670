import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/knex.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { testDatabase } from '../support/database.js';
import { holdInsert, holdUpdate } from '../support/hold-insert.js';
import { pdfBytes } from '../support/sample-files.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { kill9, ScratchDeployment, until } from '../support/processes.js';
import { fakeVideo, listFiles, makeMp4, requireFfmpeg, scratchDir } from '../media/fixtures.js';
import { RemoteTus } from '../media/tus-client.js';

const MB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const sizeOf = (file: string) => {
  try {
    return statSync(file).size;
  } catch {
    return -1;
  }
};

/**
 * The real server in a child process, killed with SIGKILL in the middle of a resumable (tus) upload and
 * started again: while a piece arrives, after the last byte, and while the medium's row is written.
 */
describe('kill -9 of the server during a resumable upload, then a restart', function () {
  this.timeout(240_000);
  let deployment: ScratchDeployment;
  let database: Config['database'];
  let uploadDir: string;
  let db: Db;
  let child: ChildProcess | undefined;
  let base: string;
  let sadiola: number;
  let ines: RemoteTus;
  const tusDir = () => path.join(uploadDir, 'tus');
  const outsideTus = () => listFiles(uploadDir).filter((f) => !f.startsWith('tus/') && !f.startsWith('tmp/'));
  const mediaOf = (caption: string) => db('media').where({ caption });

  before(async () => {
    requireFfmpeg();
    deployment = await ScratchDeployment.create(testDatabase().config.database, 'tremplin_tuskill9');
    await restart();
    ({ database, uploadDir, db } = deployment);
    sadiola = (await db('groups').where({ name: 'Rencontre des jeunes de Sadiola' }).first()).id;
    // Signed in once: the session lives in the database and outlives the processes.
    ines = await RemoteTus.signedIn(base, 'ines.d', DEMO_PASSWORD, sadiola);
  });
  after(() => deployment?.close());

  async function restart(): Promise<void> {
    if (child) await kill9(child);
    ({ child, base } = await deployment.start());
  }

  /** The upload became one medium with these bytes, its file in place, nothing left in tus/ nor beside. */
  async function expectOneMedium(caption: string, bytes: Buffer, location: string | null, filesBefore: string[]) {
    const rows = await mediaOf(caption);
    expect(rows, 'exactly one medium').to.have.length(1);
    expect(location).to.equal(`/groups/${sadiola}/media/${rows[0].id}`);
    expect(rows[0].sha256).to.equal(sha256(bytes));
    expect(sha256(readFileSync(path.join(uploadDir, rows[0].stored_path))), 'the file on the disk').to.equal(sha256(bytes));
    const kept = [rows[0].stored_path, rows[0].thumbnail_path].filter(Boolean);
    expect(outsideTus().filter((f) => !filesBefore.includes(f)).sort(), 'no file without its row').to.deep.equal(kept.sort());
    expect(listFiles(tusDir()), 'nothing left in tus/').to.deep.equal([]);
    expect(await db('resumable_uploads').count({ n: '*' }).first().then((r) => Number(r!.n))).to.equal(0);
  }

  it('mid-piece: the upload resumes from the offset the server reports and ends with the right SHA-256', async () => {
    const video = fakeVideo(48 * MB);
    const filesBefore = outsideTus();
    const location = await ines.create(base, sadiola, video.length, { moment: 'during', caption: 'Coupée en route', filename: 'sejour.mp4' });
    const partial = path.join(tusDir(), location.split('/').pop()!);
    const piece = ines.slowPatch(base, location, 0, video, 8 * MB);
    await until('a few MB in the partial file', () => sizeOf(partial), (n) => n > 4 * MB);
    await kill9(child!);
    expect(await piece.done).to.be.oneOf(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);
    const kept = sizeOf(partial);
    expect(kept).to.be.within(4 * MB, video.length - 1);

    await restart();
    expect(await mediaOf('Coupée en route')).to.deep.equal([]);
    expect(outsideTus(), 'nothing outside tus/').to.deep.equal(filesBefore);
    // The dead process's lock lapses with its lease: the HEAD waits for it, then says where the file stands.
    const head = await ines.head(base, location);
    expect(head.status).to.equal(200);
    expect(head.offset, 'every byte the killed process wrote counts').to.equal(kept);
    const rest = await ines.patch(base, location, head.offset, video.subarray(head.offset));
    expect(rest.status, rest.text).to.equal(204);
    await expectOneMedium('Coupée en route', video, rest.location, filesBefore);
    console.log(`      killed with ${(kept / MB).toFixed(1)} of ${video.length / MB} MB written; resumed at that offset after the restart`);
  });

  it('after the last byte, before the row: the sender’s next HEAD finishes it, once', async () => {
    const video = fakeVideo(8 * MB);
    const filesBefore = outsideTus();
    const location = await ines.create(base, sadiola, video.length, { moment: 'during', caption: 'Tuée à la fin', filename: 'fin.mp4' });
    const partial = path.join(tusDir(), location.split('/').pop()!);
    // The SHA-256 is taken as the bytes are written, so the finish follows the last byte at once: it is held
    // where it begins, as it marks the upload as finishing, and the server killed there.
    const hold = await holdUpdate(database, 'resumable_uploads');
    const piece = ines.patch(base, location, 0, video).catch((e: Error) => e);
    await hold.untilServerWaits();
    expect(sizeOf(partial), 'every byte in the partial file').to.equal(video.length);
    await kill9(child!);
    await hold.release();
    await piece;
    expect(await mediaOf('Tuée à la fin'), 'killed before the row').to.deep.equal([]);

    await restart();
    expect(await mediaOf('Tuée à la fin')).to.deep.equal([]);
    const head = await ines.head(base, location);
    expect(head.status).to.equal(200);
    expect(head.offset, 'complete').to.equal(video.length);
    await expectOneMedium('Tuée à la fin', video, head.location, filesBefore);
    expect((await ines.head(base, location)).location, 'asked again: the same medium').to.equal(head.location);
  });

  it('while the row is written: after the restart no file is without its row (put back, or recorded), and the next HEAD hears of one medium', async () => {
    const clip = readFileSync(makeMp4(scratchDir(), 'clip.mp4', { seconds: 2 }));
    const filesBefore = outsideTus();
    const location = await ines.create(base, sadiola, clip.length, { moment: 'after', caption: 'Tuée en écrivant', filename: 'retour.mp4' });
    const id = location.split('/').pop()!;
    const hold = await holdInsert(database, 'media');
    const piece = ines.patch(base, location, 0, clip).catch((e: Error) => e);
    await hold.untilServerWaits();
    await kill9(child!);
    await hold.release();
    await piece;
    // What the killed process left: the file in its place and a thumbnail. On SQLite the insert died with the
    // process: no row. PostgreSQL carries out a statement it was sent even once its client is gone: the row
    // is there then, and so are its files.
    const left = outsideTus().filter((f) => !filesBefore.includes(f));
    expect(left.map((f) => path.basename(f)).sort()).to.deep.equal([`${id}-thumbnail.jpg`, `${id}.mp4`]);
    const written = (await mediaOf('Tuée en écrivant')).length;
    if (database.client === 'sqlite3') expect(written).to.equal(0);

    await restart();
    if (written) {
      await until('the start-up sweep to forget the finished upload', () => db('resumable_uploads').where({ id }).first(), (r) => !r, 40_000);
    } else {
      await until('the start-up sweep to put the file back', () => outsideTus().filter((f) => !filesBefore.includes(f)), (f) => f.length === 0, 40_000);
      expect(sizeOf(path.join(tusDir(), id)), 'back in tus/, complete').to.equal(clip.length);
      expect(await mediaOf('Tuée en écrivant')).to.deep.equal([]);
    }
    const head = await ines.head(base, location);
    expect(head.status).to.equal(200);
    await expectOneMedium('Tuée en écrivant', clip, head.location, filesBefore);
    expect((await mediaOf('Tuée en écrivant'))[0].thumbnail_path).to.match(new RegExp(`/${id}-thumbnail\\.jpg$`));
  });

  it('a paper’s scan killed while its row is written: the start-up sweep puts the file back, the next HEAD hands the paper in, once', async () => {
    const inesId = await enrolmentOf(db, sadiola, 'Inès');
    const scan = Buffer.concat([pdfBytes('passeport'), Buffer.alloc(300_000, 0x20)]);
    const paper = () => db('youth_documents').where({ enrolment_id: inesId, kind: 'passport_or_id' }).first();
    const audits = async () => Number((await db('audit_log').where({ action: 'document.upload' }).count({ n: '*' }).first())!.n);
    const asItWas = await paper();
    const auditsBefore = await audits();
    const filesBefore = outsideTus();
    const papersPage = `/groups/${sadiola}/youths/${inesId}/documents`;
    const location = await ines.createAt(base, `${papersPage}/passport_or_id/tus`, scan.length, { expiryDate: '2034-03-02', filename: 'passeport.pdf', filetype: 'application/pdf' });
    const id = location.split('/').pop()!;
    // Held inside the paper's transaction, its row written and its audit line not yet: the file is in its place.
    const hold = await holdInsert(database, 'audit_log', 'youth_documents');
    const piece = ines.patch(base, location, 0, scan).catch((e: Error) => e);
    await hold.untilServerWaits();
    await kill9(child!);
    await hold.release();
    await piece;
    const left = outsideTus().filter((f) => !filesBefore.includes(f));
    expect(left.map((f) => path.basename(f)), 'the scan moved under its upload’s id').to.deep.equal([`${id}.pdf`]);
    expect(await paper(), 'the transaction died with the process').to.deep.equal(asItWas);

    await restart();
    await until('the start-up sweep to put the scan back', () => outsideTus().filter((f) => !filesBefore.includes(f)), (f) => f.length === 0, 40_000);
    expect(sizeOf(path.join(tusDir(), id)), 'back in tus/, complete').to.equal(scan.length);

    const head = await ines.head(base, location);
    expect(head.status).to.equal(200);
    expect(head.location).to.equal(`${papersPage}#paper-passport_or_id`);
    const row = await paper();
    expect(row.scan_path).to.match(new RegExp(`^documents/\\d{4}/${id}\\.pdf$`));
    expect(row.scan_sha256).to.equal(sha256(scan));
    expect(sha256(readFileSync(path.join(uploadDir, row.scan_path))), 'the file on the disk').to.equal(sha256(scan));
    expect(outsideTus().filter((f) => !filesBefore.includes(f)), 'no file without its row').to.deep.equal([row.scan_path]);
    expect(await audits(), 'handed in once').to.equal(auditsBefore + 1);
    expect(listFiles(tusDir()), 'nothing left in tus/').to.deep.equal([]);
    const again = await ines.head(base, location);
    expect([again.status, again.location], 'asked again: the same paper').to.deep.equal([200, head.location]);
    expect(await audits()).to.equal(auditsBefore + 1);
  });
});
