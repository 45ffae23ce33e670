import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { appOnDemo, buildApp, csrfFrom, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { DEMO_LOGINS } from '../support/accounts.js';
import { testDatabase, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { render } from '../../src/outbox/templates.js';
import { smsLength } from '../../src/outbox/sms-rules.js';
import { PARENT_TEXT_VERSION } from '../../src/parent-consent/parent-consent.js';
import { minorWithPhoto, newParentLink } from './fixtures.js';
import request from 'supertest';
import type { Express } from 'express';

describe('parents of minors consent online', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let mamadou: { enrolmentId: number; youthId: number; mediumId: number };
  const workerPage = () => `/groups/${ids.groups.sadiola}/youths/${mamadou.enrolmentId}/parent-consent`;
  const mediumPage = () => `/groups/${ids.groups.sadiola}/media/${mamadou.mediumId}`;
  const CLOSED = 'Ce lien ne marche pas ou ne marche plus.';

  /** The worker sends a link by SMS; the path of the link, as the parent's phone reads it in the text. */
  async function sendLink(): Promise<string> {
    const res = await postForm(karim, workerPage(), { channel: 'sms', address: '06 12 34 56 78', parentName: 'Awa Diallo' }, workerPage());
    expect(res.status).to.equal(303);
    const message = await testDb()('outbox_messages').where({ message_key: 'parentConsent' }).orderBy('id', 'desc').first();
    const text = render('parentConsent', 'sms', message.locale, JSON.parse(message.data)).text;
    return new URL(text.match(/https?:\/\/\S+\/parents\/[\w-]+/)![0]).pathname;
  }

  async function setUse(level: string): Promise<number> {
    const medium = await testDb()('media').where({ id: mamadou.mediumId }).first();
    const res = await postForm(karim, mediumPage(), { moment: medium.moment, caption: medium.caption, body: '', youth: String(mamadou.youthId), useLevel: level }, mediumPage());
    return res.status;
  }

  async function answer(path: string, fields: Record<string, string>) {
    const parent = request.agent(app);
    const page = await parent.get(path);
    const hash = page.text.match(/name="textHash" value="([0-9a-f]+)"/)?.[1] ?? '';
    return parent.post(path).type('form').send({ _csrf: csrfFrom(page.text), textHash: hash, ...fields });
  }

  before(async () => {
    ({ ids, app, karim } = await appOnDemo('karim'));
    mamadou = await minorWithPhoto(testDb(), testDatabase().config.uploadDir, ids.groups.sadiola, ids.users.karim);
  });

  it('queues an SMS to the parent with the link, within two SMS; only a hash of the token is kept', async () => {
    const form = visibleText((await karim.get(workerPage())).text);
    expect(form).to.include('Le lien marche une seule fois, pendant 14 jours.');
    const path = await sendLink();
    const message = await testDb()('outbox_messages').where({ message_key: 'parentConsent' }).orderBy('id', 'desc').first();
    expect(message).to.include({ channel: 'sms', address: '+33612345678', status: 'queued', created_by: ids.users.karim });
    expect(smsLength(render('parentConsent', 'sms', 'fr', JSON.parse(message.data)).text).segments).to.be.within(1, 2);
    const token = path.split('/').pop()!;
    const link = await testDb()('parent_consent_links').where({ outbox_message_id: message.id }).first();
    expect(link.token_hash).to.equal(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(link)).to.not.include(token);
    const days = (Date.parse(link.expires_at) - Date.parse(link.created_at)) / 86_400_000;
    expect(days).to.equal(14);
    expect(await testDb()('audit_log').where({ action: 'parentConsent.sent', subject_id: link.id }).first()).to.include({ user_id: ids.users.karim });
  });

  it('refuses an address that is not a mobile, with the input kept', async () => {
    const res = await postForm(karim, workerPage(), { channel: 'sms', address: '03 27 00 00 00', parentName: 'Awa Diallo' }, workerPage());
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('Ce n’est pas un numéro de portable.');
    expect(res.text).to.include('value="03 27 00 00 00"');
  });

  it('shows the parent only the first name, the group, the dates and the questions; records the answer with the text version and the link', async () => {
    const path = await sendLink();
    const page = visibleText((await request(app).get(path)).text);
    expect(page).to.include('Mamadou part avec le groupe « Rencontre des jeunes de Sadiola »');
    expect(page).to.include('Au groupe et aux présentations du projet');
    expect(page).to.include('autorisation de sortie du territoire');
    const lastName = (await testDb()('youths').where({ id: mamadou.youthId }).first('last_name')).last_name;
    expect(page).to.not.include(lastName);

    expect(await setUse('restitution'), 'before the parents answered').to.equal(422);
    const res = await answer(path, { parentName: 'Awa Diallo', level: 'restitution', exit: 'yes' });
    expect(res.status).to.equal(200);
    expect(visibleText(res.text)).to.include('Merci, votre réponse est enregistrée.');

    const link = await testDb()('parent_consent_links').where({ enrolment_id: mamadou.enrolmentId }).orderBy('id', 'desc').first();
    const saved = await testDb()('parent_consent_answers').where({ link_id: link.id }).first();
    expect(saved).to.include({ parent_name: 'Awa Diallo', image_level: 'restitution', text_version: PARENT_TEXT_VERSION, enrolment_id: mamadou.enrolmentId });
    expect(Boolean(saved.exit_acknowledged)).to.equal(true);
    expect(saved.text_hash).to.match(/^[0-9a-f]{64}$/);
    const consent = await testDb()('image_consents').where({ id: saved.image_consent_id }).first();
    expect(consent).to.include({ level: 'restitution', recorded_by: null });
    expect(Boolean(consent.parental)).to.equal(true);
    // As a scanned signed form: the image-rights paper is received, for the worker to check.
    expect(await testDb()('youth_documents').where({ enrolment_id: mamadou.enrolmentId, kind: 'image_rights' }).first()).to.include({ status: 'received' });
    expect(await testDb()('audit_log').where({ action: 'parentConsent.answered', subject_id: link.id }).first()).to.include({ user_id: null });

    expect(await setUse('restitution'), 'once the parents said yes').to.equal(303);
    expect((await testDb()('media').where({ id: mamadou.mediumId }).first()).use_level).to.equal('restitution');
    expect(visibleText((await karim.get(workerPage())).text)).to.include('Awa Diallo a répondu le');
    expect(visibleText((await karim.get(`/groups/${ids.groups.sadiola}/youths/${mamadou.enrolmentId}/consent`)).text)).to.match(/par Awa Diallo \(parent\), en ligne/);
  });

  it('a link works once: the second visit and a second answer find the neutral page', async () => {
    const path = await sendLink();
    expect((await answer(path, { parentName: 'Awa Diallo', level: 'restitution' })).status).to.equal(200);
    const again = await request(app).get(path);
    expect(again.status).to.equal(404);
    expect(visibleText(again.text)).to.include(CLOSED);
    const link = await testDb()('parent_consent_links').where({ enrolment_id: mamadou.enrolmentId }).orderBy('id', 'desc').first();
    expect(await testDb()('parent_consent_answers').where({ link_id: link.id })).to.have.length(1);
  });

  it('two answers sent at once from the same link: one is recorded, the other finds the neutral page', async () => {
    const path = await sendLink();
    const [a, b] = [request.agent(app), request.agent(app)];
    const pages = await Promise.all([a.get(path), b.get(path)]);
    const send = (agent: Agent, html: string, level: string) => agent.post(path).type('form')
      .send({ _csrf: csrfFrom(html), textHash: html.match(/name="textHash" value="([0-9a-f]+)"/)![1], parentName: 'Awa Diallo', level });
    const statuses = (await Promise.all([send(a, pages[0]!.text, 'restitution'), send(b, pages[1]!.text, 'restitution')])).map((r) => r.status);
    expect(statuses.sort()).to.deep.equal([200, 404]);
    const link = await testDb()('parent_consent_links').where({ enrolment_id: mamadou.enrolmentId }).orderBy('id', 'desc').first();
    expect(await testDb()('parent_consent_answers').where({ link_id: link.id })).to.have.length(1);
    expect(await testDb()('image_consents').where({ enrolment_id: mamadou.enrolmentId }).where('recorded_at', '>=', link.used_at)).to.have.length(1);
  });

  it('an expired, a revoked or a wrong link shows the same neutral page', async () => {
    const expired = await newParentLink(testDb(), ids.groups.sadiola, { enrolmentId: mamadou.enrolmentId, expiresAt: new Date(Date.now() - 1000) });
    const revokedPath = await sendLink();
    const revoked = await testDb()('parent_consent_links').where({ enrolment_id: mamadou.enrolmentId }).orderBy('id', 'desc').first();
    const token = csrfFrom((await karim.get(workerPage())).text);
    expect((await karim.post(`${workerPage()}/${revoked.id}/revoke`).type('form').send({ _csrf: token })).status).to.equal(303);
    expect(await testDb()('outbox_messages').where({ id: revoked.outbox_message_id }).first()).to.include({ status: 'cancelled' });
    expect(await testDb()('audit_log').where({ action: 'parentConsent.revoked', subject_id: revoked.id }).first()).to.include({ user_id: ids.users.karim });

    const pages = [];
    for (const path of [`/parents/${expired.token}`, revokedPath, '/parents/AAAAAAAAAAAAAAAAAAAAAAAA']) {
      const res = await request(app).get(path);
      expect(res.status, path).to.equal(404);
      pages.push(visibleText(res.text).replace(/\s+/g, ' '));
    }
    expect(pages[0]).to.include(CLOSED);
    expect(new Set(pages).size).to.equal(1);
  });

  it('sends by e-mail too, and refuses an address that is not one', async () => {
    const bad = await postForm(karim, workerPage(), { channel: 'email', address: 'awa.diallo', parentName: '' }, workerPage());
    expect(bad.status).to.equal(422);
    const res = await postForm(karim, workerPage(), { channel: 'email', address: 'Awa.Diallo@example.org', parentName: '' }, workerPage());
    expect(res.status).to.equal(303);
    const message = await testDb()('outbox_messages').where({ message_key: 'parentConsent' }).orderBy('id', 'desc').first();
    expect(message).to.include({ channel: 'email', address: 'awa.diallo@example.org' });
    const mail = render('parentConsent', 'email', 'fr', JSON.parse(message.data));
    expect(mail.subject).to.equal('Le séjour de Mamadou : votre accord');
    expect(mail.text).to.match(/\/parents\/[\w-]{24}/);
  });

  it('asks nothing of the parents of a youth who is of age', async () => {
    const ines = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.group_id': ids.groups.sadiola, 'youths.first_name': 'Inès' }).first('enrolments.id as id', 'youths.birth_date');
    expect(Date.parse(ines.birth_date)).to.be.below(Date.now() - 18 * 365.25 * 86_400_000);
    const url = `/groups/${ids.groups.sadiola}/youths/${ines.id}/parent-consent`;
    expect(visibleText((await karim.get(url)).text)).to.include('est majeur·e : c’est à lui ou elle de répondre.');
    const res = await postForm(karim, url, { channel: 'sms', address: '06 12 34 56 78', parentName: '' }, url);
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('Ce jeune est majeur');
  });

  it('the admin reads the link sent, revoked and answered in the audit log', async () => {
    const admin = await signIn(app, DEMO_LOGINS.admin);
    const log = visibleText((await admin.get('/admin/audit')).text);
    for (const line of ['a envoyé un lien d’accord aux parents', 'a annulé un lien d’accord aux parents', 'réponse des parents en ligne']) expect(log).to.include(line);
  });

  it('asks the parent for their name and keeps what they chose', async () => {
    const path = await sendLink();
    const res = await answer(path, { parentName: ' ', level: 'public' });
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('Écrivez votre nom.');
    expect(res.text).to.match(/value="public"\s+checked/);
  });

  it('a refusal counts as a signed refusal: the medium goes back to the group', async () => {
    expect((await testDb()('media').where({ id: mamadou.mediumId }).first()).use_level).to.equal('restitution');
    const res = await answer(await sendLink(), { parentName: 'Awa Diallo', level: 'none' });
    expect(res.status).to.equal(200);
    expect((await testDb()('media').where({ id: mamadou.mediumId }).first()).use_level).to.equal('group');
    expect(await setUse('restitution')).to.equal(422);
  });

  it('keeps a link open as long as PARENT_LINK_DAYS says', async () => {
    const other = buildApp({ PARENT_LINK_DAYS: '3' });
    const worker = await signIn(other, DEMO_LOGINS.karim);
    expect(visibleText((await worker.get(workerPage())).text)).to.include('pendant 3 jours');
    expect((await postForm(worker, workerPage(), { channel: 'sms', address: '06 12 34 56 78', parentName: '' }, workerPage())).status).to.equal(303);
    const link = await testDb()('parent_consent_links').orderBy('id', 'desc').first();
    expect((Date.parse(link.expires_at) - Date.parse(link.created_at)) / 86_400_000).to.equal(3);
  });
});
