import { expect } from 'chai';
import { createDb, type Db } from '../../src/db/knex.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { BrevoSms } from '../../src/outbox/brevo-sms.js';
import { claimDue, enqueue, optOut } from '../../src/outbox/outbox.js';
import { LogTransport, type Transports } from '../../src/outbox/transports.js';
import { testDatabase, testDb } from '../support/database.js';
import { FakeBrevo } from '../support/fake-brevo.js';
import { refusalOf } from '../support/refusal.js';

// 12:00 in Paris on a winter day: inside the hours when SMS may go.
const NOON = new Date('2026-12-03T11:00:00Z');
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const policy = { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 };
const quietLog = () => undefined;

async function queueSms(db: Db, n: number, now = NOON): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < n; i++) {
    const phone = `+336${String(10_000_000 + i).padStart(8, '0')}`;
    ids.push((await enqueue(db, { channel: 'sms', address: phone, locale: i % 2 ? 'en' : 'fr', key: 'signInCode', data: { name: 'Inès', code: `ABCD-${String(i).padStart(4, '0')}`, link: 'https://t.example/redeem', until: '17/12/2026', stop: 'https://t.example/sms/stop/x' } }, now)).id);
  }
  return ids;
}

const statusOf = async (id: number) => (await testDb()('outbox_messages').where({ id }).first()) as { status: string; attempts: number; next_try_at: string; provider_id: string | null; last_error: string | null; data: string; rendered: string | null };

describe('the outbox queue', function () {
  this.timeout(120_000);
  let brevo: FakeBrevo;
  let transports: Transports;

  beforeEach(async () => {
    await testDb()('sms_opt_outs').del();
    await testDb()('outbox_messages').del();
    brevo = await new FakeBrevo().start();
    transports = { sms: new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin'), email: new LogTransport('log') };
  });
  afterEach(async () => brevo.stop());

  it('two dispatchers, each with its own connections, racing over 200 messages: each goes out exactly once', async () => {
    const ids = await queueSms(testDb(), 200);
    // On PostgreSQL, two instances: two pools on the same database, as two servers would have. SQLite
    // serves one instance (README, "Several instances"): there the two dispatchers share its pool.
    const postgres = testDatabase().config.database.client === 'pg';
    const pools = postgres ? [createDb(testDatabase().config.database), createDb(testDatabase().config.database)] : [testDb(), testDb()];
    try {
      const dispatchers = pools.map((db) => new Dispatcher(db, transports, policy, quietLog, 10));
      const claimedBy = [0, 0];
      await Promise.all(dispatchers.map(async (d, i) => {
        for (let n = await d.runOnce(NOON); n > 0; n = await d.runOnce(NOON)) claimedBy[i]! += n;
      }));
      const tags = brevo.accepted.map((a) => a.tag);
      expect(brevo.sends()).to.have.length(200);
      expect(new Set(tags).size).to.equal(200);
      expect(new Set(tags)).to.deep.equal(new Set(ids.map((id) => `outbox-${id}`)));
      const rows = await testDb()('outbox_messages').select('status', 'attempts');
      expect(rows.every((r) => r.status === 'sent' && Number(r.attempts) === 1)).to.equal(true);
      // Both took part (otherwise the race proved nothing).
      expect(claimedBy[0]).to.be.greaterThan(0);
      expect(claimedBy[1]).to.be.greaterThan(0);
      expect(claimedBy[0]! + claimedBy[1]!).to.equal(200);
    } finally {
      if (postgres) await Promise.all(pools.map((p) => p.destroy()));
    }
  });

  it('retries a failing provider after 1 s, then 2 s, and sends once it answers', async () => {
    brevo.answer = (_req, n) => (n <= 2 ? { status: 503, body: { code: 'service_unavailable', message: 'Try later' } } : { status: 201, body: null });
    const [id] = await queueSms(testDb(), 1);
    const d = new Dispatcher(testDb(), transports, policy, quietLog);
    expect(await d.runOnce(NOON)).to.equal(1);
    let row = await statusOf(id!);
    expect(row).to.include({ status: 'queued', attempts: 1 });
    expect(row.next_try_at).to.equal(at(NOON, 1000).toISOString());
    expect(row.last_error).to.contain('503');
    expect(await d.runOnce(at(NOON, 999))).to.equal(0);
    expect(await d.runOnce(at(NOON, 1000))).to.equal(1);
    row = await statusOf(id!);
    expect(row).to.include({ status: 'queued', attempts: 2 });
    expect(row.next_try_at).to.equal(at(NOON, 3000).toISOString());
    expect(await d.runOnce(at(NOON, 2999))).to.equal(0);
    expect(await d.runOnce(at(NOON, 3000))).to.equal(1);
    row = await statusOf(id!);
    expect(row).to.include({ status: 'sent', attempts: 3, last_error: null });
    expect(brevo.sends()).to.have.length(3);
    expect(brevo.accepted).to.have.length(1);
    expect(row.provider_id).to.equal(String(brevo.accepted[0]!.messageId));
  });

  it('gives up after the last attempt, and at once when the provider says the request is wrong', async () => {
    brevo.answer = (req) => (String(req.body.recipient).endsWith('0') ? { status: 400, body: { code: 'invalid_parameter', message: 'Invalid phone number' } } : { status: 500, body: { code: 'internal', message: 'oops' } });
    const [wrong, failing] = await queueSms(testDb(), 2);
    const d = new Dispatcher(testDb(), transports, policy, quietLog);
    await d.runOnce(NOON);
    expect(await statusOf(wrong!)).to.include({ status: 'failed', attempts: 1 });
    for (const wait of [1000, 3000, 7000]) await d.runOnce(at(NOON, wait));
    const row = await statusOf(failing!);
    expect(row).to.include({ status: 'failed', attempts: 4 });
    expect(await d.runOnce(at(NOON, 3600_000))).to.equal(0);
  });

  it('sends no SMS between 20:00 and 08:00 Paris time: queued at 21:00, it leaves at 08:00', async () => {
    const nine = new Date('2026-12-03T20:00:00Z'); // 21:00 in Paris (UTC+1 in December)
    const [id] = await queueSms(testDb(), 1, nine);
    expect((await statusOf(id!)).next_try_at).to.equal('2026-12-04T07:00:00.000Z');
    const d = new Dispatcher(testDb(), transports, policy, quietLog);
    expect(await d.runOnce(new Date('2026-12-04T06:59:59Z'))).to.equal(0);
    expect(brevo.sends()).to.have.length(0);
    expect(await d.runOnce(new Date('2026-12-04T07:00:00Z'))).to.equal(1);
    expect(await statusOf(id!)).to.include({ status: 'sent', attempts: 1 });
  });

  it('a message due before 20:00 but reached after it waits for the morning, without counting an attempt', async () => {
    const [id] = await queueSms(testDb(), 1, new Date('2026-12-03T18:59:00Z'));
    const d = new Dispatcher(testDb(), transports, policy, quietLog);
    expect(await d.runOnce(new Date('2026-12-03T19:01:00Z'))).to.equal(1);
    expect(await statusOf(id!)).to.include({ status: 'queued', attempts: 0, next_try_at: '2026-12-04T07:00:00.000Z' });
    expect(brevo.sends()).to.have.length(0);
  });

  it('after STOP: nothing more is queued to the number, and what was waiting is cancelled', async () => {
    const [id] = await queueSms(testDb(), 1);
    const phone = (await testDb()('outbox_messages').where({ id }).first()).address;
    await optOut(testDb(), phone, 'stop_reply', id!);
    expect(await statusOf(id!)).to.include({ status: 'cancelled' });
    const refused = await refusalOf(enqueue(testDb(), { channel: 'sms', address: phone, locale: 'fr', key: 'signInCode', data: {} }, NOON));
    expect(refused.messageKey).to.equal('outbox.errors.optedOut');
    expect(await new Dispatcher(testDb(), transports, policy, quietLog).runOnce(NOON)).to.equal(0);
    expect(brevo.sends()).to.have.length(0);
  });

  it('a send cut off mid-way is taken again once its lease ends, and not sent twice when the provider had accepted it', async () => {
    const [accepted, lost] = await queueSms(testDb(), 2);
    // A dispatcher claims both and dies: the provider had taken the first one, the second never left.
    await claimDue(testDb(), 'dead-instance', 10, policy.leaseMs, NOON);
    brevo.accepted.push({ messageId: 42, tag: `outbox-${accepted}`, recipient: '33610000000', content: '…' });
    const d = new Dispatcher(testDb(), transports, policy, quietLog);
    expect(await d.runOnce(at(NOON, policy.leaseMs - 1))).to.equal(0);
    expect(await d.runOnce(at(NOON, policy.leaseMs + 1))).to.equal(2);
    expect(await statusOf(accepted!)).to.include({ status: 'sent', provider_id: '42', attempts: 2 });
    expect(await statusOf(lost!)).to.include({ status: 'sent', attempts: 2 });
    expect(brevo.sends().map((r) => r.body.tag)).to.deep.equal([`outbox-${lost}`]);
  });

  it('keeps the one-time code out of the queue once the provider has the message', async () => {
    const [id] = await queueSms(testDb(), 1);
    await new Dispatcher(testDb(), transports, policy, quietLog).runOnce(NOON);
    const row = await statusOf(id!);
    expect(brevo.accepted[0]!.content).to.contain('ABCD-0000');
    expect(row.data).to.not.contain('ABCD-0000');
    expect(row.rendered).to.not.contain('ABCD-0000');
    expect(row.rendered).to.contain('Tremplin : ton code est ••••');
  });
});
