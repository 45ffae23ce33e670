import { MILESTONES, type FollowUpItem, type FollowUpState, type Milestone } from './followup.js';

export type StatedFollowUp = FollowUpItem & { state: FollowUpState };

export interface Round {
  months: Milestone;
  items: StatedFollowUp[];
  done: number;
  overdue: number;
  /** The round to work on now: shown open, at the top. The others are folded. */
  current: boolean;
}

/**
 * A group's follow-ups as the page shows them, by round: the round due now first, then the older rounds
 * still overdue (most recent first, each with its count), then the rest in their order. The round due now is
 * the latest one with something overdue or due within the fortnight — a 6-month call matters more than a
 * 1-month call missed long ago, which can no longer be made on time. With nothing to do, the next round to
 * come is the current one.
 *
 * A round the structure does not plan (it changed its settings after these were planned) keeps only what was
 * recorded in it: its calls not made are not owed, so they are neither listed nor overdue.
 */
export function roundsByUrgency(items: StatedFollowUp[], planned: readonly Milestone[]): Round[] {
  const rounds = MILESTONES.map((months) => {
    const all = items.filter((f) => f.milestone_months === months);
    const kept = planned.includes(months) ? all : all.filter((f) => f.state === 'done');
    return {
      months, items: kept, current: false,
      done: kept.filter((f) => f.state === 'done').length,
      overdue: kept.filter((f) => f.state === 'overdue').length,
    };
  }).filter((r) => r.items.length > 0);
  const toDo = (r: Round) => r.items.some((f) => f.state === 'overdue' || f.state === 'due');
  const current = [...rounds].reverse().find(toDo) ?? rounds.find((r) => r.items.some((f) => f.state === 'later'));
  if (!current) return rounds;
  current.current = true;
  const olderOverdue = rounds.filter((r) => r.months < current.months && r.overdue > 0).reverse();
  return [current, ...olderOverdue, ...rounds.filter((r) => r !== current && !olderOverdue.includes(r))];
}
