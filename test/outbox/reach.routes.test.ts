import { expect } from 'chai';
import { appOnDemo, postForm, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { LogTransport } from '../../src/outbox/transports.js';

describe('reminders and the morning e-mail, through the pages', () => {
  let ids: DemoIds;
  let karim: Agent;
  let admin: Agent;
  let director: Agent;

  before(async () => {
    ({ ids, karim, admin, director } = await appOnDemo('karim', 'admin', 'director'));
  });

  describe('the account page: the morning e-mail, off by default', () => {
    it('shows the box unticked, ticks it, and the home page says it is on', async () => {
      const page = await karim.get('/account');
      expect(page.status).to.equal(200);
      expect(visibleText(page.text)).to.include('Recevoir chaque matin à 07:30 un e-mail de ce qui est à faire aujourd’hui').and.include('karim@tremplin.test');
      expect(page.text).to.match(/name="morningEmail" value="yes"[^>]*>/).and.not.match(/name="morningEmail"[^>]*checked/);
      expect(visibleText((await karim.get('/')).text)).to.include('Recevoir ces listes par e-mail chaque matin');

      const res = await postForm(karim, '/account', { morningEmail: 'yes' }, '/account');
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal('/account');
      expect((await testDb()('users').where({ id: ids.users.karim }).first('morning_email')).morning_email).to.be.oneOf([true, 1]);
      const after = await karim.get('/account');
      expect(visibleText(after.text)).to.include('C’est noté : l’e-mail du matin partira chaque jour à 07:30.');
      expect(after.text).to.match(/name="morningEmail"[^>]*checked/);
      expect(visibleText((await karim.get('/')).text)).to.include('E-mail du matin : activé');
      // Each their own: the director's account did not change.
      expect((await testDb()('users').where({ id: ids.users.director }).first('morning_email')).morning_email).to.be.oneOf([false, 0]);
    });

    it('unticking it stops it', async () => {
      await testDb()('users').where({ id: ids.users.director }).update({ morning_email: true });
      const res = await postForm(director, '/account', {}, '/account');
      expect(res.status).to.equal(303);
      expect((await testDb()('users').where({ id: ids.users.director }).first('morning_email')).morning_email).to.be.oneOf([false, 0]);
    });

    it('a forged value is refused on the page, with its message, and changes nothing', async () => {
      await testDb()('users').where({ id: ids.users.karim }).update({ morning_email: false });
      const res = await postForm(karim, '/account', { morningEmail: 'tous-les-jours' }, '/account');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cochez la case ou laissez-la vide.');
      expect((await testDb()('users').where({ id: ids.users.karim }).first('morning_email')).morning_email).to.be.oneOf([false, 0]);
    });
  });

  describe('what was sent, where the adults read it', () => {
    let youth: { enrolmentId: number; youthId: number; path: string };
    before(async () => {
      const row = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where('enrolments.group_id', ids.groups.sadiola).orderBy('enrolments.id').first('enrolments.id', 'youths.id as youth_id');
      youth = { enrolmentId: row.id, youthId: row.youth_id, path: `/groups/${ids.groups.sadiola}/youths/${row.id}` };
      await testDb()('outbox_messages').del();
      await enqueue(testDb(), { channel: 'sms', address: '+33612345678', locale: 'fr', key: 'meetingReminder', data: { name: 'Inès', date: '11/03', time: '18:30', link: 'x', stop: 'y' }, recipientYouthId: youth.youthId }, new Date('2031-03-10T10:00:00Z'));
      await enqueue(testDb(), { channel: 'email', address: 'karim@tremplin.test', locale: 'fr', key: 'morningEmail', data: { name: 'Karim', date: '3 déc.', items: 'Yanis Mebarki (Sadiola)', link: 'x', settings: 'y' }, recipientUserId: ids.users.karim }, new Date('2031-03-10T06:40:00Z'));
    });

    it('the youth’s file lists the messages sent to them: kind, channel, when, status', async () => {
      const text = visibleText((await karim.get(youth.path)).text);
      expect(text).to.include('Messages envoyés').and.match(/rappel de séance · SMS · 10 mars 2031 à \d\d:\d\d en attente/);
      expect(text).to.not.include('e-mail du matin');
    });

    it('/admin/outbox names each message’s kind, and shows no text of a morning e-mail (it names youths)', async () => {
      // Sent by the log transport, which keeps the text it shows (nothing else reads it).
      await new Dispatcher(testDb(), { sms: new LogTransport('log'), email: new LogTransport('log') }, { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 }, () => undefined)
        .runOnce(new Date('2031-03-10T10:00:00Z'));
      const row = await testDb()('outbox_messages').where({ message_key: 'morningEmail' }).first();
      expect(row).to.include({ status: 'sent' });
      expect(row.rendered).to.include('Yanis Mebarki');
      const text = visibleText((await admin.get('/admin/outbox')).text);
      expect(text).to.include('rappel de séance · SMS').and.include('e-mail du matin · e-mail · karim@tremplin.test');
      expect(text).to.include('Texte réservé à son destinataire');
      expect(text).to.not.include('Yanis Mebarki');
    });
  });
});
