import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { testDatabase } from '../support/database.js';
import { FakeBrevo } from '../support/fake-brevo.js';
import { envFor, kill9, scratchDatabase, until } from '../support/processes.js';

const NOON = new Date('2026-12-03T11:00:00Z').getTime();

/**
 * The dispatcher in a child process on a database of its own, sending SMS to a local server answering as
 * Brevo; killed with SIGKILL while every send is under way, then started again.
 */
describe('kill -9 of the dispatcher mid-send, then a restart', function () {
  this.timeout(120_000);
  let tmp: string;
  let database: Config['database'];
  let db: Db;
  let drop: () => Promise<void>;
  let brevo: FakeBrevo;
  let child: ChildProcess | undefined;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-outbox-kill9-'));
    ({ database, drop } = await scratchDatabase(testDatabase().config.database, 'tremplin_outbox_kill9', path.join(tmp, 'outbox.sqlite')));
    db = createDb(database);
    await migrateLatest(db);
    brevo = await new FakeBrevo().start();
  });
  after(async () => {
    if (child) await kill9(child);
    await brevo.stop();
    await db.destroy();
    await drop();
    rmSync(tmp, { recursive: true, force: true });
  });

  function startDispatcher(): Promise<ChildProcess> {
    const env = envFor(database, {
      SMS_PROVIDER: 'brevo', BREVO_API_KEY: brevo.apiKey, BREVO_API_URL: brevo.url, OUTBOX_LEASE_SECONDS: '2', OUTBOX_POLL_MS: '100',
      DISPATCH_CLOCK_FROM: String(NOON), DISPATCH_CLOCK_STARTED: String(clockStarted),
    });
    const started = spawn(process.execPath, ['--import', 'tsx', 'test/outbox/dispatcher-process.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let out = '';
      started.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('dispatching')) resolve(started);
      });
      started.stderr!.on('data', (c: Buffer) => (out += c.toString()));
      started.once('exit', (code) => reject(new Error(`dispatcher exited with ${code}: ${out}`)));
    });
  }
  let clockStarted = Date.now();

  it('sends again only what the provider had not accepted: no message lost, none sent twice', async () => {
    clockStarted = Date.now();
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push((await enqueue(db, { channel: 'sms', address: `+3361000000${i}`, locale: 'fr', key: 'signInCode', data: { name: 'x', code: `CODE-000${i}`, link: 'l', until: 'u', stop: 's' } }, new Date(NOON))).id);
    }
    const lostTag = `outbox-${ids[3]}`;
    // Brevo takes the first three and its answers never come back; the fourth request reaches nothing.
    brevo.hold = true;
    brevo.answer = (req) => (req.body.tag === lostTag ? { status: 0, body: null } : { status: 201, body: null });
    child = await startDispatcher();
    await until('sends under way', () => brevo.sends().length, (n) => n === 4);
    await kill9(child);
    const rows = await db('outbox_messages').orderBy('id');
    expect(rows.map((r) => r.status)).to.deep.equal(['sending', 'sending', 'sending', 'sending']);
    expect(brevo.accepted).to.have.length(3);

    brevo.hold = false;
    brevo.answer = () => ({ status: 201, body: null });
    child = await startDispatcher();
    await until('messages not yet sent', async () => (await db('outbox_messages').whereNot({ status: 'sent' }).select('id')).length, (n) => n === 0);

    const tags = brevo.accepted.map((a) => a.tag);
    expect(tags.sort()).to.deep.equal(ids.map((id) => `outbox-${id}`).sort());
    // The one that never reached Brevo was posted again; the three Brevo had were found by their tag.
    expect(brevo.sends().map((r) => r.body.tag).filter((t) => t !== lostTag)).to.have.length(3);
    expect(brevo.sends().filter((r) => r.body.tag === lostTag)).to.have.length(2);
    const after = await db('outbox_messages').orderBy('id');
    for (const row of after) {
      const accepted = brevo.accepted.find((a) => a.tag === `outbox-${row.id}`)!;
      expect(row.provider_id).to.equal(String(accepted.messageId));
      expect(Number(row.attempts)).to.equal(2);
    }
  });
});
