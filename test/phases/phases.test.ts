import { expect } from 'chai';
import { buildApp, postForm, signIn, visibleText } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor, usersOnDemo } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { advancePhase, approveDeparture, departureGate, type DepartureGate } from '../../src/phases/phase.js';
import type { GroupRow } from '../../src/groups/group.js';
import { recordAttendance, type AttendanceStatus } from '../../src/meetings/meeting.js';
import { papersReady } from '../documents/fixtures.js';
import { smallGroup } from '../meetings/fixtures.js';

/**
 * A small group in preparation: 3 youths meant to leave, 1 staying home, 5 preparation sessions held (2026, Feb to June),
 * and every paper the trip to Senegal asks for checked (passport, insurance, image rights): these tests are about attendance
 * and approval; the gate's papers are tested in test/documents/.
 */
async function preparedGroup(ids: DemoIds, attendance: Record<string, AttendanceStatus[]>) {
  const db = testDb();
  const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01', Célia: '2026-01-01', Dylan: '2026-01-01' }, ['Dylan']);
  const karim = await userFor(db, ids.users.karim);
  for (let i = 0; i < 5; i++) {
    const meeting = await g.meeting(`2026-0${i + 2}-10`);
    // Everyone came unless the test says otherwise.
    const register = Object.entries(g.enrolments).map(([first, id]): [number, AttendanceStatus] => [id, attendance[first]?.[i] ?? 'present']);
    await recordAttendance(db, karim, meeting, new Map(register));
  }
  await papersReady(db, g.groupId);
  return { groupId: g.groupId, enrolments: g.enrolments };
}

const loadGroup = async (id: number): Promise<GroupRow> => testDb()('groups').where({ id }).first();

describe('the phases of a group', () => {
  let ids: DemoIds;
  let karim: Express.User;
  let director: Express.User;
  before(async () => ({ ids, karim, director } = await usersOnDemo('karim', 'director')));

  describe('the departure gate', () => {
    it('names, youth by youth, whose attendance is under the minimum, and asks for the approval', async () => {
      const { groupId } = await preparedGroup(ids, {
        Awa: ['present', 'present', 'late', 'present', 'absent'], // 4/5 = 80 %
        Bruno: ['absent', 'absent', 'present', 'absent', 'excused'], // 1/4 = 25 %
        Célia: ['present', 'excused', 'excused', 'absent', 'present'], // 2/3 = 67 %
        Dylan: ['absent', 'absent', 'absent', 'absent', 'absent'], // not leaving: not checked
      });
      const gate = await departureGate(testDb(), await loadGroup(groupId));
      expect(gate.open).to.equal(false);
      expect(gate.departingCount).to.equal(3);
      expect(gate.approval).to.equal(null);
      expect(gate.youths.map((y) => [y.firstName, y.missing])).to.deep.equal([
        ['Bruno', [{ kind: 'attendance', rate: 0.25, min: 60 }]],
      ]);
    });

    it('refuses the move to departure and shows exactly what is missing', async () => {
      const { groupId } = await preparedGroup(ids, { Awa: ['absent', 'absent', 'absent', 'present', 'present'] });
      const refused = await refusalOf<DepartureGate>(advancePhase(testDb(), karim, await loadGroup(groupId), 'departure', null));
      expect(refused.detail!.youths[0]!.firstName).to.equal('Awa');
      expect((await loadGroup(groupId)).phase).to.equal('preparation');

      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.karim.email);
      const res = await postForm(agent, `/groups/${groupId}/transitions`, { to: 'departure' }, `/groups/${groupId}/phase`);
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Le groupe ne peut pas encore partir');
      expect(text).to.include('Awa Témoin').and.include('Présence aux séances de préparation : 40 % (minimum 60 %)');
      expect(text).to.include('La direction n’a pas encore validé le départ.');
    });

    it('opens once the youths are ready and a director approved, and records the move', async () => {
      const { groupId } = await preparedGroup(ids, {});
      await approveDeparture(testDb(), director, await loadGroup(groupId), null);
      const gate = await departureGate(testDb(), await loadGroup(groupId));
      expect(gate.open).to.equal(true);
      await advancePhase(testDb(), karim, await loadGroup(groupId), 'departure', 'Billets pris');
      expect((await loadGroup(groupId)).phase).to.equal('departure');
      const [t] = await testDb()('phase_transitions').where({ group_id: groupId });
      expect(t).to.include({ from_phase: 'preparation', to_phase: 'departure', note: 'Billets pris', by_user: ids.users.karim });
      expect(Date.now() - Date.parse(t.at)).to.be.lessThan(60_000);
    });

    it('lets a director override the gaps with a written reason, shown on the page', async () => {
      const { groupId } = await preparedGroup(ids, { Bruno: ['absent', 'absent', 'absent', 'absent', 'absent'] });
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.director.email);
      const res = await postForm(agent, `/groups/${groupId}/approval`, { overrideReason: 'Bruno était en formation, il a rattrapé.' }, '/groups');
      expect(res.status).to.equal(303);
      const gate = await departureGate(testDb(), await loadGroup(groupId));
      expect(gate.open).to.equal(true);
      expect(gate.youths).to.have.length(1);
      const page = visibleText((await agent.get(`/groups/${groupId}/phase`)).text);
      expect(page).to.include('Départ accordé malgré ces manques par Françoise Delcroix').and.include('Bruno était en formation, il a rattrapé.');
    });

    it('is refused to a director for a group not in preparation', async () => {
      await refusalOf(approveDeparture(testDb(), director, await loadGroup(ids.groups.maroc), null));
    });
  });

  describe('POST /groups/:id/transitions', () => {
    it('moves one step forward at a time, never two', async () => {
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.elodie.email);
      const skip = await postForm(agent, `/groups/${ids.groups.maroc}/transitions`, { to: 'restitution' }, '/groups');
      expect(skip.status).to.equal(422);
      expect(visibleText(skip.text)).to.include('On ne peut avancer que d’une étape à la fois.');
      const ok = await postForm(agent, `/groups/${ids.groups.maroc}/transitions`, { to: 'return' }, '/groups');
      expect(ok.status).to.equal(303);
      const page = visibleText((await agent.get(`/groups/${ids.groups.maroc}/phase`)).text);
      expect(page).to.include('Le groupe est passé à l’étape : Retour.').and.include('Séjour → Retour').and.include('par Élodie Martin');
    });

    it('goes back only with a reason, and back to preparation withdraws the approval', async () => {
      const { groupId } = await preparedGroup(ids, {});
      await approveDeparture(testDb(), director, await loadGroup(groupId), null);
      await advancePhase(testDb(), karim, await loadGroup(groupId), 'departure', null);
      const agent = await signIn(buildApp(), DEMO_ACCOUNTS.karim.email);
      const noReason = await postForm(agent, `/groups/${groupId}/transitions`, { to: 'preparation', note: '' }, '/groups');
      expect(noReason.status).to.equal(422);
      expect(visibleText(noReason.text)).to.include('Dites pourquoi le groupe revient en arrière.');
      const back = await postForm(agent, `/groups/${groupId}/transitions`, { to: 'preparation', note: 'Visas en retard : départ reporté' }, '/groups');
      expect(back.status).to.equal(303);
      const gate = await departureGate(testDb(), await loadGroup(groupId));
      expect(gate.approval).to.equal(null);
      const rows = await testDb()('phase_transitions').where({ group_id: groupId }).orderBy('id').select('from_phase', 'to_phase', 'note');
      expect(rows).to.deep.equal([
        { from_phase: 'preparation', to_phase: 'departure', note: null },
        { from_phase: 'departure', to_phase: 'preparation', note: 'Visas en retard : départ reporté' },
      ]);
    });

    it('lets only one of two simultaneous moves through, so no step is skipped', async () => {
      const group = await loadGroup(ids.groups.kawara);
      const results = await Promise.allSettled([
        advancePhase(testDb(), karim, group, 'stay', 'premier'),
        advancePhase(testDb(), karim, group, 'stay', 'second'),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
      expect((await loadGroup(ids.groups.kawara)).phase).to.equal('stay');
      expect(await testDb()('phase_transitions').where({ group_id: ids.groups.kawara, to_phase: 'stay' }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(1);
    });
  });
});
