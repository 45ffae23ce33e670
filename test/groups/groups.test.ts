import { expect } from 'chai';
import { appOnDemo, buildApp, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { addFunder } from '../../src/groups/group.js';
import { enrolmentsExpectedOn, findMeeting, planMeeting, recordAttendance } from '../../src/meetings/meeting.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount } from '../../src/users/user.js';

const validGroup = (overrides: Record<string, string> = {}) => ({
  name: 'Chantier école à Kawara', destinationCountry: 'BF',
  destinationPlace: 'Kawara', partnerName: 'Comité de jumelage', partnerContact: 'contact@kawara.example', theme: 'Une école',
  departureDate: '2027-07-01', returnDate: '2027-07-20', minAttendancePct: '70', ...overrides,
});

describe('groups', () => {
  let ids: DemoIds;
  let karim: Agent;
  before(async () => ({ ids, karim } = await appOnDemo('karim')));

  describe('GET /groups', () => {
    it('shows a worker the groups they lead or co-lead, and no other', async () => {
      const text = visibleText((await karim.get('/groups')).text);
      expect(text).to.include('Rencontre des jeunes de Sadiola').and.include('Construire parasismique en Algérie');
      expect(text).not.to.include('Échange avec la MJC de Bafou');
    });

    it('shows a director every group of their structure, and none of another structure', async () => {
      const director = await signIn(buildApp(), DEMO_ACCOUNTS.director.email);
      const text = visibleText((await director.get('/groups')).text);
      for (const name of ['Rencontre des jeunes de Sadiola', 'Finir le dispensaire et la classe', 'Construire parasismique en Algérie']) expect(text).to.include(name);
      for (const name of ['Échange avec la MJC de Bafou', 'Jumelage Le Portel – Kawara']) expect(text).not.to.include(name);
      const mjc = visibleText((await (await signIn(buildApp(), DEMO_ACCOUNTS.directorMjc.email)).get('/groups')).text);
      expect(mjc).to.include('Échange avec la MJC de Bafou').and.include('Jumelage Le Portel – Kawara').and.not.include('Rencontre des jeunes de Sadiola');
    });

    it('is a 404 for a director on a group of another structure', async () => {
      const director = await signIn(buildApp(), DEMO_ACCOUNTS.director.email);
      expect((await director.get(`/groups/${ids.groups.bafou}`)).status).to.equal(404);
      expect((await director.get(`/groups/${ids.groups.sadiola}`)).status).to.equal(200);
    });
  });

  describe('POST /groups', () => {
    it('creates the group in the structure of the worker who created it, led by them', async () => {
      const res = await postForm(karim, '/groups', validGroup(), '/groups/new');
      expect(res.status).to.equal(303);
      const id = Number(res.headers.location!.split('/').pop());
      const group = await testDb()('groups').where({ id }).first();
      expect(group).to.include({ name: 'Chantier école à Kawara', destination_country: 'BF', phase: 'preparation', min_attendance_pct: 70 });
      expect(group.structure_id).to.equal(ids.structures['Mission locale du Douaisis']);
      expect(await testDb()('group_workers').where({ group_id: id }).select('user_id', 'role')).to.deep.equal([{ user_id: ids.users.karim, role: 'lead' }]);
      const page = visibleText((await karim.get(res.headers.location!)).text);
      expect(page).to.include('Groupe créé.').and.include('Burkina Faso');
    });

    it('refuses a return before the departure and an impossible date, keeping everything typed', async () => {
      const res = await postForm(karim, '/groups', validGroup({ departureDate: '2027-02-30', returnDate: '2027-01-10', name: 'Projet <Maroc>' }), '/groups/new');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Cette date n’existe pas.');
      expect(res.text).to.include('value="Projet &lt;Maroc&gt;"').and.include('value="2027-02-30"').and.include('value="Comité de jumelage"');
      const ok = await postForm(karim, '/groups', validGroup({ departureDate: '2027-03-01', returnDate: '2027-02-10' }), '/groups/new');
      expect(ok.status).to.equal(422);
      expect(visibleText(ok.text)).to.include('Le retour doit être après le départ.');
    });

    it('records the funders typed on the creation form with the group, and skips the lines left empty', async () => {
      const res = await postForm(karim, '/groups', validGroup({
        name: 'Chantier financé dès le départ', funderName1: 'Région Hauts-de-France', scheme1: 'Bouge de là', amount1: '1 500,50',
        funderName2: '', scheme2: '', amount2: '',
      }), '/groups/new');
      expect(res.status).to.equal(303);
      const id = Number(res.headers.location!.split('/').pop());
      // PostgreSQL gives a bigint as a string.
      const funders = await testDb()('group_funders').where({ group_id: id }).select('name', 'scheme', 'amount_cents');
      expect(funders.map((f) => ({ ...f, amount_cents: Number(f.amount_cents) })))
        .to.deep.equal([{ name: 'Région Hauts-de-France', scheme: 'Bouge de là', amount_cents: 150050 }]);
      expect(visibleText((await karim.get(res.headers.location!)).text)).to.include('Région Hauts-de-France');
    });

    it('refuses a funder line begun without a name or with a wrong amount, on that line, keeping everything typed, and makes no group', async () => {
      const res = await postForm(karim, '/groups', validGroup({
        name: 'Financeurs à corriger', funderName1: 'CAF du Nord', amount1: 'beaucoup', scheme2: 'FDVA',
      }), '/groups/new');
      expect(res.status).to.equal(422);
      expect(res.text).to.match(/<p class="error" id="f-amount1-error">[\s\S]*?Montant en euros, par exemple 1500 ou 1500,50\./);
      expect(res.text).to.match(/<p class="error" id="f-funderName2-error">[\s\S]*?À remplir\./);
      expect(res.text).to.include('value="CAF du Nord"').and.include('value="beaucoup"').and.include('value="FDVA"').and.include('value="Financeurs à corriger"');
      expect(await testDb()('groups').where({ name: 'Financeurs à corriger' }).first()).to.equal(undefined);
    });

    it('refuses a funder name sent twice rather than dropping the line', async () => {
      const token = (await karim.get('/groups/new')).text.match(/name="_csrf" value="([^"]+)"/)![1]!;
      const res = await karim.post('/groups').type('form').send(`_csrf=${encodeURIComponent(token)}&${new URLSearchParams(validGroup({ name: 'Financeur en double' }))}&funderName1=A&funderName1=B`);
      expect(res.status).to.equal(422);
      expect(res.text).to.include('id="f-funderName1-error"');
      expect(await testDb()('groups').where({ name: 'Financeur en double' }).first()).to.equal(undefined);
    });

    it('asks for a country from the list', async () => {
      const res = await postForm(karim, '/groups', validGroup({ destinationCountry: 'XX' }), '/groups/new');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez un pays dans la liste.');
    });

    it('ignores a structure sent with the form: the group stays in the worker\'s', async () => {
      const res = await postForm(karim, '/groups', validGroup({ structureId: String(ids.structures["MJC d'Halluin"]), newStructure: 'MJC de Saint-Omer' }), '/groups/new');
      expect(res.status).to.equal(303);
      const group = await testDb()('groups').where({ id: Number(res.headers.location!.split('/').pop()) }).first('structure_id');
      expect(group.structure_id).to.equal(ids.structures['Mission locale du Douaisis']);
      expect(await testDb()('structures').where({ name: 'MJC de Saint-Omer' }).first()).to.equal(undefined);
    });
  });

  describe('POST /groups/:id', () => {
    it('saves the changes of the lead worker', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}`, validGroup({ name: 'Sadiola 2027', destinationCountry: 'ML' }), `/groups/${ids.groups.sadiola}/edit`);
      expect(res.status).to.equal(303);
      const group = await testDb()('groups').where({ id: ids.groups.sadiola }).first();
      expect(group.name).to.equal('Sadiola 2027');
      expect(group.structure_id).to.equal(ids.structures['Mission locale du Douaisis']);
    });

    it('is not found for a worker of other groups, and forbidden to a youth of the group', async () => {
      const elodie = await signIn(buildApp(), DEMO_ACCOUNTS.elodie.email);
      expect((await postForm(elodie, `/groups/${ids.groups.sadiola}`, validGroup(), '/groups')).status).to.equal(404);
      const ines = await signIn(buildApp(), 'ines.d');
      expect((await postForm(ines, `/groups/${ids.groups.sadiola}`, validGroup(), '/groups')).status).to.equal(403);
    });
  });

  describe('funders, accompanying adults and co-leads', () => {
    it('records a funder with its scheme and an amount typed the French way', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/funders`, { funderName: 'Région Hauts-de-France', scheme: 'DRAPP', amount: '1 500,50' }, `/groups/${ids.groups.sadiola}/edit`);
      expect(res.status).to.equal(303);
      const row = await testDb()('group_funders').where({ group_id: ids.groups.sadiola }).first();
      expect(row).to.include({ name: 'Région Hauts-de-France', scheme: 'DRAPP' });
      expect(Number(row.amount_cents)).to.equal(150050);
      const page = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(page).to.include('Région Hauts-de-France (DRAPP)').and.include('1 500,50');
    });

    it('refuses an amount that is not money and shows the error on the edit page', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/funders`, { funderName: 'Ville', amount: 'beaucoup' }, `/groups/${ids.groups.sadiola}/edit`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Montant en euros');
      expect(res.text).to.include('value="beaucoup"');
    });

    it('names accompanying adults from the app (a worker of the group) or from outside it', async () => {
      // Élodie, of the MJC, co-leads the mission locale's group in Algeria: she may go with it.
      const edit = `/groups/${ids.groups.algerie}/edit`;
      await postForm(karim, `/groups/${ids.groups.algerie}/companions`, { companionUserId: String(ids.users.elodie), companionName: '', companionRole: 'animatrice' }, edit);
      await postForm(karim, `/groups/${ids.groups.algerie}/companions`, { companionUserId: '', companionName: 'Jean Dupont', companionRole: 'élu à la jeunesse' }, edit);
      const empty = await postForm(karim, `/groups/${ids.groups.algerie}/companions`, { companionUserId: '', companionName: '' }, edit);
      expect(empty.status).to.equal(422);
      const page = visibleText((await karim.get(`/groups/${ids.groups.algerie}`)).text);
      expect(page).to.include('Élodie Martin animatrice').and.include('Jean Dupont élu à la jeunesse');
    });

    it('offers the workers of the group\'s structure only, and refuses a worker of another structure', async () => {
      const edit = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/edit`)).text);
      expect(edit).not.to.include('Élodie Martin');
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/companions`, { companionUserId: String(ids.users.elodie), companionName: '' }, `/groups/${ids.groups.sadiola}/edit`);
      expect(res.status).to.equal(422);
    });

    it('adds a co-lead of the structure who then sees the group, and removes them; the lead cannot be removed', async () => {
      const app = buildApp();
      const douaisis = ids.structures['Mission locale du Douaisis']!;
      const nora = await createAccount(testDb(), { role: 'worker', displayName: 'Nora Ait', email: 'nora@douaisis.test', password: 'nora-douaisis-1' }, { structureId: douaisis });
      const agent = await signIn(app, 'nora@douaisis.test', 'nora-douaisis-1');
      expect((await agent.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(404);
      const add = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { workerUserId: String(nora.id) }, `/groups/${ids.groups.dispensaire}/edit`);
      expect(add.status).to.equal(303);
      expect((await agent.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(200);
      const again = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { workerUserId: String(nora.id) }, `/groups/${ids.groups.dispensaire}/edit`);
      expect(again.status).to.equal(422);
      expect(visibleText(again.text)).to.include('Cette personne suit déjà le groupe.');
      const lead = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers/${ids.users.karim}/delete`, {}, `/groups/${ids.groups.dispensaire}/edit`);
      expect(lead.status).to.equal(404);
      const remove = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers/${nora.id}/delete`, {}, `/groups/${ids.groups.dispensaire}/edit`);
      expect(remove.status).to.equal(303);
      expect((await agent.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(404);
    });

    it('lends a worker of another structure of the network by their e-mail, never by the list', async () => {
      const app = buildApp();
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      const edit = `/groups/${ids.groups.dispensaire}/edit`;
      const picked = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { workerUserId: String(ids.users.elodie) }, edit);
      expect(picked.status).to.equal(422);
      expect((await elodie.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(404);
      const lent = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { lentEmail: ` ${DEMO_ACCOUNTS.elodie.email.toUpperCase()} ` }, edit);
      expect(lent.status).to.equal(303);
      expect((await elodie.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(200);
      // Her own director does not read the group for that: it stays the mission locale's.
      const mjc = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
      expect((await mjc.get(`/groups/${ids.groups.dispensaire}`)).status).to.equal(404);
      // Lent to this group, she does not start the mission locale's next project from it, nor lend it anyone.
      expect((await elodie.get(`/groups/${ids.groups.dispensaire}/clone`)).status).to.equal(403);
      const relent = await postForm(elodie, `/groups/${ids.groups.dispensaire}/workers`, { lentEmail: DEMO_ACCOUNTS.karim.email }, edit);
      expect(relent.status).to.equal(422);
      expect(visibleText(relent.text)).to.include('Seul·e un·e animateur·rice de la structure du groupe peut y prêter');
      await postForm(karim, `/groups/${ids.groups.dispensaire}/workers/${ids.users.elodie}/delete`, {}, edit);
    });

    it('does not lend a worker of a structure outside the network, and says no more than for an unknown e-mail', async () => {
      const [row] = await testDb()('structures').insert({ name: 'MJC de Saint-Omer', town: 'Saint-Omer', created_at: new Date().toISOString() }).returning('id');
      const elsewhere = typeof row === 'object' ? row.id : row;
      await createAccount(testDb(), { role: 'worker', displayName: 'Hors Réseau', email: 'hors@saint-omer.test', password: 'hors-reseau-1' }, { structureId: elsewhere });
      const edit = `/groups/${ids.groups.dispensaire}/edit`;
      const outside = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { lentEmail: 'hors@saint-omer.test' }, edit);
      const unknown = await postForm(karim, `/groups/${ids.groups.dispensaire}/workers`, { lentEmail: 'personne@nulle-part.test' }, edit);
      expect([outside.status, unknown.status]).to.deep.equal([422, 422]);
      expect(visibleText(outside.text)).to.include('Aucun·e animateur·rice d’une structure de votre réseau n’a cet e-mail.');
      expect(outside.text).to.include('value="hors@saint-omer.test"');
    });

    it('cannot remove a funder of another group through this one', async () => {
      await addFunder(testDb(), ids.groups.bafou, { funderName: 'Autre', scheme: null, amount: null });
      const otherId = (await testDb()('group_funders').where({ group_id: ids.groups.bafou, name: 'Autre' }).first('id')).id;
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/funders/${otherId}/delete`, {}, `/groups/${ids.groups.sadiola}/edit`);
      expect(res.status).to.equal(404);
      expect(await testDb()('group_funders').where({ id: otherId }).first()).to.not.equal(undefined);
    });
  });

  describe('POST /groups/:id/clone', () => {
    it('copies the session plan, shifted to the new departure date at the same times, with no register', async () => {
      const source = ids.groups.dispensaire;
      const group = await testDb()('groups').where({ id: source }).first();
      await testDb()('meetings').where({ group_id: source }).del();
      const departure = group.departure_date as string;
      const dayBefore = (n: number) => new Date(Date.parse(`${departure}T00:00:00Z`) - n * 86400_000).toISOString().slice(0, 10);
      const lead = await userFor(testDb(), ids.users.karim);
      const held = await planMeeting(testDb(), lead, source, { date: dayBefore(60), time: '18:00', durationMinutes: 120, place: 'MJC', type: 'project', phase: 'preparation', notes: null });
      const everyone = await enrolmentsExpectedOn(testDb(), source, dayBefore(60));
      await recordAttendance(testDb(), lead, (await findMeeting(testDb(), source, held))!, new Map([...everyone].map((id) => [id, 'present' as const])));
      await planMeeting(testDb(), lead, source, { date: dayBefore(7), time: '14:30', durationMinutes: 90, place: 'Mairie', type: 'language', phase: 'preparation', notes: null });
      const res = await postForm(karim, `/groups/${source}/clone`, { name: 'Dispensaire 2028', departureDate: '2028-03-01', returnDate: '2028-03-21' }, `/groups/${source}/clone`);
      expect(res.status).to.equal(303);
      const id = Number(res.headers.location!.split('/').pop());
      const copy = await testDb()('groups').where({ id }).first();
      expect(copy).to.include({ name: 'Dispensaire 2028', destination_country: 'ML', partner_name: group.partner_name, phase: 'preparation' });
      const plan = await testDb()('meetings').where({ group_id: id }).orderBy('starts_at').select('starts_at', 'duration_minutes', 'place', 'type', 'register_taken_at');
      expect(plan).to.deep.equal([
        { starts_at: '2028-01-01T18:00', duration_minutes: 120, place: 'MJC', type: 'project', register_taken_at: null },
        { starts_at: '2028-02-23T14:30', duration_minutes: 90, place: 'Mairie', type: 'language', register_taken_at: null },
      ]);
      expect(await testDb()('enrolments').where({ group_id: id }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
    });

    it('keeps the form when the new dates are wrong', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.dispensaire}/clone`, { name: 'Encore', departureDate: '2028-05-10', returnDate: '2028-05-01' }, `/groups/${ids.groups.dispensaire}/clone`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Le retour doit être après le départ.');
      expect(res.text).to.include('value="Encore"');
    });
  });
});
