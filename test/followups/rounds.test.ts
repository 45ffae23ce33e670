import { expect } from 'chai';
import type { FollowUpState, Milestone } from '../../src/followups/followup.js';
import { roundsByUrgency, type StatedFollowUp } from '../../src/followups/rounds.js';

let nextId = 1;
const followUp = (months: Milestone, state: FollowUpState) =>
  ({ id: nextId++, milestone_months: months, state, done_on: state === 'done' ? '2026-01-01' : null }) as StatedFollowUp;
const order = (rounds: ReturnType<typeof roundsByUrgency>) => rounds.map((r) => `${r.months}${r.current ? '*' : ''}:${r.overdue}`);

describe('the follow-up rounds, most urgent first', () => {
  it('puts the latest round with something to do first, then the older overdue ones, the most recent first', () => {
    const items = [
      followUp(1, 'overdue'), followUp(1, 'overdue'), followUp(3, 'overdue'), followUp(3, 'done'),
      followUp(6, 'due'), followUp(6, 'overdue'), followUp(12, 'later'),
    ];
    expect(order(roundsByUrgency(items, [1, 3, 6, 12]))).to.deep.equal(['6*:1', '3:1', '1:2', '12:0']);
  });

  it('makes the next round to come the current one when nothing is to do', () => {
    const items = [followUp(1, 'done'), followUp(3, 'later'), followUp(6, 'later')];
    expect(order(roundsByUrgency(items, [1, 3, 6, 12]))).to.deep.equal(['3*:0', '1:0', '6:0']);
  });

  it('lists no current round once everything is done', () => {
    expect(order(roundsByUrgency([followUp(1, 'done'), followUp(3, 'done')], [1, 3]))).to.deep.equal(['1:0', '3:0']);
  });

  it('does not list as owed the calls of a round the structure no longer plans, but keeps what was recorded in it', () => {
    const items = [followUp(1, 'overdue'), followUp(1, 'done'), followUp(3, 'overdue'), followUp(6, 'due'), followUp(12, 'later')];
    const rounds = roundsByUrgency(items, [6, 12]);
    expect(order(rounds)).to.deep.equal(['6*:0', '1:0', '12:0']);
    expect(rounds.find((r) => r.months === 1)!.items.map((f) => f.state)).to.deep.equal(['done']);
  });
});
