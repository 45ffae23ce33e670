import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';

/**
 * Every youth of a group sees the group's secret calendar link, and a link passed around outside the group
 * (a screenshot, a forwarded message) must stop working: the leads can make a new one.
 */
describe('POST /groups/:id/calendar/renew: a new calendar link', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  const tokenOf = async (groupId: number): Promise<string> => (await testDb()('groups').where({ id: groupId }).first('calendar_token')).calendar_token;

  before(async () => ({ ids, app, karim } = await appOnDemo('karim')));

  it('a lead makes a new link: the old one answers 404, the new one serves the sessions, and who and when is recorded', async () => {
    const meetings = `/groups/${ids.groups.sadiola}/meetings`;
    const old = await tokenOf(ids.groups.sadiola);
    expect((await request(app).get(`/calendar/${old}.ics`)).status).to.equal(200);

    const res = await postForm(karim, `/groups/${ids.groups.sadiola}/calendar/renew`, {}, meetings);
    expect(res.status).to.equal(303);
    expect(res.headers.location).to.match(new RegExp(`^${meetings}`));

    const fresh = await tokenOf(ids.groups.sadiola);
    expect(fresh).to.match(/^[A-Za-z0-9_-]{32}$/).and.not.equal(old);
    expect((await request(app).get(`/calendar/${old}.ics`)).status).to.equal(404);
    const feed = await request(app).get(`/calendar/${fresh}.ics`);
    expect(feed.status).to.equal(200);
    expect(feed.text).to.include('BEGIN:VEVENT');

    const row = await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token_renewed_by', 'calendar_token_renewed_at');
    expect(Number(row.calendar_token_renewed_by)).to.equal(ids.users.karim);
    expect(Date.now() - Date.parse(row.calendar_token_renewed_at)).to.be.within(0, 60_000);

    const page = await karim.get(res.headers.location!);
    const text = visibleText(page.text);
    expect(text).to.include('Nouveau lien d’agenda créé : l’ancien ne marche plus.');
    expect(text).to.match(/Lien renouvelé par Karim Benali le \d{1,2} \S+ \d{4}/);
    expect(page.text).to.include(`/calendar/${fresh}.ics`).and.not.include(`/calendar/${old}.ics`);
  });

  it('a youth of the group sees the link but no way to renew it, and is refused if they try', async () => {
    const ines = await signIn(app, 'ines.d');
    const page = await ines.get(`/groups/${ids.groups.sadiola}/meetings`);
    expect(page.text).to.include(`/calendar/${await tokenOf(ids.groups.sadiola)}.ics`);
    expect(page.text).not.to.include('/calendar/renew');
    expect(visibleText(page.text)).not.to.include('Lien renouvelé');
    const before = await tokenOf(ids.groups.sadiola);
    const res = await postForm(ines, `/groups/${ids.groups.sadiola}/calendar/renew`, {}, `/groups/${ids.groups.sadiola}/meetings`);
    expect(res.status).to.equal(403);
    expect(await tokenOf(ids.groups.sadiola)).to.equal(before);
  });

  it('the director reads the sessions but cannot renew the link of a group they do not lead', async () => {
    const director = await signIn(app, DEMO_ACCOUNTS.director.email);
    const before = await tokenOf(ids.groups.sadiola);
    const res = await postForm(director, `/groups/${ids.groups.sadiola}/calendar/renew`, {}, `/groups/${ids.groups.sadiola}/meetings`);
    expect(res.status).to.equal(403);
    expect(await tokenOf(ids.groups.sadiola)).to.equal(before);
  });
});
