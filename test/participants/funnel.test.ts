import { expect } from 'chai';
import dayjs from 'dayjs';
import { resetToDemo, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { groupFunnel, restitutionParticipants, type GroupFunnel } from '../../src/participants/funnel.js';
import { rejoin, withdraw } from '../../src/participants/withdrawal.js';
import type { YouthFile } from '../../src/participants/participant.js';
import { enrolled, newGroup, putInPhase, youth } from './fixtures.js';

const today = dayjs().format('YYYY-MM-DD');
const counts = (f: GroupFunnel) => Object.fromEntries(f.steps.map((s) => [s.key, s.count]));
const leavers = (f: GroupFunnel) => Object.fromEntries(f.steps.map((s) => [s.key, s.left.map((l) => `${l.firstName}: ${l.reason}`)]));

describe('the funnel of a group', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => {
    ids = await resetToDemo();
    karim = { id: ids.users.karim, role: 'worker', displayName: 'Karim Benali', email: null, username: null, locale: null, structureId: null, networkId: null };
  });

  /**
   * Ten youths: three leave during the preparation for known reasons, one leaves and comes back before the
   * departure, one leaves and only comes back during the stay, one prepares without being meant to leave,
   * one leaves during the departure phase and one during the stay. Two go all the way.
   */
  describe('a group of ten, followed from preparation to restitution', () => {
    let group: { id: number; phase: 'preparation' | 'departure' | 'stay' | 'return' | 'restitution' | 'after' };
    const y: Record<string, YouthFile> = {};
    const leave = (name: string, reason: 'job' | 'pregnancy' | 'lost_contact' | 'training' | 'family' | 'health' | 'other', staysInTouch = true, note: string | null = null) =>
      withdraw(testDb(), karim, y[name]!, { reason, note, withdrawnOn: today, staysInTouch });

    before(async () => {
      group = await newGroup(testDb(), ids.users.karim);
      for (const name of ['Anaïs', 'Bakary', 'Céline', 'Dounia', 'Elias', 'Fanny', 'Gabin', 'Hawa', 'Iris', 'Jules']) {
        y[name] = await enrolled(testDb(), group, youth(name, 'Test', { departing: name !== 'Dounia' }));
      }
      await leave('Anaïs', 'job', true, 'CDI en boulangerie');
      await leave('Bakary', 'pregnancy');
      await leave('Céline', 'lost_contact', false);
      await leave('Elias', 'training');
      await rejoin(testDb(), y.Elias!);
      await leave('Fanny', 'family');
    });

    it('counts everyone enrolled and those still preparing, and says the later steps are not reached yet', async () => {
      const f = await groupFunnel(testDb(), group);
      expect(counts(f)).to.deep.equal({ enrolled: 10, prepared: 6, departed: null, returned: null, restitution: null });
      expect(f.steps.map((s) => s.reached)).to.deep.equal([true, true, false, false, false]);
      expect(leavers(f).prepared).to.deep.equal(['Anaïs: job', 'Bakary: pregnancy', 'Céline: lost_contact', 'Fanny: family']);
    });

    it('tells who left at which step and why, with the note and whether they stay in touch', async () => {
      await putInPhase(testDb(), group, 'departure');
      await leave('Gabin', 'health', true, 'Opération du genou');
      await putInPhase(testDb(), group, 'stay');
      await rejoin(testDb(), y.Fanny!); // back in group life, but the group left without her
      await leave('Hawa', 'other', false, 'Rentrée plus tôt');
      await putInPhase(testDb(), group, 'return');

      const f = await groupFunnel(testDb(), group);
      expect(counts(f)).to.deep.equal({ enrolled: 10, prepared: 6, departed: 4, returned: 3, restitution: null });
      expect(leavers(f)).to.deep.equal({
        enrolled: [],
        prepared: ['Anaïs: job', 'Bakary: pregnancy', 'Céline: lost_contact', 'Fanny: family'],
        departed: ['Dounia: not_departing', 'Gabin: health'],
        returned: ['Hawa: other'],
        restitution: [],
      });
      const anais = f.steps[1]!.left[0]!;
      expect(anais).to.deep.include({ phase: 'preparation', note: 'CDI en boulangerie', staysInTouch: true, withdrawnOn: today, rejoinedOn: null });
      expect(f.steps[1]!.left.find((l) => l.firstName === 'Céline')!.staysInTouch).to.equal(false);
      expect(f.steps[1]!.left.find((l) => l.firstName === 'Fanny')!.rejoinedOn).to.equal(today);
    });

    it('reads the restitution step from its own source, empty until the restitution records exist', async () => {
      expect([...(await restitutionParticipants(testDb(), group.id))]).to.deep.equal([]);
      await putInPhase(testDb(), group, 'restitution');
      const f = await groupFunnel(testDb(), group);
      expect(f.steps[4]).to.deep.include({ key: 'restitution', reached: true, count: 0 });
    });
  });

  it('shows the demo group to Mali: ten enrolled, five who left and why, the five back all presented the project', async () => {
    const group = await testDb()('groups').where({ id: ids.groups.dispensaire }).first('id', 'phase');
    const f = await groupFunnel(testDb(), group);
    expect(counts(f)).to.deep.equal({ enrolled: 10, prepared: 6, departed: 5, returned: 5, restitution: 5 });
    expect(leavers(f).prepared).to.have.members(['Mathis: job', 'Océane: pregnancy', 'Bilal: training', 'Nathan: lost_contact']);
    expect(leavers(f).departed).to.deep.equal(['Emma: family']);
  });
});
