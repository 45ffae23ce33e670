import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';

/**
 * A double click sends the same form twice, sometimes both at once. Creating forms must make one record
 * (the group forms carry a submission token for this), or give a clear second answer (a youth already
 * enrolled, an e-mail already taken).
 */

const formValue = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1];

describe('bad input: the same form sent twice', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;

  before(async () => ({ ids, app, karim } = await appOnDemo('karim')));

  const countGroups = async (name: string) => Number((await testDb()('groups').where({ name }).count('* as n'))[0]!.n);

  /** The new-group page as the browser has it: its CSRF token and its submission token. */
  async function newGroupForm(name: string) {
    const page = await karim.get('/groups/new');
    const token = formValue(page.text, 'submissionToken');
    expect(token, 'the form carries a submission token').to.match(/^[0-9a-f-]{36}$/);
    const structureId = String((await testDb()('structures').orderBy('id').first('id')).id);
    return {
      _csrf: csrfFrom(page.text), submissionToken: token!, name, structureId, destinationCountry: 'SN',
      departureDate: '2027-05-01', returnDate: '2027-05-20', minAttendancePct: '60',
    };
  }

  describe('POST /groups', () => {
    it('makes one group when the form is sent twice, and sends both answers to it', async () => {
      const form = await newGroupForm('Double clic');
      const first = await karim.post('/groups').type('form').send(form);
      const second = await karim.post('/groups').type('form').send(form);
      expect([first.status, second.status]).to.deep.equal([303, 303]);
      expect(second.headers.location).to.equal(first.headers.location);
      expect(await countGroups('Double clic')).to.equal(1);
      const page = await karim.get(first.headers.location);
      expect(visibleText(page.text)).to.include('Double clic');
    });

    it('makes one group with its funder once when the form with a funder is sent twice', async () => {
      const form = { ...(await newGroupForm('Double clic financé')), funderName1: 'Fondation de France', amount1: '800' };
      const [first, second] = [await karim.post('/groups').type('form').send(form), await karim.post('/groups').type('form').send(form)];
      expect([first.status, second.status]).to.deep.equal([303, 303]);
      expect(await countGroups('Double clic financé')).to.equal(1);
      const id = Number(first.headers.location.split('/').pop());
      const funders = await testDb()('group_funders').where({ group_id: id }).select('name', 'amount_cents');
      expect(funders.map((f) => ({ name: f.name, amount_cents: Number(f.amount_cents) }))).to.deep.equal([{ name: 'Fondation de France', amount_cents: 80000 }]);
    });

    it('makes one group when both requests are in flight at once', async () => {
      const form = await newGroupForm('Double clic simultané');
      const answers = await Promise.all([1, 2, 3].map(() => karim.post('/groups').type('form').send(form)));
      expect(answers.map((a) => a.status)).to.deep.equal([303, 303, 303]);
      expect(new Set(answers.map((a) => a.headers.location)).size).to.equal(1);
      expect(await countGroups('Double clic simultané')).to.equal(1);
      // Led once: one lead row, not one per request.
      const id = Number(answers[0]!.headers.location.split('/').pop());
      expect(await testDb()('group_workers').where({ group_id: id })).to.have.length(1);
    });

    it('keeps the token through a refused form, so the corrected form still makes one group', async () => {
      const form = await newGroupForm('Corrigé puis doublé');
      const refused = await karim.post('/groups').type('form').send({ ...form, departureDate: '2026-02-30' });
      expect(refused.status).to.equal(422);
      expect(formValue(refused.text, 'submissionToken')).to.equal(form.submissionToken);
      const again = { ...form, _csrf: csrfFrom(refused.text) };
      const [a, b] = [await karim.post('/groups').type('form').send(again), await karim.post('/groups').type('form').send(again)];
      expect([a.status, b.status]).to.deep.equal([303, 303]);
      expect(await countGroups('Corrigé puis doublé')).to.equal(1);
    });

    it('still makes two groups from two forms, even with the same name: that is meant', async () => {
      const one = await newGroupForm('Deux fois voulu');
      const two = await newGroupForm('Deux fois voulu');
      expect(two.submissionToken).not.to.equal(one.submissionToken);
      await karim.post('/groups').type('form').send(one);
      await karim.post('/groups').type('form').send(two);
      expect(await countGroups('Deux fois voulu')).to.equal(2);
    });

    it('does not let another worker’s token lead to that worker’s group: hers is made, apart', async () => {
      const form = await newGroupForm('Jeton d’un autre');
      const karims = await karim.post('/groups').type('form').send(form);
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      const page = await elodie.get('/groups/new');
      const res = await elodie.post('/groups').type('form').send({ ...form, name: 'Jeton réutilisé', _csrf: csrfFrom(page.text) });
      expect(res.status).to.equal(303);
      expect(res.headers.location).not.to.equal(karims.headers.location);
      expect(await countGroups('Jeton réutilisé')).to.equal(1);
      expect(await countGroups('Jeton d’un autre')).to.equal(1);
    });
  });

  describe('POST /groups/:id/clone', () => {
    it('makes one copy when the form is sent twice at once', async () => {
      const page = await karim.get(`/groups/${ids.groups.dispensaire}/clone`);
      const form = { _csrf: csrfFrom(page.text), submissionToken: formValue(page.text, 'submissionToken')!, name: 'Clone doublé', departureDate: '2027-09-01', returnDate: '2027-09-20' };
      const answers = await Promise.all([1, 2].map(() => karim.post(`/groups/${ids.groups.dispensaire}/clone`).type('form').send(form)));
      expect(answers.map((a) => a.status)).to.deep.equal([303, 303]);
      expect(answers[1]!.headers.location).to.equal(answers[0]!.headers.location);
      expect(await countGroups('Clone doublé')).to.equal(1);
    });
  });

  describe('POST /groups/:id/youths', () => {
    it('enrols a youth once, and answers the second click that she is already enrolled (422)', async () => {
      const page = await karim.get(`/groups/${ids.groups.sadiola}/youths/new`);
      const form = { _csrf: csrfFrom(page.text), firstName: 'Ayşe 👩🏽‍🎓', lastName: 'Yılmaz', birthDate: '2008-03-03' };
      const first = await karim.post(`/groups/${ids.groups.sadiola}/youths`).type('form').send(form);
      const second = await karim.post(`/groups/${ids.groups.sadiola}/youths`).type('form').send(form);
      expect([first.status, second.status]).to.deep.equal([303, 422]);
      expect(visibleText(second.text)).to.include('déjà inscrit');
      expect(await testDb()('youths').where({ last_name: 'Yılmaz' })).to.have.length(1);
    });
  });

  describe('the other creating forms: a session, an event, a funder, an accompanying adult', () => {
    const today = () => new Date().toISOString().slice(0, 10);
    const forms: [string, () => string, () => string, Record<string, string>, () => Promise<number>][] = [
      ['POST /groups/:id/meetings', () => `/groups/${ids.groups.sadiola}/meetings/new`, () => `/groups/${ids.groups.sadiola}/meetings`,
        { date: '2027-02-02', time: '17:45', durationMinutes: '60', type: 'fundraising', phase: 'preparation', place: 'Double clic' },
        async () => (await testDb()('meetings').where({ place: 'Double clic' })).length],
      ['POST /groups/:id/restitution', () => `/groups/${ids.groups.dispensaire}/restitution/new`, () => `/groups/${ids.groups.dispensaire}/restitution`,
        { heldOn: today(), type: 'radio_press', place: 'Double clic', audienceTotal: '250' },
        async () => (await testDb()('restitution_events').where({ place: 'Double clic' })).length],
      ['POST /groups/:id/funders', () => `/groups/${ids.groups.sadiola}/edit`, () => `/groups/${ids.groups.sadiola}/funders`,
        { funderName: 'Double clic', amount: '2500' }, async () => (await testDb()('group_funders').where({ name: 'Double clic' })).length],
      ['POST /groups/:id/companions', () => `/groups/${ids.groups.sadiola}/edit`, () => `/groups/${ids.groups.sadiola}/companions`,
        { companionName: 'Double clic', companionRole: 'élue' }, async () => (await testDb()('group_companions').where({ name: 'Double clic' })).length],
    ];
    for (const [route, page, action, fields, count] of forms) {
      it(`${route}: the same form sent twice, then twice at once, adds one each time; two forms add two`, async () => {
        const send = async (n: number, atOnce: boolean) => {
          const html = (await karim.get(page())).text;
          const form = { ...fields, _csrf: csrfFrom(html), submissionToken: formValue(html, 'submissionToken')! };
          expect(form.submissionToken, 'the form carries a submission token').to.match(/^[0-9a-f-]{36}$/);
          const post = () => karim.post(action()).type('form').send(form);
          const answers = atOnce ? await Promise.all(Array.from({ length: n }, post)) : [await post(), await post()];
          expect(answers.map((a) => a.status)).to.deep.equal(answers.map(() => 303));
          expect(new Set(answers.map((a) => a.headers.location)).size).to.equal(1);
        };
        await send(2, false);
        expect(await count()).to.equal(1);
        await send(3, true);
        expect(await count()).to.equal(2);
      });
    }

    it('lets a form refused by the model be corrected and sent again with the same token', async () => {
      const html = (await karim.get(`/groups/${ids.groups.sadiola}/edit`)).text;
      const token = formValue(html, 'submissionToken')!;
      // A worker id that exists nowhere: refused inside the creation, after the token was claimed.
      const refused = await karim.post(`/groups/${ids.groups.sadiola}/companions`).type('form').send({ _csrf: csrfFrom(html), submissionToken: token, companionUserId: '999999' });
      expect(refused.status).to.equal(422);
      const fixed = await karim.post(`/groups/${ids.groups.sadiola}/companions`).type('form').send({ _csrf: csrfFrom(refused.text), submissionToken: token, companionName: 'Après correction' });
      expect(fixed.status).to.equal(303);
      expect(await testDb()('group_companions').where({ name: 'Après correction' })).to.have.length(1);
    });
  });

  describe('several forms at the same second', () => {
    // SQLite used to answer 503 to all but the first: see src/db/sqlite-immediate.ts.
    it('enrols four different youths sent at once, none refused', async () => {
      const page = await karim.get(`/groups/${ids.groups.sadiola}/youths/new`);
      const token = csrfFrom(page.text);
      const answers = await Promise.all(['Un', 'Deux', 'Trois', 'Quatre'].map((lastName) =>
        karim.post(`/groups/${ids.groups.sadiola}/youths`).type('form').send({ _csrf: token, firstName: 'Ensemble', lastName, birthDate: '2008-01-01' })));
      expect(answers.map((a) => a.status)).to.deep.equal([303, 303, 303, 303]);
      expect(await testDb()('youths').where({ first_name: 'Ensemble' })).to.have.length(4);
    });
  });

  describe('POST /admin/users', () => {
    it('creates an account once, and says the e-mail is taken the second time (422)', async () => {
      const admin = await signIn(app, DEMO_ACCOUNTS.admin.email);
      const page = await admin.get('/admin/users/new');
      const form = { _csrf: csrfFrom(page.text), role: 'worker', displayName: 'محمد Benali', email: 'mohamed@tremplin.test', password: 'un-mot-de-passe' };
      const [first, second] = [await admin.post('/admin/users').type('form').send(form), await admin.post('/admin/users').type('form').send(form)];
      expect([first.status, second.status]).to.deep.equal([303, 422]);
      expect(visibleText(second.text)).to.include('Cet e-mail est déjà utilisé par un autre compte.');
      expect(await testDb()('users').where({ email: 'mohamed@tremplin.test' })).to.have.length(1);
    });
  });
});
