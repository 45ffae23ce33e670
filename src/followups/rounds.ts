import { today } from '../db/time.js';
import { counts, MILESTONES, tallyOf, type FollowUpItem, type FollowUpOutcome, type FollowUpState, type FollowUpTally, type Milestone } from './followup.js';

export type StatedFollowUp = FollowUpItem & { state: FollowUpState; outcome: FollowUpOutcome };

export interface Round {
  months: Milestone;
  items: StatedFollowUp[];
  tally: FollowUpTally;
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
 * A call that did not reach the youth leaves its follow-up to do: tried, not reached, overdue once its date
 * has passed, like one not tried.
 *
 * A round the structure does not plan (it changed its settings after these were planned) keeps only what
 * reached a youth (`counts`): its calls not made are not owed, so they are neither listed nor overdue.
 */
export function roundsByUrgency(items: StatedFollowUp[], planned: readonly Milestone[], on: string = today()): Round[] {
  const rounds = MILESTONES.map((months) => {
    const kept = items.filter((f) => f.milestone_months === months && counts(f, planned));
    return { months, items: kept, current: false, tally: tallyOf(kept, on) };
  }).filter((r) => r.items.length > 0);
  const toDo = (r: Round) => r.items.some((f) => f.state === 'overdue' || f.state === 'due');
  const current = [...rounds].reverse().find(toDo) ?? rounds.find((r) => r.items.some((f) => f.state === 'later'));
  if (!current) return rounds;
  current.current = true;
  const olderOverdue = rounds.filter((r) => r.months < current.months && r.tally.overdue > 0).reverse();
  return [current, ...olderOverdue, ...rounds.filter((r) => r !== current && !olderOverdue.includes(r))];
}

/** The rounds a structure plans, as a sentence reads them: "6 et 12", "1, 3, 6 and 12". */
export const plannedRoundsText = (planned: readonly Milestone[], lang: string): string =>
  new Intl.ListFormat(lang, { type: 'conjunction' }).format(planned.map(String));
