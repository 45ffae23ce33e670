import { expect } from 'chai';
import dayjs from 'dayjs';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, signIn, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { localToday } from '../../src/meetings/meeting.js';

/*
 * What each page tells the phone's service worker (src/http/offline.ts): whose session it is, and whether
 * it may be kept to read offline. The worker keeps nothing the server did not allow this way.
 */
describe('pages a phone may keep for reading without network', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let elodie: Agent;
  let director: Agent;
  let ines: Agent;
  let todays = 0;
  let older = 0;
  before(async () => {
    ({ ids, app, karim, elodie, director, ines } = await appOnDemo('karim', 'elodie', 'director', 'ines'));
    const past = await testDb()('meetings').where({ group_id: ids.groups.sadiola }).where('starts_at', '<', localToday()).orderBy('starts_at');
    todays = past.at(-1).id;
    older = past[0].id;
    await testDb()('meetings').where({ id: todays }).update({ starts_at: `${localToday()}T00:05` });
    await testDb()('meetings').where({ id: older }).update({ starts_at: '2020-01-06T10:00' });
  });

  it('names the session’s user on every page, and "none" signed out', async () => {
    const me = await testDb()('users').where({ email: DEMO_ACCOUNTS.karim.email }).first('id');
    expect((await karim.get('/groups')).headers['x-tremplin-user']).to.equal(String(me.id));
    expect((await request(app).get('/login')).headers['x-tremplin-user']).to.equal('none');
  });

  it('lets the group’s worker keep a register for a week, and nobody else', async () => {
    const path = `/groups/${ids.groups.sadiola}/meetings/${todays}`;
    const kept = (await karim.get(path)).headers['x-tremplin-keep-until'];
    expect(kept).to.match(/^\d{4}-\d{2}-\d{2}$/);
    expect(Math.round((Date.parse(kept) - Date.parse(localToday())) / 86_400_000)).to.equal(7);
    const seenByDirector = await director.get(path);
    expect(seenByDirector.status).to.equal(200);
    expect(seenByDirector.headers).not.to.have.property('x-tremplin-keep-until');
    const seenByYouth = await ines.get(path);
    expect(seenByYouth.status).to.equal(200);
    expect(seenByYouth.headers).not.to.have.property('x-tremplin-keep-until');
  });

  it('hands the worker the registers of the last two weeks, today and the week to come from the sessions page, and a youth none', async () => {
    const keep = (html: string) => /data-offline-keep="([^"]*)"/.exec(html)?.[1].split(' ') ?? [];
    const base = `/groups/${ids.groups.sadiola}/meetings`;
    const [soon, later] = await testDb()('meetings').where({ group_id: ids.groups.sadiola }).where('starts_at', '>', `${localToday()}T23:59`).orderBy('starts_at').limit(2);
    await testDb()('meetings').where({ id: soon.id }).update({ starts_at: `${dayjs(localToday()).add(1, 'day').format('YYYY-MM-DD')}T18:00` });
    // Its copy would be dropped before its day (a copy is kept a week).
    await testDb()('meetings').where({ id: later.id }).update({ starts_at: `${dayjs(localToday()).add(8, 'day').format('YYYY-MM-DD')}T18:00` });
    const paths = keep((await karim.get(base)).text);
    expect(paths).to.include(`${base}/${todays}`).and.include(`${base}/${soon.id}`);
    expect(paths, 'a session of 2020').not.to.include(`${base}/${older}`);
    expect(paths, 'a session more than a week ahead').not.to.include(`${base}/${later.id}`);
    await testDb()('meetings').where({ id: soon.id }).update({ starts_at: soon.starts_at });
    await testDb()('meetings').where({ id: later.id }).update({ starts_at: later.starts_at });
    expect(keep((await ines.get(base)).text)).to.deep.equal([]);
    expect(keep((await director.get(base)).text)).to.deep.equal([]);
  });

  it('gives a session to come its register form, hidden until its day, to the worker who keeps it, and to nobody else', async () => {
    const upcoming = await testDb()('meetings').where({ group_id: ids.groups.sadiola }).where('starts_at', '>', `${localToday()}T23:59`).orderBy('starts_at').first('id', 'starts_at');
    const path = `/groups/${ids.groups.sadiola}/meetings/${upcoming.id}`;
    const page = (await karim.get(path)).text;
    expect(page).to.include(`hidden data-register-opens="${upcoming.starts_at.slice(0, 10)}"`).and.include('data-register-not-yet');
    expect(page).to.match(/name="status-\d+" value="present" checked/);
    const directors = (await director.get(path)).text;
    expect(directors).to.include('L’appel se fait le jour de la séance.').and.not.include('data-register-opens');
  });

  it('lets the emergency sheet be kept during the stay until the return day, by its lead and its director', async () => {
    const maroc = await testDb()('groups').where({ id: ids.groups.maroc }).first('return_date');
    const sheet = `/groups/${ids.groups.maroc}/stay/sheet`;
    expect((await elodie.get(sheet)).headers['x-tremplin-keep-until']).to.equal(maroc.return_date);
    const mjcDirector = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
    expect((await mjcDirector.get(sheet)).headers['x-tremplin-keep-until']).to.equal(maroc.return_date);
    // Back home: read online only.
    const back = await karim.get(`/groups/${ids.groups.algerie}/stay/sheet`);
    expect(back.status).to.equal(200);
    expect(back.headers).not.to.have.property('x-tremplin-keep-until');
  });

  it('serves the service worker from the root, never from a stale cache', async () => {
    const res = await request(app).get('/sw.js');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/javascript/);
    expect(res.headers['cache-control']).to.equal('no-cache');
    expect(res.headers['content-security-policy']).to.include("worker-src 'self'").and.include("manifest-src 'self'");
    const manifest = await request(app).get('/assets/manifest.webmanifest');
    expect(JSON.parse(manifest.text)).to.deep.include({ name: 'Tremplin', start_url: '/', lang: 'fr' });
  });
});
