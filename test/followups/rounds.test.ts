import { expect } from 'chai';
import { outcomeOf, type FollowUpState, type Milestone } from '../../src/followups/followup.js';
import { roundsByUrgency, type StatedFollowUp } from '../../src/followups/rounds.js';

const ON = '2026-06-01';
const DUE_ON: Record<FollowUpState, string> = { done: '2026-01-01', overdue: '2026-01-01', due: '2026-06-10', later: '2026-09-01' };
let nextId = 1;
/** A follow-up in that state; `tried`: a call that did not reach the youth was recorded. */
const followUp = (months: Milestone, state: FollowUpState, tried = false) => {
  const f = { id: nextId++, milestone_months: months, state, due_on: DUE_ON[state], done_on: state === 'done' ? '2026-01-01' : null, reached: state === 'done' ? true : tried ? false : null };
  return { ...f, outcome: outcomeOf(f) } as StatedFollowUp;
};
const order = (rounds: ReturnType<typeof roundsByUrgency>) => rounds.map((r) => `${r.months}${r.current ? '*' : ''}:${r.tally.overdue}`);

describe('the follow-up rounds, most urgent first', () => {
  it('puts the latest round with something to do first, then the older overdue ones, the most recent first', () => {
    const items = [
      followUp(1, 'overdue'), followUp(1, 'overdue'), followUp(3, 'overdue'), followUp(3, 'done'),
      followUp(6, 'due'), followUp(6, 'overdue'), followUp(12, 'later'),
    ];
    expect(order(roundsByUrgency(items, [1, 3, 6, 12], ON))).to.deep.equal(['6*:1', '3:1', '1:2', '12:0']);
  });

  it('makes the next round to come the current one when nothing is to do', () => {
    const items = [followUp(1, 'done'), followUp(3, 'later'), followUp(6, 'later')];
    expect(order(roundsByUrgency(items, [1, 3, 6, 12], ON))).to.deep.equal(['3*:0', '1:0', '6:0']);
  });

  it('lists no current round once everything is done', () => {
    expect(order(roundsByUrgency([followUp(1, 'done'), followUp(3, 'done')], [1, 3], ON))).to.deep.equal(['1:0', '3:0']);
  });

  it('does not list as owed the calls of a round the structure no longer plans, but keeps what was recorded in it', () => {
    const items = [followUp(1, 'overdue'), followUp(1, 'done'), followUp(3, 'overdue'), followUp(6, 'due'), followUp(12, 'later')];
    const rounds = roundsByUrgency(items, [6, 12], ON);
    expect(order(rounds)).to.deep.equal(['6*:0', '1:0', '12:0']);
    expect(rounds.find((r) => r.months === 1)!.items.map((f) => f.state)).to.deep.equal(['done']);
  });

  it('keeps a round whose last call did not reach the youth to do, and counts it tried, not reached', () => {
    const items = [followUp(6, 'done'), followUp(6, 'overdue', true), followUp(6, 'overdue'), followUp(12, 'later', true)];
    const rounds = roundsByUrgency(items, [6, 12], ON);
    expect(order(rounds)).to.deep.equal(['6*:2', '12:0']);
    expect(rounds[0]!.tally).to.include({ due: 3, reached: 1, triedNotReached: 1, notTried: 1 });
    // Tried before its date: due already, as it was called.
    expect(rounds[1]!.tally).to.include({ due: 1, reached: 0, triedNotReached: 1, notTried: 0 });
  });
});
