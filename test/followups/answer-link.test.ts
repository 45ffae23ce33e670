import { createHash } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, postForm, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf, youthWithAccount } from '../participants/fixtures.js';
import { computeDashboard } from '../../src/reports/dashboard.js';
import { render } from '../../src/outbox/templates.js';
import { smsLength } from '../../src/outbox/sms-rules.js';
import { sendDueAnswerLinks } from '../../src/followups/answer-link.js';

const TODAY = new Date().toISOString().slice(0, 10);
const PHONE = '+33612345678';

describe('youths answer their own follow-up (link by SMS)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let group: string;
  let sarah: { followUpId: number; youthId: number; page: string };

  /** Karim sends the link from the follow-up's page; returns the token, as the SMS carries it. */
  const sendLink = async (): Promise<string> => {
    const res = await postForm(karim, `${sarah.page}/link`, {}, sarah.page);
    expect(res.status).to.equal(303);
    const message = await testDb()('outbox_messages').where({ recipient_youth_id: sarah.youthId, message_key: 'followUpAnswer' }).orderBy('id', 'desc').first();
    return new URL(JSON.parse(message.data).link as string).pathname.split('/').pop()!;
  };
  const phone = () => request.agent(app);
  const answer = async (token: string, fields: Record<string, string>) => postForm(phone(), `/suivi/${token}`, fields, `/suivi/${token}`);
  const neutral = async (token: string) => {
    const res = await phone().get(`/suivi/${token}`);
    return { status: res.status, text: visibleText(res.text) };
  };

  before(async () => {
    ({ ids, app, karim } = await appOnDemo('karim'));
    group = `/groups/${ids.groups.dispensaire}`;
    const enrolment = await enrolmentOf(testDb(), ids.groups.dispensaire, 'Sarah');
    const f = await testDb()('follow_ups').where({ enrolment_id: enrolment, milestone_months: 12 }).first('id');
    const e = await testDb()('enrolments').where({ id: enrolment }).first('youth_id');
    await testDb()('youths').where({ id: e.youth_id }).update({ phone: PHONE });
    sarah = { followUpId: f.id, youthId: e.youth_id, page: `${group}/followups/${f.id}` };
  });

  it('queues an SMS with the link to the youth’s mobile, within two SMS; the token is kept only hashed; it is in the audit log', async () => {
    const token = await sendLink();
    const message = await testDb()('outbox_messages').where({ recipient_youth_id: sarah.youthId, message_key: 'followUpAnswer' }).orderBy('id', 'desc').first();
    expect(message).to.include({ channel: 'sms', address: PHONE, status: 'queued', created_by: ids.users.karim });
    expect(JSON.parse(message.data).link).to.match(/\/suivi\/[\w-]{22}$/);
    const text = render('followUpAnswer', 'sms', message.locale, JSON.parse(message.data)).text;
    expect(text).to.include('Sarah').and.include(`/suivi/${token}`);
    expect(smsLength(text).segments).to.be.within(1, 2);
    const links = await testDb()('follow_up_links').where({ follow_up_id: sarah.followUpId });
    expect(links.map((l) => l.token_hash)).to.include(createHash('sha256').update(token).digest('hex')).and.not.include(token);
    expect(await testDb()('audit_log').where({ action: 'followUp.linkSent', subject_id: sarah.followUpId, user_id: ids.users.karim }).first('id')).to.not.equal(undefined);
    const page = visibleText((await karim.get(sarah.page)).text);
    expect(page).to.match(/lien envoyé le [^,]+, en attente de réponse/);
  });

  it('opens a short page with the youth’s first name and the group’s name, nothing else of theirs', async () => {
    const token = await sendLink();
    const res = await phone().get(`/suivi/${token}`);
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    const g = await testDb()('groups').where({ id: ids.groups.dispensaire }).first('name');
    expect(text).to.include('Bonjour Sarah').and.include(g.name).and.include('Au travail').and.include('Je cherche');
    expect(text).to.not.include('Benoît').and.not.include('06 12 34 56 78');
  });

  it('speaks English to a youth whose account is in English, unless they chose French on the page', async () => {
    const { userId } = await youthWithAccount(testDb(), ids.groups.dispensaire, 'Sarah', 'sarah.benoit');
    await testDb()('users').where({ id: userId }).update({ locale: 'en' });
    try {
      const token = await sendLink();
      expect(visibleText((await phone().get(`/suivi/${token}`)).text)).to.include('Hello Sarah!').and.include('In training');
      expect(visibleText((await phone().get(`/suivi/${token}`).set('Cookie', 'lang=fr')).text)).to.include('Bonjour Sarah');
      const message = await testDb()('outbox_messages').where({ recipient_youth_id: sarah.youthId, message_key: 'followUpAnswer' }).orderBy('id', 'desc').first();
      expect(message.locale).to.equal('en');
    } finally {
      await testDb()('users').where({ id: userId }).update({ locale: 'fr' });
    }
  });

  it('refuses an answer without a situation, keeping what was typed, and the link still works', async () => {
    const token = await sendLink();
    const res = await answer(token, { note: 'je bosse au marché' });
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('Choisis une réponse.');
    expect(res.text).to.include('je bosse au marché');
    expect((await neutral(token)).status).to.equal(200);
  });

  it('gives the same neutral page to a wrong, revoked, expired or used token', async () => {
    const wrong = await neutral('AbCdEfGhIjKlMnOpQrStUv');
    expect(wrong.status).to.equal(404);
    expect(wrong.text).to.include('Ce lien ne marche plus');

    const revoked = await sendLink();
    expect((await postForm(karim, `${sarah.page}/link/revoke`, {}, sarah.page)).status).to.equal(303);
    expect(await neutral(revoked)).to.deep.equal(wrong);

    // A new link stops the one sent before it.
    const older = await sendLink();
    const expired = await sendLink();
    expect(await neutral(older)).to.deep.equal(wrong);
    await testDb()('follow_up_links').where({ token_hash: createHash('sha256').update(expired).digest('hex') }).update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    expect(await neutral(expired)).to.deep.equal(wrong);
    const refused = await answer(expired, { situation: 'training' });
    expect(refused.status).to.equal(404);
    expect(await testDb()('follow_ups').where({ id: sarah.followUpId }).first('done_on')).to.deep.equal({ done_on: null });
  });

  it('puts a youth who did not answer in time back on the worker’s list to call, saying the link went unanswered', async () => {
    const token = await sendLink();
    // While the link is open she may answer: her 12-month call is off the list (her 1-month one stays).
    const waiting = visibleText((await karim.get('/?all=followups')).text);
    expect(waiting).to.include('Suivis à faire (6)').and.not.match(/Sarah Benoît en retard[^·]*Suivi à 12 mois/);
    await testDb()('follow_up_links').where({ token_hash: createHash('sha256').update(token).digest('hex') }).update({ expires_at: new Date(Date.now() - 1000).toISOString() });
    const home = visibleText((await karim.get('/?all=followups')).text);
    expect(home).to.include('Suivis à faire (7)').and.match(/Sarah Benoît en retard lien envoyé le [^,]+, pas de réponse Suivi à 12 mois/);
    expect(visibleText((await karim.get(`${group}/followups`)).text)).to.match(/Sarah Benoît en retard prévu le [^·]+ · lien envoyé le [^,]+, pas de réponse/);
  });

  it('records the answer once as an attempt “answered by the youth”; the worker confirms it; the figures count it', async () => {
    const before = await computeDashboard(testDb(), { role: 'worker', userId: ids.users.karim, structureId: null }, { group: ids.groups.dispensaire });
    const token = await sendLink();
    const res = await answer(token, { situation: 'training', engagement: 'volunteering', note: 'BTS en alternance' });
    expect(res.status).to.equal(200);
    expect(visibleText(res.text)).to.include('Merci Sarah');
    // Single use: the same link again records nothing more.
    expect((await answer(token, { situation: 'employed' })).status).to.equal(404);

    const f = await testDb()('follow_ups').where({ id: sarah.followUpId }).first();
    expect(f).to.include({ done_on: TODAY, situation: 'training', note: 'BTS en alternance', recorded_by: null });
    expect(Boolean(f.reached)).to.equal(true);
    expect(Boolean(f.volunteering)).to.equal(true);
    const attempts = await testDb()('follow_up_attempts').where({ follow_up_id: sarah.followUpId });
    expect(attempts.map((a) => [Boolean(a.by_youth), Boolean(a.reached), a.recorded_by, a.confirmed_by])).to.deep.equal([[true, true, null, null]]);
    expect(await testDb()('audit_log').where({ action: 'followUp.answeredByYouth', subject_id: sarah.followUpId }).first('user_id')).to.deep.equal({ user_id: null });

    const page = visibleText((await karim.get(sarah.page)).text);
    expect(page).to.include('répondu par le jeune').and.include('Confirmer la réponse').and.include('En formation');
    expect((await postForm(karim, `${sarah.page}/confirm`, {}, sarah.page)).status).to.equal(303);
    const confirmed = await testDb()('follow_up_attempts').where({ follow_up_id: sarah.followUpId, by_youth: true }).first();
    expect(confirmed.confirmed_by).to.equal(ids.users.karim);
    const after = visibleText((await karim.get(sarah.page)).text);
    expect(after).to.match(/répondu par le jeune · confirmé par Karim/).and.not.include('Confirmer la réponse');
    expect(await testDb()('audit_log').where({ action: 'followUp.confirmed', subject_id: sarah.followUpId, user_id: ids.users.karim }).first('id')).to.not.equal(undefined);

    const d = await computeDashboard(testDb(), { role: 'worker', userId: ids.users.karim, structureId: null }, { group: ids.groups.dispensaire });
    const at12 = (x: typeof d) => x.followUps.find((m) => m.milestone === 12)!;
    expect([at12(d).reached - at12(before).reached, at12(d).byYouth - at12(before).byYouth]).to.deep.equal([1, 1]);
  });

  it('sends the link of a round that falls due by itself, once, to a youth with a mobile', async () => {
    const policy = { publicUrl: 'https://tremplin.example.org', days: 14 };
    const open = await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
      .where('enrolments.group_id', ids.groups.dispensaire).whereNull('follow_ups.done_on').whereNot('follow_ups.id', sarah.followUpId)
      .first('follow_ups.id', 'enrolments.youth_id');
    await testDb()('follow_ups').where({ id: open.id }).update({ due_on: TODAY });
    await testDb()('youths').where({ id: open.youth_id }).update({ phone: '+33698765432' });
    await sendDueAnswerLinks(testDb(), policy);
    await sendDueAnswerLinks(testDb(), policy);
    const links = await testDb()('follow_up_links').where({ follow_up_id: open.id });
    expect(links.map((l) => l.sent_by)).to.deep.equal([null]);
    const message = await testDb()('outbox_messages').where({ id: links[0].message_id }).first();
    expect(message).to.include({ address: '+33698765432', message_key: 'followUpAnswer', created_by: null });
  });

  it('sends no link for a round the structure does not run', async () => {
    const policy = { publicUrl: 'https://tremplin.example.org', days: 14 };
    const open = await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
      .leftJoin('follow_up_links', 'follow_up_links.follow_up_id', 'follow_ups.id')
      .where('enrolments.group_id', ids.groups.dispensaire).whereNull('follow_ups.done_on').whereNull('follow_up_links.id')
      .first('follow_ups.id', 'follow_ups.milestone_months', 'enrolments.youth_id');
    await testDb()('follow_ups').where({ id: open.id }).update({ due_on: TODAY });
    await testDb()('youths').where({ id: open.youth_id }).update({ phone: '+33698765433' });
    const structure = (await testDb()('groups').where({ id: ids.groups.dispensaire }).first('structure_id')).structure_id;
    const others = [1, 3, 6, 12].filter((m) => m !== Number(open.milestone_months));
    await testDb()('structures').where({ id: structure }).update({ follow_up_milestones: others.join(',') });
    try {
      await sendDueAnswerLinks(testDb(), policy);
      expect(await testDb()('follow_up_links').where({ follow_up_id: open.id })).to.have.length(0);
    } finally {
      await testDb()('structures').where({ id: structure }).update({ follow_up_milestones: null });
    }
  });
});
