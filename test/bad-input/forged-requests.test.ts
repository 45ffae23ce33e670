import { expect } from 'chai';
import type { Express } from 'express';
import { buildApp, csrfToken, signIn, visibleText, type Agent } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount } from '../../src/users/user.js';
import { ROW_TABLES, SERVER_TO_SERVER, resolvePath } from '../permissions/rows/index.js';
import { recordsForEveryRoute } from '../permissions/fixtures.js';
import { changedTables, snapshot } from './support.js';

/**
 * Requests a person did not mean, or may not make: a form without its CSRF token or with a forged one,
 * and ids of another group's records typed into the URL. Every POST route of the permission matrix is
 * tried; each must be refused (403 / 404) with a page that says so, and leave every row and every file
 * as it was. The body is a plausible, complete form, so a missing check would show as a change.
 */

const POSTS = Object.keys(Object.assign({}, ...ROW_TABLES) as Record<string, unknown>).filter((r) => r.startsWith('POST ') && !SERVER_TO_SERVER.has(r)).map((r) => r.slice(5));

// Enough fields that most forms would pass their validation: a refusal must not be a mere 422.
const PLAUSIBLE_FORM = {
  name: 'Forgé', firstName: 'Forgé', lastName: 'Forgé', birthDate: '2008-01-01', destinationCountry: 'ML', structureId: '1',
  departureDate: '2027-01-01', returnDate: '2027-01-20', minAttendancePct: '50', funderName: 'Forgé', companionName: 'Forgé',
  date: '2026-01-10', time: '18:00', durationMinutes: '60', type: 'other', phase: 'preparation', heldOn: '2026-01-10',
  audienceTotal: '10', reason: 'other', withdrawnOn: '2026-01-10', staysInTouch: 'yes', note: 'forgé', confirm: 'yes',
  to: 'departure', doneOn: '2026-01-10', reached: 'no', dueOn: '2027-06-01', moment: 'before', caption: 'forgé', body: 'forgé',
  displayName: 'Forgé', role: 'youth', labelFr: 'Forgé', labelEn: 'Forged', direction: 'up', status: 'checked', onPaper: 'yes',
  expiryDate: '2030-01-01', level: 'public', consent: 'yes', lang: 'en', login: DEMO_ACCOUNTS.karim.email, password: 'wrong-password',
};

/** Posts a form with a valid token (read first: the agent attaches its cookies when the request is made). */
async function post(agent: Agent, path: string, fields: Record<string, string>) {
  const token = await csrfToken(agent, '/');
  return agent.post(path).type('form').send({ ...fields, _csrf: token });
}

describe('bad input: forged requests change nothing', function () {
  this.timeout(120_000);
  let app: Express;
  let ids: DemoIds;
  let targetUserId: number;

  before(async () => {
    ids = await resetToDemo();
    app = buildApp();
    targetUserId = (await createAccount(testDb(), { role: 'youth', displayName: 'Cible Forgée' })).id;
    // Bafou (Élodie's, unseen by Karim and Inès) gets every kind of record a route can name, and Sadiola
    // the same, as the permission matrix gives it.
    await recordsForEveryRoute(testDb(), ids.groups.bafou, ids.youthUsers['lucas.v']!);
    await recordsForEveryRoute(testDb(), ids.groups.sadiola, ids.youthUsers['ines.d']!);
  });

  const inGroup = (group: 'sadiola' | 'bafou') => (route: string) =>
    resolvePath(testDb(), route, { ids: { ...ids, groups: { ...ids.groups, sadiola: ids.groups[group] } }, targetUserId });

  describe('without the CSRF token, or with a forged one (403)', () => {
    const people: [string, string][] = [['the lead worker', DEMO_ACCOUNTS.karim.email], ['the admin', DEMO_ACCOUNTS.admin.email], ['a youth of the group', 'ines.d']];
    for (const [who, login] of people) {
      it(`refuses every POST route to ${who}, with the page that says why, and nothing changes`, async () => {
        const agent = await signIn(app, login);
        const elodieToken = await csrfToken(await signIn(app, DEMO_ACCOUNTS.elodie.email), '/');
        const before = await snapshot(testDb());
        for (const route of POSTS) {
          const path = await inGroup('sadiola')(route);
          const missing = await agent.post(path).type('form').send(PLAUSIBLE_FORM);
          const forged = await agent.post(path).type('form').send({ ...PLAUSIBLE_FORM, _csrf: 'forged.token' });
          // A token from another person's session is forged too.
          const stolen = await agent.post(path).type('form').send({ ...PLAUSIBLE_FORM, _csrf: elodieToken });
          expect([missing.status, forged.status, stolen.status], `${who} ${route}`).to.deep.equal([403, 403, 403]);
          expect(visibleText(forged.text), route).to.include('Accès refusé').and.include('rechargez-la et réessayez');
        }
        expect(changedTables(before, await snapshot(testDb())), `${who}: tables changed by refused requests`).to.deep.equal([]);
      });
    }
  });

  describe('ids of a group the user cannot see (404)', () => {
    const groupRoutes = POSTS.filter((r) => r.startsWith('/groups/:id'));

    it('answers 404 to the lead worker for every group route of another worker’s group, and nothing changes', async () => {
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const before = await snapshot(testDb());
      for (const route of groupRoutes) {
        const res = await post(karim, await inGroup('bafou')(route), PLAUSIBLE_FORM);
        expect(res.status, `${route}: ${visibleText(res.text).slice(0, 300)}`).to.equal(404);
        expect(visibleText(res.text), route).to.include('Page introuvable');
      }
      expect(changedTables(before, await snapshot(testDb()))).to.deep.equal([]);
    });

    it('answers 404 for a record of another group named under the worker’s own group, and nothing changes', async () => {
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const records = /:(enrolmentId|mediumId|meetingId|eventId|followUpId|funderId|companionId|workerId)\b/;
      const withChild = groupRoutes.filter((r) => records.test(r));
      expect(withChild.length).to.be.greaterThan(15);
      const before = await snapshot(testDb());
      for (const route of withChild) {
        // Sadiola's own id, Bafou's records for every other part of the path.
        const path = await inGroup('bafou')(route.replace('/groups/:id', `/groups/${ids.groups.sadiola}`));
        const res = await post(karim, path, PLAUSIBLE_FORM);
        expect(res.status, `${route} as ${path}`).to.equal(404);
      }
      expect(changedTables(before, await snapshot(testDb()))).to.deep.equal([]);
    });

    it('answers 404 to a youth for every route of a group she is not in, and nothing changes', async () => {
      const ines = await signIn(app, 'ines.d');
      const before = await snapshot(testDb());
      for (const route of groupRoutes) {
        const res = await post(ines, await inGroup('bafou')(route), PLAUSIBLE_FORM);
        expect(res.status, route).to.equal(404);
      }
      expect(changedTables(before, await snapshot(testDb()))).to.deep.equal([]);
    });

    it('answers 404 for ids that are not ids at all', async () => {
      const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
      const before = await snapshot(testDb());
      for (const id of ['0', '-1', '1e3', '99999999999999999999', 'abc', '1;drop table groups', '%00']) {
        const res = await post(karim, `/groups/${id}`, PLAUSIBLE_FORM);
        expect(res.status, id).to.equal(404);
        const youth = await post(karim, `/groups/${ids.groups.sadiola}/youths/${id}/withdraw`, PLAUSIBLE_FORM);
        expect(youth.status, `youth ${id}`).to.equal(404);
      }
      expect(changedTables(before, await snapshot(testDb()))).to.deep.equal([]);
    });
  });
});
