import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { testDatabase } from '../support/database.js';
import { ScratchDeployment, until } from '../support/processes.js';
import { fakeVideo, listFiles } from '../media/fixtures.js';
import { RemoteTus } from '../media/tus-client.js';

const MB = 1024 * 1024;
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/**
 * Two real app processes (src/server.ts) on one database and one upload folder, as behind a load balancer
 * without sticky sessions: the pieces of one resumable upload go to either, and sometimes to both at once
 * (a phone whose connection dropped sends again, reaching the other instance while its first PATCH still
 * hangs on the first). The lock in the database (upload-locks.ts) lets one write at a time.
 */
describe(`a resumable upload through two instances (two processes, one ${process.env.DATABASE_URL ? 'PostgreSQL database' : 'SQLite file'}, one upload folder)`, function () {
  this.timeout(180_000);
  let deployment: ScratchDeployment;
  let one: string;
  let two: string;
  let sadiola: number;
  let ines: RemoteTus;

  before(async () => {
    deployment = await ScratchDeployment.create(testDatabase().config.database, 'tremplin_tustwo');
    one = (await deployment.start()).base;
    two = (await deployment.start()).base;
    sadiola = (await deployment.db('groups').where({ name: 'Rencontre des jeunes de Sadiola' }).first()).id;
    // Signed in through the first: the session is in the database, the second knows it too.
    ines = await RemoteTus.signedIn(one, 'ines.d', DEMO_PASSWORD, sadiola);
  });
  after(() => deployment?.close());

  it('assembles the file right from pieces sent to either and two at once: the waiter is answered 409, one medium with the right SHA-256', async () => {
    const video = fakeVideo(40 * MB);
    const location = await ines.create(two, sadiola, video.length, { moment: 'during', caption: 'Par deux serveurs', filename: 'deux.mp4' });
    const partial = path.join(deployment.uploadDir, 'tus', location.split('/').pop()!);
    const piece = 4 * MB;
    const instances = [one, two];
    let offset = 0;
    // Alternately, each piece to the other instance; each says where the file stands as the other left it.
    for (let i = 0; offset < 12 * MB; i++) {
      const sent = await ines.patch(instances[i % 2]!, location, offset, video.subarray(offset, offset + piece));
      expect(sent.status, sent.text).to.equal(204);
      expect(sent.offset).to.equal(offset + piece);
      offset = sent.offset;
      expect((await ines.head(instances[(i + 1) % 2]!, location)).offset).to.equal(offset);
    }

    // Two at once from the same offset: a slow one on the first instance, holding the lock, and the same
    // piece again on the second. The second asks the first to let go; the first stops where its bytes
    // stand and answers that offset; the second then finds the file moved on: 409, nothing written twice.
    const slow = ines.slowPatch(one, location, offset, video.subarray(offset, offset + 8 * MB), 1 * MB);
    await until('the first instance writing', () => statSync(partial).size, (n) => n > offset);
    const again = await ines.patch(two, location, offset, video.subarray(offset, offset + 8 * MB));
    const slowAnswer = await slow.done;
    console.log(`      the slow piece on instance one: ${slowAnswer}; the same piece on instance two: ${again.status}`);
    expect(again.status, 'the waiter: the protocol’s answer for a stale offset, or Locked').to.be.oneOf([409, 423]);
    expect(slowAnswer, 'the holder: stopped where it stood (or its connection closed)').to.be.oneOf(['204', 'ECONNRESET', 'EPIPE']);

    // The client asks where it stands and carries on, on whichever instance.
    const at = await ines.head(two, location);
    expect(at.offset).to.be.within(offset, offset + 8 * MB);
    expect(at.offset).to.equal(statSync(partial).size);
    offset = at.offset;

    // Two at once from the same offset, neither begun: one writes, the other waits for it and is answered
    // 409. (With a lock per process both would write, and both answer 204.)
    const pair = await Promise.all(instances.map((base) => ines.patch(base, location, offset, video.subarray(offset, offset + 8 * MB))));
    expect(pair.map((r) => r.status).sort(), JSON.stringify(pair.map((r) => r.text))).to.deep.equal([204, 409]);
    offset = pair.find((r) => r.status === 204)!.offset;
    expect(statSync(partial).size).to.equal(offset);

    while (video.length - offset > piece) {
      const sent = await ines.patch(offset % 2 ? one : two, location, offset, video.subarray(offset, offset + piece));
      expect(sent.status, sent.text).to.equal(204);
      offset = sent.offset;
    }

    // The last piece to both at once: one finishes it, the other waits and is answered 409.
    const last = video.subarray(offset);
    const both = await Promise.all([ines.patch(one, location, offset, last), ines.patch(two, location, offset, last)]);
    expect(both.map((r) => r.status).sort(), JSON.stringify(both.map((r) => r.text))).to.deep.equal([204, 409]);
    const finished = both.find((r) => r.status === 204)!;
    const rows = await deployment.db('media').where({ caption: 'Par deux serveurs' });
    expect(rows, 'one medium').to.have.length(1);
    expect(finished.location).to.equal(`/groups/${sadiola}/media/${rows[0].id}`);
    expect(rows[0].sha256).to.equal(sha256(video));
    expect(sha256(readFileSync(path.join(deployment.uploadDir, rows[0].stored_path)))).to.equal(sha256(video));
    // The loser's client asks where it stands: complete, and where it went.
    for (const base of instances) {
      const head = await ines.head(base, location);
      expect(head.status).to.equal(200);
      expect(head.offset).to.equal(video.length);
      expect(head.location).to.equal(finished.location);
    }
    expect(listFiles(path.join(deployment.uploadDir, 'tus'))).to.deep.equal([]);
    expect(await deployment.db('upload_locks').count({ n: '*' }).first().then((r) => Number(r!.n))).to.equal(0);
  });
});
