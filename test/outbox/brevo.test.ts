import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import { BrevoSms } from '../../src/outbox/brevo-sms.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { enqueue, optOutOf } from '../../src/outbox/outbox.js';
import { LogTransport, TransportError } from '../../src/outbox/transports.js';
import { testDatabase, testDb } from '../support/database.js';
import { FakeBrevo } from '../support/fake-brevo.js';

const NOON = new Date('2026-12-03T11:00:00Z');
const TOKEN = 'brevo-webhook-token-for-tests';
const policy = { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 };

describe('SMS through Brevo', () => {
  let brevo: FakeBrevo;
  beforeEach(async () => {
    await testDb()('sms_opt_outs').del();
    await testDb()('outbox_messages').del();
    brevo = await new FakeBrevo().start();
  });
  afterEach(async () => brevo.stop());

  describe('the adapter, against a server answering as Brevo documents', () => {
    it('posts the documented request: api-key header, JSON, number without "+", transactional, the outbox id as tag', async () => {
      const sms = new BrevoSms(brevo.url, brevo.apiKey, 'MLDouaisis');
      const id = await sms.send({ outboxId: 7, address: '+33612345678', subject: null, text: 'Tremplin : ton code est ABCD-EFGH.' });
      const [req] = brevo.sends();
      expect(req!.apiKey).to.equal(brevo.apiKey);
      expect(req!.contentType).to.equal('application/json');
      expect(req!.body).to.deep.equal({ sender: 'MLDouaisis', recipient: '33612345678', content: 'Tremplin : ton code est ABCD-EFGH.', type: 'transactional', tag: 'outbox-7', unicodeEnabled: false });
      expect(id).to.equal(String(brevo.accepted[0]!.messageId));
    });

    it('signs with the structure’s sender name when the message carries one', async () => {
      await new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin').send({ outboxId: 13, address: '+33612345678', subject: null, text: 'x', sender: 'ML Douaisis' });
      expect(brevo.sends()[0]!.body.sender).to.equal('ML Douaisis');
    });

    it('asks for unicode when the text needs UCS-2', async () => {
      await new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin').send({ outboxId: 8, address: '+33612345678', subject: null, text: 'Fenêtre' });
      expect(brevo.sends()[0]!.body.unicodeEnabled).to.equal(true);
    });

    it('takes 400 as final, a wrong key, no credits, 429 and 5xx as worth another try', async () => {
      const sms = new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin');
      const outcome = async (status: number) => {
        brevo.answer = () => ({ status, body: { code: 'x', message: `answer ${status}` } });
        try {
          await sms.send({ outboxId: 9, address: '+33612345678', subject: null, text: 'x' });
          return 'sent';
        } catch (err) {
          expect(err).to.be.instanceOf(TransportError);
          return (err as TransportError).permanent ? 'final' : 'retry';
        }
      };
      expect(await outcome(400)).to.equal('final');
      for (const status of [402, 429, 500, 503]) expect(await outcome(status), String(status)).to.equal('retry');
      const wrongKey = new BrevoSms(brevo.url, 'not-the-key', 'Tremplin');
      const err = await wrongKey.send({ outboxId: 10, address: '+33612345678', subject: null, text: 'x' }).catch((e: TransportError) => e);
      expect((err as TransportError).message).to.contain('401');
      expect((err as TransportError).permanent).to.equal(false);
    });

    it('finds by its tag a message Brevo accepted, and only that one', async () => {
      const sms = new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin');
      const providerId = await sms.send({ outboxId: 11, address: '+33612345678', subject: null, text: 'x' });
      expect(await sms.findAccepted({ outboxId: 11, address: '+33612345678', subject: null, text: 'x' })).to.equal(providerId);
      expect(await sms.findAccepted({ outboxId: 12, address: '+33612345678', subject: null, text: 'x' })).to.equal(null);
    });
  });

  describe('POST /webhooks/brevo/sms', () => {
    const app = () => createApp({ config: { ...testDatabase().config, outbox: { ...testDatabase().config.outbox, webhookToken: TOKEN } }, db: testDb(), log: () => undefined });

    async function sentMessage(): Promise<{ id: number; providerId: string }> {
      const { id } = await enqueue(testDb(), { channel: 'sms', address: '+33612345678', locale: 'fr', key: 'signInCode', data: { code: 'ABCD-EFGH', link: 'l', until: 'u', stop: 's', name: 'n' } }, NOON);
      await new Dispatcher(testDb(), { sms: new BrevoSms(brevo.url, brevo.apiKey, 'Tremplin'), email: new LogTransport('log') }, policy, () => undefined).runOnce(NOON);
      return { id, providerId: String(brevo.accepted[0]!.messageId) };
    }
    // The documented shape of a transactional SMS event (Brevo, "Transactional webhooks", SMS).
    const event = (messageId: string, msgStatus: string, extra: Record<string, unknown> = {}) => ({
      id: 26570, to: '33612345678', sms_count: 1, credits_used: 1.5, messageId: Number(messageId), remaining_credit: 11488.845,
      msg_status: msgStatus, date: '2026-12-03 12:00:05', type: 'transactional', reference: 'ab1cde2fgh3i4jklmno', tag: 'outbox-1', ...extra,
    });

    it('refuses a call without the token, or with another', async () => {
      const { providerId } = await sentMessage();
      await request(app()).post('/webhooks/brevo/sms').send(event(providerId, 'delivered')).expect(401);
      await request(app()).post('/webhooks/brevo/sms').set('authorization', 'Bearer not-the-token-at-all!!').send(event(providerId, 'delivered')).expect(401);
      expect((await testDb()('outbox_messages').first()).status).to.equal('sent');
    });

    it('is not there at all when no token is configured', async () => {
      await request(createApp({ config: testDatabase().config, db: testDb(), log: () => undefined })).post('/webhooks/brevo/sms').send({}).expect(404);
    });

    it('marks the message delivered on the receipt, with the bearer token or as Basic user:token', async () => {
      const { id, providerId } = await sentMessage();
      await request(app()).post('/webhooks/brevo/sms').set('authorization', `Bearer ${TOKEN}`).send(event(providerId, 'delivered')).expect(200);
      const row = await testDb()('outbox_messages').where({ id }).first();
      expect(row.status).to.equal('delivered');
      expect(row.delivered_at).to.be.a('string');
      await request(app()).post('/webhooks/brevo/sms').set('authorization', `Basic ${Buffer.from(`brevo:${TOKEN}`).toString('base64')}`).send(event(providerId, 'sent')).expect(200);
      expect((await testDb()('outbox_messages').where({ id }).first()).status).to.equal('delivered');
    });

    it('marks it failed on a hard bounce', async () => {
      const { id, providerId } = await sentMessage();
      await request(app()).post('/webhooks/brevo/sms').set('authorization', `Bearer ${TOKEN}`).send(event(providerId, 'hard_bounce')).expect(200);
      expect(await testDb()('outbox_messages').where({ id }).first()).to.include({ status: 'failed', last_error: 'Brevo: hard_bounce' });
    });

    it('a STOP answered to the SMS stops the number', async () => {
      const { providerId } = await sentMessage();
      await request(app()).post('/webhooks/brevo/sms').set('authorization', `Bearer ${TOKEN}`).send(event(providerId, 'replied', { reply: 'Stop' })).expect(200);
      expect(await optOutOf(testDb(), '+33612345678')).to.include({ source: 'stop_reply' });
    });

    it('another answer stops nothing', async () => {
      const { providerId } = await sentMessage();
      await request(app()).post('/webhooks/brevo/sms').set('authorization', `Bearer ${TOKEN}`).send(event(providerId, 'replied', { reply: 'Merci, c’est bon' })).expect(200);
      expect(await optOutOf(testDb(), '+33612345678')).to.equal(undefined);
    });
  });
});
