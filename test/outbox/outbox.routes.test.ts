import { expect } from 'chai';
import type { Express } from 'express';
import request from 'supertest';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { findRedeemable } from '../../src/auth/one-time-code.js';
import { Dispatcher } from '../../src/outbox/dispatcher.js';
import { LogTransport } from '../../src/outbox/transports.js';
import { createAccount } from '../../src/users/user.js';

const policy = { leaseMs: 30_000, retryBaseMs: 1000, maxAttempts: 4, pollMs: 50 };

describe('messages, through the pages', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let admin: Agent;
  let file: { enrolmentId: number; youthId: number; path: string };

  before(async () => {
    ({ ids, app, karim, admin } = await appOnDemo('karim', 'admin'));
    // A youth of Sadiola with no account yet, with a mobile typed the French way.
    const row = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
      .where('enrolments.group_id', ids.groups.sadiola).whereNull('youths.user_id').orderBy('enrolments.id').first('enrolments.id', 'youths.id as youth_id');
    file = { enrolmentId: row.id, youthId: row.youth_id, path: `/groups/${ids.groups.sadiola}/youths/${row.id}` };
  });
  beforeEach(async () => {
    await testDb()('sms_opt_outs').del();
    await testDb()('outbox_messages').del();
  });

  const setPhone = (phone: string | null) => testDb()('youths').where({ id: file.youthId }).update({ phone });

  it('the youth’s form stores "06 12 34 56 78" in E.164 and shows it back the French way', async () => {
    const current = await testDb()('youths').where({ id: file.youthId }).first();
    const res = await postForm(karim, file.path, {
      firstName: current.first_name, lastName: current.last_name, birthDate: current.birth_date, phone: '06 12 34 56 78', departing: 'yes',
    }, `${file.path}/edit`);
    expect(res.status).to.equal(303);
    expect((await testDb()('youths').where({ id: file.youthId }).first()).phone).to.equal('+33612345678');
    expect(visibleText((await karim.get(file.path)).text)).to.include('06 12 34 56 78');
  });

  it('POST …/account/sms: the lead texts the one-time code instead of the sheet, and the code in the SMS opens the account', async () => {
    await setPhone('+33612345678');
    await testDb()('structures').where({ id: ids.structures['Mission locale du Douaisis'] }).update({ sms_sender: 'ML Douaisis' });
    expect(visibleText((await karim.get(file.path)).text)).to.include('Envoyer le code par SMS');
    const res = await postForm(karim, `${file.path}/account/sms`, {}, file.path);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.equal(file.path);
    const page = visibleText((await karim.get(file.path)).text);
    expect(page).to.match(/Le code partira par SMS au 06 12 34 56 78/);
    const message = await testDb()('outbox_messages').first();
    expect(message).to.include({ channel: 'sms', address: '+33612345678', message_key: 'signInCode', status: 'queued', created_by: ids.users.karim, recipient_youth_id: file.youthId });
    const data = JSON.parse(message.data);
    const account = await findRedeemable(testDb(), data.code);
    expect(account?.id).to.equal((await testDb()('youths').where({ id: file.youthId }).first()).user_id);
    expect(data.link).to.match(/\/redeem\?code=/);
    // Signed with the structure's own sender name (its settings page).
    expect(data.sender).to.equal('ML Douaisis');
    expect(data.stop).to.match(new RegExp(`/sms/stop/${message.stop_token}$`));

    // With the log transport the admin page is where it is read. The page queued it at the real time, held
    // until 08:00 if that was at night: the dispatcher runs when it falls due.
    const due = new Date(Math.max(Date.now(), Date.parse(message.next_try_at)));
    await new Dispatcher(testDb(), { sms: new LogTransport('log'), email: new LogTransport('log') }, policy, () => undefined).runOnce(due);
    const outbox = visibleText((await admin.get('/admin/outbox')).text);
    expect(outbox).to.include('SMS · 06 12 34 56 78').and.include('envoyé').and.include(`Tremplin : ton code est ${data.code}`);
  });

  it('without a valid mobile on the file, no SMS: the page says to give the sheet', async () => {
    await setPhone('03 27 00 00 00');
    expect(visibleText((await karim.get(file.path)).text)).to.include('Pas de numéro de portable valide sur sa fiche');
    const res = await postForm(karim, `${file.path}/account/sms`, {}, file.path);
    expect(res.status).to.equal(303);
    expect(await testDb()('outbox_messages').first()).to.equal(undefined);
  });

  it('the link in the SMS stops the texts, and the worker sees "ne reçoit plus de SMS" on the youth’s page', async () => {
    await setPhone('+33612345678');
    await postForm(karim, `${file.path}/account/sms`, {}, file.path);
    const { stop_token: token } = await testDb()('outbox_messages').first('stop_token');
    // The phone that got the SMS is not signed in.
    const visitor = request.agent(app);
    const ask = await visitor.get(`/sms/stop/${token}`);
    expect(ask.status).to.equal(200);
    expect(visibleText(ask.text)).to.include('Ne plus recevoir de SMS de Tremplin au 06 12 34 56 78 ?');
    const done = await postForm(visitor, `/sms/stop/${token}`, {}, `/sms/stop/${token}`);
    expect(visibleText(done.text)).to.include('plus aucun SMS de Tremplin à ce numéro');
    expect((await testDb()('outbox_messages').first()).status).to.equal('cancelled');

    const page = visibleText((await karim.get(file.path)).text);
    expect(page).to.include('ne reçoit plus de SMS').and.include('lien dans un SMS');
    expect(page).to.not.include('Envoyer le code par SMS');
    await postForm(karim, `${file.path}/account/sms`, {}, file.path);
    expect(visibleText((await karim.get(file.path)).text)).to.include('Ce numéro ne reçoit plus de SMS');
    expect(await testDb()('outbox_messages').select('id')).to.have.length(1);
  });

  it('an unknown opt-out link is a 404', async () => {
    expect((await karim.get('/sms/stop/not-a-token')).status).to.equal(404);
  });

  it('GET /admin/outbox lists the structure’s messages only', async () => {
    await setPhone('+33612345678');
    await postForm(karim, `${file.path}/account/sms`, {}, file.path);
    expect(visibleText((await admin.get('/admin/outbox')).text)).to.include('06 12 34 56 78').and.include('en attente');
    const otherAdmin = { email: 'admin.mjc.outbox@tremplin.test', password: 'admin-mjc-outbox-1' };
    await createAccount(testDb(), { role: 'admin', displayName: 'Admin MJC', ...otherAdmin }, { structureId: ids.structures["MJC d'Halluin"] });
    const mjc = await signIn(app, otherAdmin.email, otherAdmin.password);
    const theirs = visibleText((await mjc.get('/admin/outbox')).text);
    expect(theirs).to.include('Aucun message.').and.not.include('06 12 34 56 78');
  });
});
