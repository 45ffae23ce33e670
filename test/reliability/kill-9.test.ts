import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import type { Config } from '../../src/config.js';
import type { Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { testDatabase } from '../support/database.js';
import { holdInsert } from '../support/hold-insert.js';
import { BrowserSession, kill9, ScratchDeployment, until } from '../support/processes.js';
import { makeMp4, requireFfmpeg, scratchDir } from '../media/fixtures.js';

function filesUnder(dir: string, prefix = ''): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    return e.isDirectory() ? filesUnder(dir, rel) : [rel];
  });
}

/**
 * The real server (src/server.ts) in a child process, on a database and an upload folder of its own, killed
 * with SIGKILL at the worst moments and started again.
 */
describe('kill -9 of the server, then a restart', function () {
  this.timeout(180_000);
  let deployment: ScratchDeployment;
  let database: Config['database'];
  let uploadDir: string;
  let db: Db;
  let child: ChildProcess | undefined;

  before(async () => {
    deployment = await ScratchDeployment.create(testDatabase().config.database, 'tremplin_kill9');
    ({ child } = await deployment.start());
    ({ database, uploadDir, db } = deployment);
  });
  after(() => deployment?.close());

  async function restart(): Promise<BrowserSession> {
    if (child) await kill9(child);
    const server = await deployment.start();
    child = server.child;
    return new BrowserSession(server.base);
  }

  it('mid-upload: after the restart no file is left, temporary or not, and there is no row', async () => {
    const session = await restart();
    await session.signIn('ines.d', DEMO_PASSWORD);
    const sadiola = (await db('groups').where({ name: 'Rencontre des jeunes de Sadiola' }).first()).id;
    const { token } = await session.get(`/groups/${sadiola}/media/new`);
    const mediaBefore = Number((await db('media').count({ n: '*' }))[0]!.n);
    const filesBefore = filesUnder(uploadDir);

    const boundary = `----kill9${Date.now()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="moment"\r\n\r\nbefore\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nTuée en route\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="grosse.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const announced = 500 * 1024 * 1024;
    const url = new URL(`${session.base}/groups/${sadiola}/media?_csrf=${encodeURIComponent(token!)}`);
    const req = http.request({
      host: url.hostname, port: url.port, method: 'POST', path: url.pathname + url.search,
      headers: { cookie: session.header(), 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + announced) },
    });
    const ended = new Promise<string>((resolve) => {
      req.on('response', (res) => resolve(String(res.statusCode)));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    req.write(head);
    let sent = 0;
    const chunk = Buffer.alloc(256 * 1024, 7);
    const pump = (async () => {
      while (sent < announced && !req.destroyed) {
        if (!req.write(chunk)) {
          await new Promise<void>((resolve) => {
            const done = () => {
              req.off('drain', done);
              req.off('close', done);
              resolve();
            };
            req.on('drain', done);
            req.on('close', done);
          });
        }
        sent += chunk.length;
      }
    })();
    const partial = await until('a temporary file of more than 4 MB', () => {
      const tmpFiles = filesUnder(uploadDir).filter((f) => f.startsWith('tmp/'));
      return tmpFiles.length === 1 ? tmpFiles[0]! : '';
    }, (f) => f !== '' && sizeOf(path.join(uploadDir, f)) > 4 * 1024 * 1024);
    const sizeAtKill = sizeOf(path.join(uploadDir, partial));
    await kill9(child!);
    expect(await ended).to.be.oneOf(['ECONNRESET', 'EPIPE']);
    req.destroy();
    await pump.catch(() => undefined);
    // What the killed process left: its half file, which nothing could remove (no handler runs on SIGKILL).
    expect(filesUnder(uploadDir)).to.include(partial);

    const restarted = await restart();
    expect(filesUnder(uploadDir)).to.deep.equal(filesBefore);
    expect(Number((await db('media').count({ n: '*' }))[0]!.n)).to.equal(mediaBefore);
    expect(await db('media').where({ caption: 'Tuée en route' }).first()).to.equal(undefined);
    await restarted.signIn('ines.d', DEMO_PASSWORD);
    expect((await restarted.get(`/groups/${sadiola}/media/new`)).status).to.equal(200);
    console.log(`      killed with ${(sizeAtKill / 1024 / 1024).toFixed(1)} MB of a 500 MB upload written to ${partial}; removed at restart`);
  });

  it('between the move of a video to its place and its row: after the restart no file is without its row', async () => {
    requireFfmpeg();
    const session = await restart();
    await session.signIn('ines.d', DEMO_PASSWORD);
    const sadiola = (await db('groups').where({ name: 'Rencontre des jeunes de Sadiola' }).first()).id;
    const { token } = await session.get(`/groups/${sadiola}/media/new`);
    const filesBefore = filesUnder(uploadDir);
    const form = new FormData();
    form.set('moment', 'during');
    form.set('caption', 'Tuée avant sa ligne');
    form.set('file', new Blob([readFileSync(makeMp4(scratchDir(), 'avant-sa-ligne.mp4', { seconds: 2 }))], { type: 'video/mp4' }), 'retour.mp4');
    // The file is moved, probed and given its thumbnail, then its row is written: held there, and killed.
    const hold = await holdInsert(database, 'media');
    const sent = fetch(`${session.base}/groups/${sadiola}/media?_csrf=${encodeURIComponent(token!)}`, {
      method: 'POST', redirect: 'manual', headers: { cookie: session.header() }, body: form,
    }).then((r) => String(r.status), (e: Error) => (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message);
    await hold.untilServerWaits();
    await kill9(child!);
    expect(await sent).not.to.match(/^[23]\d\d$/);
    await hold.release();
    const left = filesUnder(uploadDir).filter((f) => !filesBefore.includes(f));
    // What the killed process left: the video in its place, its thumbnail, and the note naming the video.
    expect(left.filter((f) => f.startsWith('media/')), 'the video and its thumbnail, in place').to.have.length(2);
    expect(left.filter((f) => f.endsWith('.keeping'))).to.have.length(2);
    // SQLite: the insert died with the process. PostgreSQL carries out a statement it was sent even once its
    // client is gone: the row may be there then, with its files.
    const rows = await db('media').where({ caption: 'Tuée avant sa ligne' });
    if (database.client === 'sqlite3') expect(rows).to.deep.equal([]);

    await restart();
    const kept = rows.flatMap((r: { stored_path: string; thumbnail_path: string | null }) => [r.stored_path, r.thumbnail_path].filter(Boolean));
    expect(filesUnder(uploadDir).filter((f) => !filesBefore.includes(f)).sort(), 'no file without its row, no note left').to.deep.equal(kept.sort());
    expect(await db('media').where({ caption: 'Tuée avant sa ligne' })).to.have.length(rows.length);
  });

  it('mid-phase-change, after its first write: the group is in its old phase with no record of a move, and can move again', async () => {
    let session = await restart();
    await session.signIn(DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
    const group = await db('groups').where({ name: 'Construire parasismique en Algérie' }).first();
    expect(group.phase).to.equal('return');
    const transitionsBefore = Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n);
    const followUps = async () => Number((await db('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', group.id).count({ n: '*' }))[0]!.n);
    const followUpsBefore = await followUps();
    const pageOfGroup = `/groups/${group.id}`;
    await session.get(pageOfGroup);

    // The server's transaction first moves the group (UPDATE groups), then records the move (INSERT INTO
    // phase_transitions). The test holds that second statement up from outside, sees the first one done
    // and the transaction still open, and kills the server there.
    const hold = await holdInsert(database, 'phase_transitions', 'groups');
    const move = session.post(`/groups/${group.id}/transitions`, { to: 'restitution', note: '' }, pageOfGroup).then(
      (r) => String(r.status),
      (e: Error) => (e.cause as NodeJS.ErrnoException | undefined)?.code ?? e.message,
    );
    await hold.untilServerWaits();
    await kill9(child!);
    expect(await move).not.to.match(/^[23]\d\d$/);
    await hold.release();

    session = await restart();
    const after = await db('groups').where({ id: group.id }).first();
    expect(after.phase).to.equal('return');
    expect(Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n)).to.equal(transitionsBefore);
    expect(await followUps()).to.equal(followUpsBefore);
    if (database.client === 'sqlite3') expect((await db.raw('PRAGMA integrity_check'))[0].integrity_check).to.equal('ok');

    await session.signIn(DEMO_ACCOUNTS.karim.email, DEMO_PASSWORD);
    const again = await session.post(`/groups/${group.id}/transitions`, { to: 'restitution', note: '' }, pageOfGroup);
    expect(again.status, again.text.slice(0, 300)).to.equal(303);
    expect((await db('groups').where({ id: group.id }).first()).phase).to.equal('restitution');
    expect(Number((await db('phase_transitions').where({ group_id: group.id }).count({ n: '*' }))[0]!.n)).to.equal(transitionsBefore + 1);
  });
});

function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
