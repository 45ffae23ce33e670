import { expect } from 'chai';
import dayjs from 'dayjs';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { phaseOn, recordTakeOver } from '../../src/phases/history.js';
import { newGroup, putInPhase } from '../participants/fixtures.js';

const day = (offset: number) => dayjs().add(offset, 'day').format('YYYY-MM-DD');

describe('the phase a group was in on a past day (phaseOn)', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => ({ ids, karim } = await usersOnDemo('karim')));

  const groupRow = async (id: number) => testDb()('groups').where({ id }).first('id', 'phase', 'departure_date', 'return_date');

  it('reads the moves recorded: before a move the group was in the phase it moved from, from its day on in the next', async () => {
    const group = await newGroup(testDb(), ids.users.karim, { departureDate: day(-5), returnDate: day(10) });
    await putInPhase(testDb(), group, 'departure');
    await testDb()('phase_transitions').insert({ group_id: group.id, from_phase: 'preparation', to_phase: 'departure', by_user: karim.id, at: `${day(-8)}T09:00:00.000Z` });
    const row = await groupRow(group.id);
    expect(await phaseOn(testDb(), row, day(-9))).to.equal('preparation');
    expect(await phaseOn(testDb(), row, day(-8))).to.equal('departure');
    expect(await phaseOn(testDb(), row, day(0))).to.equal('departure');
  });

  it('reads a group taken over from the day given on, and the days before it from its dates', async () => {
    const group = await newGroup(testDb(), ids.users.karim, { departureDate: day(-40), returnDate: day(-20) });
    await putInPhase(testDb(), group, 'restitution');
    await recordTakeOver(testDb(), karim, group.id, { phase: 'restitution', since: day(-10) });
    const row = await groupRow(group.id);
    expect(await phaseOn(testDb(), row, day(-60))).to.equal('preparation');
    expect(await phaseOn(testDb(), row, day(-30))).to.equal('stay');
    expect(await phaseOn(testDb(), row, day(-15))).to.equal('return');
    expect(await phaseOn(testDb(), row, day(-10))).to.equal('restitution');
  });

  it('never reads a phase later than the one the group is in, for a group whose moves were never recorded', async () => {
    const group = await newGroup(testDb(), ids.users.karim, { departureDate: day(-40), returnDate: day(-20) });
    await putInPhase(testDb(), group, 'stay');
    const row = await groupRow(group.id);
    expect(await phaseOn(testDb(), row, day(-50))).to.equal('preparation');
    expect(await phaseOn(testDb(), row, day(-10))).to.equal('stay');
  });
});
