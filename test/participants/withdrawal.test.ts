import { expect } from 'chai';
import dayjs from 'dayjs';
import { resetToDemo, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { parseForm } from '../../src/http/validation.js';
import { findYouthFile, listGroupYouths } from '../../src/participants/participant.js';
import { Refusal } from '../../src/http/refusal.js';
import { rejoin, withdraw, withdrawalHistory, withdrawForm } from '../../src/participants/withdrawal.js';
import { enrolled, newGroup, putInPhase, youth } from './fixtures.js';

const today = () => dayjs().format('YYYY-MM-DD');

async function refusal(action: () => Promise<unknown>): Promise<unknown> {
  try {
    await action();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('leaving the project and coming back', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => {
    ids = await resetToDemo();
    karim = { id: ids.users.karim, role: 'worker', displayName: 'Karim Benali', email: null, username: null, locale: null, structureId: null, networkId: null };
  });

  describe('withdraw', () => {
    it('keeps the youth in the group history with the phase and the reason', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Léna', 'Morel'));
      await putInPhase(testDb(), group, 'stay');
      const phase = await withdraw(testDb(), karim, file, { reason: 'health', note: 'Rapatriée après une entorse.', withdrawnOn: today(), staysInTouch: true });
      expect(phase).to.equal('stay');
      expect((await findYouthFile(testDb(), group.id, file.enrolment_id))!.status).to.equal('withdrawn');
      const [w] = await withdrawalHistory(testDb(), file.enrolment_id);
      expect(w).to.deep.include({
        phase: 'stay', reason: 'health', note: 'Rapatriée après une entorse.', withdrawn_on: today(), stays_in_touch: true,
        rejoined_on: null, recorded_by_name: 'Karim Benali',
      });
      // Nothing is deleted: the youth is still listed in the group, as someone who left.
      expect((await listGroupYouths(testDb(), group.id)).map((y) => [y.first_name, y.status])).to.deep.equal([['Léna', 'withdrawn']]);
    });

    it('refuses a youth who already left, and records the withdrawal once', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Hugo', 'Martin'));
      const input = { reason: 'job' as const, note: null, withdrawnOn: today(), staysInTouch: false };
      await withdraw(testDb(), karim, file, input);
      const refused = await refusal(() => withdraw(testDb(), karim, file, input));
      expect(refused).to.be.instanceOf(Refusal);
      expect(refused).to.include({ field: '_form', messageKey: 'participants.errors.alreadyWithdrawn', status: 409 });
      expect(await withdrawalHistory(testDb(), file.enrolment_id)).to.have.length(1);
    });

    it('records the phase the group is in, not the one it was in at enrolment', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Nina', 'Roger'));
      await putInPhase(testDb(), group, 'departure');
      await withdraw(testDb(), karim, file, { reason: 'pregnancy', note: null, withdrawnOn: today(), staysInTouch: true });
      expect((await withdrawalHistory(testDb(), file.enrolment_id))[0]!.phase).to.equal('departure');
    });
  });

  describe('the withdraw form', () => {
    const enrolledOn = dayjs().subtract(2, 'month').format('YYYY-MM-DD');
    it('asks why and whether the youth stays in touch', () => {
      const r = parseForm(withdrawForm(enrolledOn), { withdrawnOn: today() });
      expect(!r.ok && r.errors).to.deep.equal({ reason: 'participants.errors.reason', staysInTouch: 'participants.errors.inTouch' });
    });

    it('refuses a date in the future or before the enrolment', () => {
      const base = { reason: 'job', staysInTouch: 'yes' };
      const future = parseForm(withdrawForm(enrolledOn), { ...base, withdrawnOn: dayjs().add(1, 'day').format('YYYY-MM-DD') });
      expect(!future.ok && future.errors.withdrawnOn).to.equal('participants.errors.withdrawnFuture');
      const early = parseForm(withdrawForm(enrolledOn), { ...base, withdrawnOn: dayjs().subtract(1, 'year').format('YYYY-MM-DD') });
      expect(!early.ok && early.errors.withdrawnOn).to.equal('participants.errors.withdrawnBeforeEnrolment');
      const fine = parseForm(withdrawForm(enrolledOn), { ...base, withdrawnOn: today(), note: '  ' });
      expect(fine.ok && fine.data).to.deep.equal({ reason: 'job', note: null, withdrawnOn: today(), staysInTouch: true });
    });
  });

  describe('rejoin', () => {
    it('brings the youth back and keeps the withdrawal as history, with the day and phase of return', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Yacine', 'Dahmani'));
      await withdraw(testDb(), karim, file, { reason: 'family', note: 'Déménagement', withdrawnOn: today(), staysInTouch: true });
      await putInPhase(testDb(), group, 'departure');
      await rejoin(testDb(), file);
      expect((await findYouthFile(testDb(), group.id, file.enrolment_id))!.status).to.equal('enrolled');
      const history = await withdrawalHistory(testDb(), file.enrolment_id);
      expect(history).to.have.length(1);
      expect(history[0]).to.deep.include({ reason: 'family', phase: 'preparation', rejoined_on: today(), rejoined_phase: 'departure' });
    });

    it('refuses a youth who never left', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Lou', 'Garnier'));
      const refused = await refusal(() => rejoin(testDb(), file));
      expect(refused).to.be.instanceOf(Refusal);
      expect(refused).to.include({ field: '_form', messageKey: 'participants.errors.notWithdrawn' });
    });

    it('can leave again later: each time is its own record', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const file = await enrolled(testDb(), group, youth('Eva', 'Picard'));
      await withdraw(testDb(), karim, file, { reason: 'health', note: null, withdrawnOn: today(), staysInTouch: true });
      await rejoin(testDb(), file);
      await withdraw(testDb(), karim, file, { reason: 'job', note: null, withdrawnOn: today(), staysInTouch: false });
      const history = await withdrawalHistory(testDb(), file.enrolment_id);
      expect(history.map((w) => [w.reason, w.rejoined_on])).to.deep.equal([['health', today()], ['job', null]]);
    });
  });
});
