import { expect } from 'chai';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { LogTransport, SmtpTransport, type Transports } from '../../src/outbox/transports.js';
import { testDb } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';

const NOW = new Date('2026-12-03T21:30:00Z'); // quiet hours are for SMS: e-mail goes at any time
const policy = { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 };
const data = { name: 'Inès', code: 'KM7P-Q2XZ', link: 'https://tremplin.example.org/redeem?code=KM7P-Q2XZ', until: '17/12/2026', stop: '' };

describe('e-mail through SMTP, to a real SMTP server', () => {
  let sink: SmtpSink;
  let transports: Transports;
  beforeEach(async () => {
    await testDb()('outbox_messages').del();
    sink = await new SmtpSink().start();
    transports = { sms: new LogTransport('log'), email: new SmtpTransport(sink.url, 'Tremplin <no-reply@tremplin.example.org>') };
  });
  afterEach(async () => {
    await transports.email.close?.();
    await sink.stop();
  });

  it('sends the message in the recipient’s language, and the server received it as written', async () => {
    const fr = await enqueue(testDb(), { channel: 'email', address: 'ines@example.org', locale: 'fr', key: 'signInCode', data }, NOW);
    const en = await enqueue(testDb(), { channel: 'email', address: 'lucas@example.org', locale: 'en', key: 'signInCode', data: { ...data, name: 'Lucas' } }, NOW);
    await new Dispatcher(testDb(), transports, policy, () => undefined).runOnce(NOW);
    expect(sink.received).to.have.length(2);
    const toInes = sink.received.find((m) => m.to[0] === 'ines@example.org')!;
    expect(toInes.from).to.equal('no-reply@tremplin.example.org');
    expect(toInes.raw).to.match(/^Subject: Votre code Tremplin\r$/m);
    expect(toInes.raw).to.contain('KM7P-Q2XZ');
    expect(toInes.raw).to.match(new RegExp(`^Message-ID: <outbox-${fr.id}@tremplin\\.outbox>\\r$`, 'mi'));
    const toLucas = sink.received.find((m) => m.to[0] === 'lucas@example.org')!;
    expect(toLucas.raw).to.match(/^Subject: Your Tremplin code\r$/m);
    expect(toLucas.raw).to.contain('Hello Lucas');
    const rows = await testDb()('outbox_messages').whereIn('id', [fr.id, en.id]).orderBy('id');
    expect(rows.map((r) => r.status)).to.deep.equal(['sent', 'sent']);
    expect(rows[0].provider_id).to.equal(`<outbox-${fr.id}@tremplin.outbox>`);
    // The code left with the message; the queue does not keep it.
    expect(rows[0].data + rows[0].rendered).to.not.contain('KM7P-Q2XZ');
  });

  it('a server that answers "try again later" gets the message on the next try', async () => {
    sink.refuse(1);
    const { id } = await enqueue(testDb(), { channel: 'email', address: 'ines@example.org', locale: 'fr', key: 'signInCode', data }, NOW);
    const d = new Dispatcher(testDb(), transports, policy, () => undefined);
    await d.runOnce(NOW);
    expect(sink.received).to.have.length(0);
    expect(await testDb()('outbox_messages').where({ id }).first()).to.include({ status: 'queued', attempts: 1 });
    await d.runOnce(new Date(NOW.getTime() + 1000));
    expect(sink.received).to.have.length(1);
    expect((await testDb()('outbox_messages').where({ id }).first()).status).to.equal('sent');
  });
});
