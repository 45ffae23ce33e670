import { expect } from 'chai';
import { appOnDemo, csrfFrom, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { changedTables, snapshot } from './support.js';

/**
 * Dates that do not exist and numbers that make no sense, in every form that asks for one: each is
 * refused with the field's own message (422), the rest of the form comes back as typed, and nothing is
 * written.
 */

const IMPOSSIBLE = 'Cette date n’existe pas.';
const FORMAT = 'Date attendue au format jj/mm/aaaa.';
const today = () => new Date().toISOString().slice(0, 10);

interface Probe {
  title: string;
  page: (ids: DemoIds) => Promise<string>;
  action: (ids: DemoIds) => Promise<string>;
  valid: (ids: DemoIds) => Promise<Record<string, string>>;
  field: string;
  /** Each bad value, and what the page must say about it. */
  bad: [value: string, message: string][];
  /** A typed field that must come back. */
  kept: string;
}

const firstEnrolment = async (ids: DemoIds) => (await testDb()('enrolments').where({ group_id: ids.groups.sadiola }).orderBy('id').first('id')).id;
const dispensaireFollowUp = async (ids: DemoIds) => (await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
  .where('enrolments.group_id', ids.groups.dispensaire).orderBy('follow_ups.id').first('follow_ups.id')).id;
const groupForm = async (ids: DemoIds) => ({
  name: 'Groupe aux dates', structureId: String((await testDb()('groups').where({ id: ids.groups.sadiola }).first()).structure_id), destinationCountry: 'SN',
  theme: 'Un thème à garder', departureDate: '2027-04-01', returnDate: '2027-04-20', minAttendancePct: '70',
});

const DATES: [string, string][] = [['2026-02-30', IMPOSSIBLE], ['2027-02-29', IMPOSSIBLE], ['2026-04-31', IMPOSSIBLE], ['2026-13-01', IMPOSSIBLE], ['0000-00-00', IMPOSSIBLE], ['30/02/2026', FORMAT], ['demain', FORMAT], ['2026-2-3', FORMAT], ['12026-01-01', FORMAT]];
const PCT = 'Entre 0 et 100.';
const NUMBER = 'Nombre attendu.';
const COUNT = 'Un nombre entier, 0 ou plus.';
const DURATION = 'Entre 15 minutes et 12 heures.';
const AMOUNT = 'Montant en euros, par exemple 1500 ou 1500,50.';

const PROBES: Probe[] = [
  { title: 'new group, departure date', page: async () => '/groups/new', action: async () => '/groups', valid: groupForm, field: 'departureDate', bad: DATES, kept: 'theme' },
  { title: 'new group, return date', page: async () => '/groups/new', action: async () => '/groups', valid: groupForm, field: 'returnDate', bad: DATES, kept: 'theme' },
  {
    title: 'new group, minimum attendance', page: async () => '/groups/new', action: async () => '/groups', valid: groupForm, field: 'minAttendancePct', kept: 'theme',
    bad: [['-5', NUMBER], ['1e30', NUMBER], ['12abc', NUMBER], ['101', PCT], ['99999999999999999999', NUMBER], ['50.5', NUMBER], ['', NUMBER]],
  },
  {
    title: 'youth enrolled, date of birth', page: async (ids) => `/groups/${ids.groups.sadiola}/youths/new`, action: async (ids) => `/groups/${ids.groups.sadiola}/youths`,
    valid: async () => ({ firstName: 'Date', lastName: 'Impossible', birthDate: '2007-06-15', referredBy: 'Le club de foot' }), field: 'birthDate', kept: 'referredBy',
    bad: [['2008-02-30', IMPOSSIBLE], ['2007-13-01', IMPOSSIBLE], ['31/02/2008', IMPOSSIBLE], ['hier', FORMAT]],
  },
  {
    title: 'session planned, date', page: async (ids) => `/groups/${ids.groups.sadiola}/meetings/new`, action: async (ids) => `/groups/${ids.groups.sadiola}/meetings`,
    valid: async () => ({ date: '2027-01-15', time: '18:00', durationMinutes: '90', type: 'language', phase: 'preparation', place: 'La salle à garder' }), field: 'date', bad: DATES, kept: 'place',
  },
  {
    title: 'session planned, duration', page: async (ids) => `/groups/${ids.groups.sadiola}/meetings/new`, action: async (ids) => `/groups/${ids.groups.sadiola}/meetings`,
    valid: async () => ({ date: '2027-01-15', time: '18:00', durationMinutes: '90', type: 'language', phase: 'preparation', place: 'La salle à garder' }), field: 'durationMinutes', kept: 'place',
    bad: [['-5', DURATION], ['1e30', DURATION], ['12abc', DURATION], ['0', DURATION], ['100000', DURATION], ['99999999999999999999', DURATION]],
  },
  {
    title: 'session planned, time', page: async (ids) => `/groups/${ids.groups.sadiola}/meetings/new`, action: async (ids) => `/groups/${ids.groups.sadiola}/meetings`,
    valid: async () => ({ date: '2027-01-15', time: '18:00', durationMinutes: '90', type: 'language', phase: 'preparation', place: 'La salle à garder' }), field: 'time', kept: 'place',
    bad: [['25:00', 'Par exemple 18:00.'], ['18:60', 'Par exemple 18:00.'], ['-1:00', 'Par exemple 18:00.']],
  },
  {
    title: 'restitution event, audience', page: async (ids) => `/groups/${ids.groups.dispensaire}/restitution/new`, action: async (ids) => `/groups/${ids.groups.dispensaire}/restitution`,
    valid: async () => ({ heldOn: today(), type: 'school', place: 'Le lycée à garder', audienceTotal: '40' }), field: 'audienceTotal', kept: 'place',
    bad: [['-5', COUNT], ['1e30', COUNT], ['12abc', COUNT], ['4.5', COUNT], ['999999999', 'Plus de 100 000 personnes : vérifiez le nombre.'], ['99999999999999999999', COUNT]],
  },
  {
    title: 'restitution event, date', page: async (ids) => `/groups/${ids.groups.dispensaire}/restitution/new`, action: async (ids) => `/groups/${ids.groups.dispensaire}/restitution`,
    valid: async () => ({ heldOn: today(), type: 'school', place: 'Le lycée à garder', audienceTotal: '40' }), field: 'heldOn', bad: DATES, kept: 'place',
  },
  {
    title: 'funder, amount', page: async (ids) => `/groups/${ids.groups.sadiola}/edit`, action: async (ids) => `/groups/${ids.groups.sadiola}/funders`,
    valid: async () => ({ funderName: 'Un financeur à garder', amount: '1500' }), field: 'amount', kept: 'funderName',
    bad: [['-5', AMOUNT], ['1e30', AMOUNT], ['12abc', AMOUNT], ['1500,505', AMOUNT], ['99999999999999999999', AMOUNT]],
  },
  {
    title: 'withdrawal, date', page: async (ids) => `/groups/${ids.groups.sadiola}/youths/${await firstEnrolment(ids)}/withdraw`,
    action: async (ids) => `/groups/${ids.groups.sadiola}/youths/${await firstEnrolment(ids)}/withdraw`,
    valid: async () => ({ reason: 'other', note: 'Une note à garder', withdrawnOn: today(), staysInTouch: 'yes' }), field: 'withdrawnOn', bad: DATES, kept: 'note',
  },
  {
    title: 'follow-up, date done', page: async (ids) => `/groups/${ids.groups.dispensaire}/followups/${await dispensaireFollowUp(ids)}`,
    action: async (ids) => `/groups/${ids.groups.dispensaire}/followups/${await dispensaireFollowUp(ids)}`,
    valid: async () => ({ doneOn: today(), reached: 'yes', situation: 'school', note: 'Une note à garder' }), field: 'doneOn', bad: DATES, kept: 'note',
  },
  {
    title: 'group cloned, departure date', page: async (ids) => `/groups/${ids.groups.dispensaire}/clone`, action: async (ids) => `/groups/${ids.groups.dispensaire}/clone`,
    valid: async () => ({ name: 'Un clone à garder', departureDate: '2027-07-01', returnDate: '2027-07-21' }), field: 'departureDate', bad: DATES, kept: 'name',
  },
];

describe('bad input: impossible dates and numbers', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  let karim: Agent;

  before(async () => ({ ids, karim } = await appOnDemo('karim')));

  for (const p of PROBES) {
    it(`refuses ${p.title}: ${p.bad.map(([v]) => JSON.stringify(v)).join(', ')}, saying why and keeping the form`, async () => {
      const before = await snapshot(testDb());
      const valid = await p.valid(ids);
      for (const [value, message] of p.bad) {
        const page = await karim.get(await p.page(ids));
        const res = await karim.post(await p.action(ids)).type('form').send({ ...valid, [p.field]: value, _csrf: csrfFrom(page.text) });
        expect(res.status, `${p.field}=${JSON.stringify(value)}`).to.equal(422);
        const text = visibleText(res.text);
        expect(text, `${p.field}=${JSON.stringify(value)}`).to.include(message);
        expect(res.text, `${p.kept} kept`).to.include(`${valid[p.kept]}`);
      }
      expect(changedTables(before, await snapshot(testDb()))).to.deep.equal([]);
    });
  }

  it('takes a 29 February that exists, and a restitution attended by 0 or 100 000 people', async () => {
    const form = await groupForm(ids);
    let page = await karim.get('/groups/new');
    const leap = await karim.post('/groups').type('form').send({ ...form, departureDate: '2028-02-29', returnDate: '2028-03-10', _csrf: csrfFrom(page.text) });
    expect(leap.status, visibleText(leap.text).slice(0, 300)).to.equal(303);
    for (const audience of ['0', '100000', ' 1 500 ']) {
      page = await karim.get(`/groups/${ids.groups.dispensaire}/restitution/new`);
      const res = await karim.post(`/groups/${ids.groups.dispensaire}/restitution`).type('form')
        .send({ heldOn: today(), type: 'school', audienceTotal: audience, _csrf: csrfFrom(page.text) });
      expect(res.status, `${audience}: ${visibleText(res.text).slice(0, 300)}`).to.equal(303);
    }
    const totals = (await testDb()('restitution_events').where({ group_id: ids.groups.dispensaire }).orderBy('id', 'desc').limit(3).select('audience_total')).map((r) => Number(r.audience_total));
    expect(totals).to.deep.equal([1500, 100000, 0]);
  });
});
