import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp, csrfToken, signIn, type Agent } from '../support/http.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { listRoutes } from '../support/routes.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount } from '../../src/users/user.js';
import { ROW_TABLES, ROLES, ITERATION_ORDER, SERVER_TO_SERVER, resolvePath, type Who } from './rows/index.js';
import { mediaRows } from './rows/media.js';
import { recordsForEveryRoute } from './fixtures.js';
import { giveScan } from '../documents/fixtures.js';
import { userFor } from '../support/accounts.js';
import { storedPhoto } from '../media/fixtures.js';
import { withdrawnYouthRows } from './rows/withdrawn-youths.js';
import { youthWithAccount } from '../participants/fixtures.js';
import { withdraw } from '../../src/participants/withdrawal.js';

/**
 * Every route × every role, against the table below. A route the app answers but the table does not list
 * fails the first test, so a new route cannot ship without deciding who may use it.
 *
 * Who is who: the worker leads "Rencontre des jeunes de Sadiola", a group of the mission locale; the other
 * worker leads the MJC's groups; the youth is enrolled in Sadiola, the other youth in Bafou (the MJC's); the
 * other director and the other admin are the MJC's (see rows/index.ts). Group routes are asked about Sadiola.
 * POSTs carry a valid CSRF token and an empty form, so an allowed user gets 422 (or 303 when the action
 * needs no input), a forbidden one 403, a record out of scope 404, an anonymous visitor 303 to sign in.
 * The rows live in rows/<concept>.ts, one table per domain concept.
 */

const MATRIX: Record<string, readonly number[]> = Object.assign({}, ...ROW_TABLES);

// Routes after which the agent is no longer signed in.
const SIGNS_OUT = new Set(['POST /logout']);

describe('permission matrix: every route for every role', () => {
  let app: Express;
  let ids: DemoIds;
  let targetUserId: number;
  const agents = new Map<Who, Agent>();

  const OTHER_ADMIN = { email: 'admin.mjc@tremplin.test', password: 'admin-mjc-matrice' };
  const logins: Record<Exclude<Who, 'anonymous'>, string> = {
    admin: DEMO_ACCOUNTS.admin.email,
    director: DEMO_ACCOUNTS.director.email,
    worker: DEMO_ACCOUNTS.karim.email,
    otherWorker: DEMO_ACCOUNTS.elodie.email,
    youth: 'ines.d',
    otherYouth: 'lucas.v',
    otherDirector: DEMO_ACCOUNTS.directorMjc.email,
    otherAdmin: OTHER_ADMIN.email,
    coordinator: DEMO_ACCOUNTS.coordinator.email,
    platformAdmin: DEMO_ACCOUNTS.platform.email,
  };

  async function agentFor(who: Who): Promise<Agent> {
    let agent = agents.get(who);
    if (!agent) {
      agent = who === 'anonymous' ? request.agent(app) : await signIn(app, logins[who], who === 'otherAdmin' ? OTHER_ADMIN.password : undefined);
      agents.set(who, agent);
    }
    return agent;
  }

  const concretePath = (route: string) => resolvePath(testDb(), route.split(' ')[1]!, { ids, targetUserId });

  before(async () => {
    ids = await resetToDemo();
    app = buildApp();
    const douaisis = { structureId: ids.structures['Mission locale du Douaisis'] };
    // An account of its own for the admin routes to act on, so deactivating it disturbs no one else.
    targetUserId = (await createAccount(testDb(), { role: 'youth', displayName: 'Cible Matrice' }, douaisis)).id;
    // The MJC's admin, for the questions asked of the mission locale's accounts from another structure.
    await createAccount(testDb(), { role: 'admin', displayName: 'Admin MJC', ...OTHER_ADMIN }, { structureId: ids.structures["MJC d'Halluin"] });
    await recordsForEveryRoute(testDb(), ids.groups.sadiola, ids.youthUsers['ines.d']!);
    // A scan of Inès's passport, so the download route has a file to send.
    await giveScan(testDb(), testDatabase().config.uploadDir, ids.users.karim, ids.groups.sadiola, Number((await testDb()('enrolments').where({ group_id: ids.groups.sadiola }).orderBy('id').first('id')).id));
  });

  it('lists every route the app answers, and no route that does not exist', () => {
    const routes = listRoutes(app);
    expect(routes.filter((r) => !(r in MATRIX)), 'routes missing from the matrix').to.deep.equal([]);
    expect(Object.keys(MATRIX).filter((r) => !routes.includes(r)), 'matrix rows for routes that do not exist').to.deep.equal([]);
  });

  // Asked first: it changes nothing, and every fixture is still there.
  it('refuses every state-changing request without a valid CSRF token, for every role', async function () {
    // Every role × every route, twice: minutes on a loaded machine.
    this.timeout(300_000);
    const posts = Object.keys(MATRIX).filter((r) => /^(POST|PATCH|DELETE) /.test(r) && !SERVER_TO_SERVER.has(r));
    for (const who of ROLES) {
      const agent = await agentFor(who);
      for (const route of posts) {
        const path = await concretePath(route);
        const send = () => (route.startsWith('PATCH ') ? agent.patch(path) : route.startsWith('DELETE ') ? agent.delete(path) : agent.post(path));
        const missing = await send().type('form').send({});
        const forged = await send().type('form').send({ _csrf: 'forged.token' });
        expect([missing.status, forged.status], `${who} ${route}`).to.deep.equal([403, 403]);
      }
    }
  });

  for (const [route, expected] of Object.entries(MATRIX)) {
    it(`${route}: ${ROLES.map((r, i) => `${r} ${expected[i]}`).join(', ')}`, async () => {
      const [method] = route.split(' ');
      const got: Record<string, number> = {};
      const want: Record<string, number> = {};
      for (const who of ITERATION_ORDER) {
        const i = ROLES.indexOf(who);
        const agent = await agentFor(who);
        const path = await concretePath(route);
        let res;
        if (method === 'GET' || method === 'HEAD') {
          res = await (method === 'GET' ? agent.get(path) : agent.head(path));
        } else {
          const token = await csrfToken(agent, who === 'anonymous' ? '/login' : '/');
          const send = method === 'PATCH' ? agent.patch(path) : method === 'DELETE' ? agent.delete(path) : agent.post(path);
          res = await send.type('form').send({ _csrf: token });
        }
        got[who] = res.status;
        want[who] = expected[i]!;
        if (SIGNS_OUT.has(route)) agents.delete(who);
      }
      expect(got).to.deep.equal(want);
    });
  }

});

/**
 * The same questions for two youths of Sadiola who left the project, one still in touch with the group and
 * one out of touch: the routes where leaving changes something (the media), and the pages they keep.
 */
describe('permission matrix: youths who left the project', () => {
  let app: Express;
  let ids: DemoIds;
  const who = ['inTouch', 'outOfTouch'] as const;
  const left = new Map<(typeof who)[number], { agent: Agent; enrolmentId: number; mediumId: number }>();

  before(async () => {
    ids = await resetToDemo();
    app = buildApp();
    const karim = await userFor(testDb(), ids.users.karim);
    for (const [name, firstName, login, staysInTouch] of [['inTouch', 'Léa', 'matrix.lea', true], ['outOfTouch', 'Chloé', 'matrix.chloe', false]] as const) {
      const { userId, enrolment } = await youthWithAccount(testDb(), ids.groups.sadiola, firstName, login);
      const mediumId = await storedPhoto(testDb(), testDatabase().config.uploadDir, ids.groups.sadiola, userId);
      await withdraw(testDb(), karim, enrolment, { reason: staysInTouch ? 'job' : 'lost_contact', note: null, withdrawnOn: '2026-01-05', staysInTouch });
      left.set(name, { agent: await signIn(app, login), enrolmentId: enrolment.enrolment_id, mediumId });
    }
  });

  it('asks only about routes the app answers, and about every media route', () => {
    const routes = Object.keys(MATRIX);
    expect(Object.keys(withdrawnYouthRows).filter((r) => !routes.includes(r))).to.deep.equal([]);
    const mediaRoutes = Object.keys(mediaRows);
    expect(mediaRoutes.filter((r) => !(r in withdrawnYouthRows))).to.deep.equal([]);
  });

  for (const [route, expected] of Object.entries(withdrawnYouthRows)) {
    it(`${route}: youth in touch ${expected[0]}, youth out of touch ${expected[1]}`, async () => {
      const [method, pattern] = route.split(' ') as [string, string];
      const got: Record<string, number> = {};
      for (const name of who) {
        const { agent, enrolmentId, mediumId } = left.get(name)!;
        const path = await resolvePath(testDb(), pattern, {
          ids, targetUserId: 0, overrides: { mediumId: async () => mediumId, enrolmentId: async () => enrolmentId },
        });
        const res = method === 'GET' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf: await csrfToken(agent, '/') });
        got[name] = res.status;
      }
      expect(got).to.deep.equal({ inTouch: expected[0], outOfTouch: expected[1] });
    });
  }
});
