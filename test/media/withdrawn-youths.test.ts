import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { rejoin, withdraw } from '../../src/participants/withdrawal.js';
import { listGroupYouths, type YouthFile } from '../../src/participants/participant.js';
import { youthWithAccount } from '../participants/fixtures.js';
import { storedPhoto } from './fixtures.js';

/**
 * A youth who leaves the project keeps their place in the group's history, and "whether they still take
 * part in group life". In touch, they still watch what the group makes; they no longer add to it or change
 * it. Out of touch, the group's media — where the other youths' images are — are no longer theirs to open.
 */
describe('the media of a youth who left the project', () => {
  let ids: DemoIds;
  let app: Express;
  let lea: { userId: number; enrolment: YouthFile; agent: Agent; photo: number };
  let chloe: { userId: number; enrolment: YouthFile; agent: Agent; photo: number };
  const base = () => `/groups/${ids.groups.sadiola}`;

  before(async () => {
    ({ ids, app } = await appOnDemo());
    const karimUser = await userFor(testDb(), ids.users.karim);
    const uploadDir = testDatabase().config.uploadDir;
    const left = async (firstName: string, username: string, staysInTouch: boolean) => {
      const { userId, enrolment } = await youthWithAccount(testDb(), ids.groups.sadiola, firstName, username);
      // What she filmed while she was in the project.
      const photo = await storedPhoto(testDb(), uploadDir, ids.groups.sadiola, userId, `Photo de ${firstName}`);
      await withdraw(testDb(), karimUser, enrolment, { reason: staysInTouch ? 'job' : 'lost_contact', note: null, withdrawnOn: '2026-01-05', staysInTouch });
      return { userId, enrolment, photo, agent: await signIn(app, username) };
    };
    lea = await left('Léa', 'lea.v', true);
    chloe = await left('Chloé', 'chloe.l', false);
  });

  it('a youth who left and stays in touch still watches the group’s media, but adds none and changes none, not even her own', async () => {
    const { agent, photo } = lea;
    const list = await agent.get(`${base()}/media`);
    expect(list.status).to.equal(200);
    expect(visibleText(list.text)).to.include('Photo de Léa').and.include('Séance interculturelle : nos clichés');
    expect(list.text).not.to.include(`href="${base()}/media/new"`);
    const page = await agent.get(`${base()}/media/${photo}`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.include('name="caption"');
    expect((await agent.get(`${base()}/media/${photo}/file`)).status).to.equal(200);
    expect((await agent.get(`${base()}/before-after`)).status).to.equal(200);

    expect((await agent.get(`${base()}/media/new`)).status).to.equal(403);
    const token = csrfFrom(list.text);
    const upload = await agent.post(`${base()}/media?_csrf=${encodeURIComponent(token)}`).field('moment', 'after').field('body', 'Je suis partie');
    expect(upload.status).to.equal(403);
    expect(await testDb()('media').where({ body: 'Je suis partie' }).first()).to.equal(undefined);
    expect((await postForm(agent, `${base()}/media/${photo}`, { moment: 'after', caption: 'Changée' }, `${base()}/media`)).status).to.equal(403);
    expect((await postForm(agent, `${base()}/media/${photo}/delete`, { confirm: 'yes' }, `${base()}/media`)).status).to.equal(403);
    expect((await testDb()('media').where({ id: photo }).first()).caption).to.equal('Photo de Léa');
  });

  it('a youth who left and is out of touch opens none of the group’s media, not even what she uploaded', async () => {
    const { agent, photo } = chloe;
    for (const url of [`${base()}/media`, `${base()}/media/new`, `${base()}/media/${photo}`, `${base()}/media/${photo}/file`, `${base()}/media/${photo}/thumbnail`,
      `${base()}/before-after`, `${base()}/youths/${chloe.enrolment.enrolment_id}/before-after`]) {
      expect((await agent.get(url)).status, url).to.equal(403);
    }
    expect((await postForm(agent, `${base()}/media/${photo}/delete`, { confirm: 'yes' }, '/me')).status).to.equal(403);
    expect(await testDb()('media').where({ id: photo }).first()).to.not.equal(undefined);
  });

  it('their own page and the group’s page still open, without the ways to media they may no longer use', async () => {
    const leaHome = await lea.agent.get('/me');
    expect(leaHome.status).to.equal(200);
    expect(leaHome.text).to.include(`href="${base()}/media"`).and.not.include(`href="${base()}/media/new"`);
    expect(visibleText(leaHome.text)).to.include('Photo de Léa');

    const chloeHome = await chloe.agent.get('/me');
    expect(chloeHome.status).to.equal(200);
    expect(chloeHome.text).not.to.include(`href="${base()}/media`).and.not.include(`/before-after"`);
    expect(visibleText(chloeHome.text)).to.include('Tu as quitté le projet : les vidéos et photos du groupe ne s’affichent plus ici.');
    const group = await chloe.agent.get(base());
    expect(group.status).to.equal(200);
    expect(group.text).not.to.include(`href="${base()}/media`).and.not.include(`href="${base()}/before-after"`);
  });

  it('a youth who comes back into the project adds and edits her media again', async () => {
    await rejoin(testDb(), chloe.enrolment);
    expect((await chloe.agent.get(`${base()}/media/new`)).status).to.equal(200);
    const url = `${base()}/media/${chloe.photo}`;
    expect((await postForm(chloe.agent, url, { moment: 'after', caption: 'De retour' }, url)).status).to.equal(303);
  });

  it('the lead still sees and edits what a youth who left uploaded', async () => {
    const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
    const url = `${base()}/media/${lea.photo}`;
    expect((await karim.get(url)).text).to.include('name="caption"');
    expect((await postForm(karim, url, { moment: 'before', caption: 'Photo de Léa, avant son départ' }, url)).status).to.equal(303);
  });

  it('marks who left the project wherever the lead reads who is on a medium, and in the youths to pick from', async () => {
    const stillIn = (await listGroupYouths(testDb(), ids.groups.sadiola)).find((y) => y.status === 'enrolled' && y.first_name !== 'Léa')!;
    await testDb()('media_youths').insert([{ medium_id: lea.photo, youth_id: lea.enrolment.youth_id }, { medium_id: lea.photo, youth_id: stillIn.youth_id }]);
    const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);

    const page = (await karim.get(`${base()}/media/${lea.photo}`)).text;
    const who = page.slice(page.indexOf('<dt>Qui est dessus ?</dt>'), page.indexOf('</dd>', page.indexOf('<dt>Qui est dessus ?</dt>')));
    expect(visibleText(who)).to.include('Léa').and.include(`${stillIn.first_name} ${stillIn.last_name}`);
    expect(visibleText(who).match(/a quitté le projet/g)).to.have.length(1);
    expect(visibleText(who)).to.match(/Léa \S+ a quitté le projet/);
    const ticked = page.slice(page.indexOf('<legend>Qui est dessus ?</legend>'), page.indexOf('</fieldset>', page.indexOf('<legend>Qui est dessus ?</legend>')));
    expect(visibleText(ticked)).to.match(/Léa \S+ a quitté le projet/);
    // Chloé came back into the project (above): she is no longer marked.
    expect(visibleText(ticked)).to.include('Chloé').and.not.match(/Chloé \S+ a quitté le projet/);
    expect(visibleText(ticked)).not.to.match(new RegExp(`${stillIn.first_name} ${stillIn.last_name} a quitté`));

    const picker = (await karim.get(`${base()}/before-after`)).text;
    const chips = visibleText(picker.slice(picker.indexOf('youth-picker')));
    expect(chips).to.match(/Léa \S+ a quitté le projet/);
    expect(chips).not.to.match(new RegExp(`${stillIn.first_name} ${stillIn.last_name} a quitté`));
  });
});
