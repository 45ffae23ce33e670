import { expect } from 'chai';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { inMorningWindow, sendMorningEmails } from '../../src/outbox/morning-email.js';
import { localNow } from '../../src/meetings/meeting.js';
import { LogTransport, SmtpTransport, type Transports } from '../../src/outbox/transports.js';
import { buildApp } from '../support/http.js';
import { createAccount } from '../../src/users/user.js';
import { resetToDemo, testDb } from '../support/database.js';
import { readMail, SmtpSink } from '../support/smtp-sink.js';

const SITE = 'https://tremplin.example.org';
const dispatchPolicy = { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 };

/** Today at this Paris wall-clock time (the home page's lists are today's, so the test runs today). */
function parisToday(hhmm: string): Date {
  const today = localNow().slice(0, 10);
  for (const offset of [1, 2]) {
    const [h, m] = hhmm.split(':').map(Number);
    const candidate = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1, Number(today.slice(8, 10)), h! - offset, m));
    if (localNow(candidate) === `${today}T${hhmm}`) return candidate;
  }
  throw new Error('no such time in Paris today');
}

describe('the morning e-mail to workers and directors, through a real SMTP server', () => {
  let ids: DemoIds;
  let sink: SmtpSink;
  let transports: Transports;
  const policy = { publicUrl: SITE, at: '07:30' };

  beforeEach(async () => {
    ids = await resetToDemo();
    buildApp(); // the app's catalogue, which the e-mail is written from
    sink = await new SmtpSink().start();
    transports = { sms: new LogTransport('log'), email: new SmtpTransport(sink.url, 'Tremplin <no-reply@tremplin.example.org>') };
    const today = localNow().slice(0, 10);
    // A session today in a group of each structure: Karim's Sadiola (mission locale), Élodie's Kawara (MJC).
    for (const group of [ids.groups.sadiola, ids.groups.kawara]) {
      await testDb()('meetings').insert({ group_id: group, starts_at: `${today}T23:50`, duration_minutes: 60, type: 'preparation', phase: 'preparation', created_at: new Date().toISOString() });
    }
  });
  afterEach(async () => {
    await transports.email.close?.();
    await sink.stop();
  });

  const dispatch = (now: Date) => new Dispatcher(testDb(), transports, dispatchPolicy, () => undefined).runOnce(now);

  it('is off by default: nobody gets it until they ask', async () => {
    expect(await testDb()('users').where({ morning_email: true }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
    expect(await sendMorningEmails(testDb(), policy, parisToday('07:40'))).to.equal(0);
    await dispatch(parisToday('07:40'));
    expect(sink.received).to.have.length(0);
  });

  it('sends each account that asked its own home page’s lists for today, once; a worker gets no other structure’s youths', async () => {
    await testDb()('users').whereIn('id', [ids.users.karim, ids.users.directorMjc]).update({ morning_email: true });
    const now = parisToday('07:40');
    expect(await sendMorningEmails(testDb(), policy, now)).to.equal(2);
    expect(await sendMorningEmails(testDb(), policy, parisToday('08:10')), 'a second pass that morning').to.equal(0);
    await dispatch(now);
    expect(sink.received.map((m) => m.to[0]).sort()).to.deep.equal(['direction.mjc@tremplin.test', 'karim@tremplin.test']);

    const karim = readMail(sink.received.find((m) => m.to[0] === 'karim@tremplin.test')!);
    const year = localNow(now).slice(0, 4);
    expect(karim.subject).to.match(new RegExp(`^À faire aujourd’hui, \\d{1,2} \\S+ ${year} \\(Tremplin\\)$`));
    expect(karim.text).to.include('Bonjour Karim Benali');
    expect(karim.text).to.match(/Séances du jour \(\d+\)/).and.include('- Rencontre des jeunes de Sadiola : ').and.include(' à 23:50');
    expect(karim.text).to.include(`${SITE}/account`);
    // Nothing of the MJC: neither its groups nor its youths.
    for (const other of ['Kawara', 'Bafou', 'Maroc', 'Fournier', 'Vermeersch', 'Lambert']) expect(karim.text, other).to.not.include(other);

    const director = readMail(sink.received.find((m) => m.to[0] === 'direction.mjc@tremplin.test')!);
    for (const other of ['Sadiola', 'Dispensaire', 'Dufour']) expect(director.text, other).to.not.include(other);

    // The list left with the e-mail: the queue keeps none of its names.
    const row = await testDb()('outbox_messages').where({ message_key: 'morningEmail', recipient_user_id: ids.users.karim }).first();
    expect(row.status).to.equal('sent');
    expect(row.data + row.rendered).to.not.include('Sadiola');
  });

  it('leaves at the set hour and not before, nor in the afternoon; the next day it goes again', async () => {
    await testDb()('users').where({ id: ids.users.karim }).update({ morning_email: true });
    expect(await sendMorningEmails(testDb(), policy, parisToday('07:20'))).to.equal(0);
    expect(await sendMorningEmails(testDb(), policy, parisToday('14:00'))).to.equal(0);
    expect(await sendMorningEmails(testDb(), policy, parisToday('07:30'))).to.equal(1);
    expect(inMorningWindow('07:30', new Date(parisToday('07:30').getTime() + 86_400_000))).to.equal(true);
    expect(await testDb()('morning_emails').where({ user_id: ids.users.karim }).select('day')).to.have.length(1);
  });

  it('an account with nothing due today gets no e-mail, and the day is settled all the same', async () => {
    // A worker who leads no group yet: their home page lists nothing.
    const { id } = await createAccount(testDb(), { role: 'worker', displayName: 'Nouvelle Recrue', email: 'recrue@tremplin.test', password: 'mot-de-passe-recrue' }, { structureId: ids.structures['Mission locale du Douaisis'] });
    await testDb()('users').whereIn('id', [id, ids.users.karim]).update({ morning_email: true });
    expect(await sendMorningEmails(testDb(), policy, parisToday('07:40'))).to.equal(1);
    await dispatch(parisToday('07:40'));
    expect(sink.received.map((m) => m.to[0])).to.deep.equal(['karim@tremplin.test']);
    expect(await testDb()('morning_emails').where({ user_id: id }).first('message_id')).to.deep.equal({ message_id: null });
  });
});
