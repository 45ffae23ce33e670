import type { Db } from '../db/knex.js';
import { hasReturned, type Phase } from '../phases/order.js';
import { groupFunnel } from '../participants/funnel.js';
import { followUpProgress, type FollowUpTally } from '../followups/followup.js';
import { countEvents, peopleReached, RULE_OF_THUMB } from './restitution.js';

export interface RestitutionSummary {
  events: number;
  peopleReached: number;
  /** Youths who left with the group (the funnel's "departed" step). */
  departed: number;
  /** People reached per departed youth, rounded; null when nobody departed. */
  perDeparted: number | null;
  /** Where that number stands against the proceedings' "30 or 40 people" per youth. */
  verdict: 'below' | 'within' | 'above' | null;
  rule: typeof RULE_OF_THUMB;
  /** Only for those who may read the follow-ups (leads and directors). */
  followUps: FollowUpTally | null;
}

export function reachVerdict(perDeparted: number | null): RestitutionSummary['verdict'] {
  if (perDeparted === null) return null;
  return perDeparted < RULE_OF_THUMB.low ? 'below' : perDeparted > RULE_OF_THUMB.high ? 'above' : 'within';
}

/**
 * What the group page says about the time after the stay: events held, people reached per departed youth
 * next to the rule of thumb, and where the follow-ups stand. Nothing before the group is back.
 */
export async function restitutionSummary(db: Db, group: { id: number; phase: Phase }, withFollowUps: boolean): Promise<RestitutionSummary | null> {
  if (!hasReturned(group.phase)) return null;
  const [events, reached, funnel, followUps] = await Promise.all([
    countEvents(db, group.id),
    peopleReached(db, group.id),
    groupFunnel(db, group),
    withFollowUps ? followUpProgress(db, group.id) : null,
  ]);
  const departed = funnel.steps.find((s) => s.key === 'departed')?.count ?? 0;
  const perDeparted = departed ? Math.round(reached / departed) : null;
  return { events, peopleReached: reached, departed, perDeparted, verdict: reachVerdict(perDeparted), rule: RULE_OF_THUMB, followUps };
}
