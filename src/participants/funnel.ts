import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { hasLeft, hasReturned, phaseRank, type Phase } from '../phases/order.js';
import { keptOutAt, keptOutAtSql, type WithdrawalReason } from './withdrawal.js';
import { presentingEnrolments } from '../restitution/restitution.js';

/**
 * The funnel of a group: enrolled → still preparing → departed → returned → took part in restitution, and
 * who left at which step and why ("we start with 10 youths but only 4 or 5 leave").
 *
 * A youth passes a step only if they passed the one before. Each step after the first is crossed when the
 * group enters a phase (departure, stay, return); a youth misses it when a withdrawal covers that moment:
 * they left in an earlier phase and had not come back by then. Someone who left during the preparation and
 * came back before the departure still left with the group; someone who came back after the stay did not.
 */
export const FUNNEL_STEPS = ['enrolled', 'prepared', 'departed', 'returned', 'restitution'] as const;
export type FunnelStepKey = (typeof FUNNEL_STEPS)[number];

export interface FunnelLeaver {
  enrolmentId: number;
  firstName: string;
  lastName: string;
  /** Why: a withdrawal reason, or planned from the start not to travel. */
  reason: WithdrawalReason | 'not_departing';
  phase: Phase | null;
  withdrawnOn: string | null;
  note: string | null;
  staysInTouch: boolean | null;
  rejoinedOn: string | null;
}

export interface FunnelStep {
  key: FunnelStepKey;
  /** False until the group gets there: the step then shows "not yet", never a misleading 0. */
  reached: boolean;
  count: number | null;
  /** The youths who stopped at this step, and why. */
  left: FunnelLeaver[];
}

export interface GroupFunnel {
  steps: FunnelStep[];
}

/**
 * The enrolments of the group whose youth presented the project at home, at one restitution event or more
 * (`restitution_presenters`). The step reads "not yet" while the group has not reached restitution.
 */
export async function restitutionParticipants(db: Db, groupId: number): Promise<Set<number>> {
  return presentingEnrolments(db, groupId);
}

/** SQL: the youth of enrolment `e` was out of the project when the group entered the phase `boundary`. */
const outAt = (boundary: Phase): string =>
  `exists (select 1 from withdrawals w where w.enrolment_id = e.id and ${keptOutAtSql(boundary)})`;

// Boundaries: entering departure ends the preparation, then stay, return, restitution, after.
const BOUNDARY_STEP: [boundary: Phase, step: FunnelStepKey][] = [
  ['departure', 'prepared'],
  ['stay', 'departed'],
  ['return', 'returned'],
  ['restitution', 'restitution'],
  ['after', 'restitution'],
];

export async function groupFunnel(db: Db, group: { id: number; phase: Phase }): Promise<GroupFunnel> {
  const presenters = [...(await restitutionParticipants(db, group.id))];
  const departing = db.client.config.client === 'pg' ? 'e.departing = true' : 'e.departing = 1';

  const prepared = `not ${outAt('departure')}`;
  const departed = `${prepared} and ${departing} and not ${outAt('stay')}`;
  const returned = `${departed} and not ${outAt('return')}`;
  const restituted = presenters.length ? `${returned} and e.id in (${presenters.map(() => '?').join(', ')})` : '1 = 0';
  const counted = (condition: string, alias: string, bindings: number[] = []): Knex.Raw =>
    db.raw(`count(distinct case when ${condition} then e.youth_id end) as ${alias}`, bindings);

  const totals = await db({ e: 'enrolments' })
    .where('e.group_id', group.id)
    .first(
      db.raw('count(distinct e.youth_id) as enrolled'),
      counted(prepared, 'prepared'),
      counted(departed, 'departed'),
      counted(returned, 'returned'),
      counted(restituted, 'restitution', presenters),
    );

  const reached: Record<FunnelStepKey, boolean> = {
    enrolled: true, prepared: true, departed: hasLeft(group.phase), returned: hasReturned(group.phase),
    restitution: phaseRank(group.phase) >= phaseRank('restitution'),
  };
  const left = await leavers(db, group.id, reached.departed);
  return {
    steps: FUNNEL_STEPS.map((key) => ({
      key,
      reached: reached[key],
      count: reached[key] ? toNumber(totals?.[key]) : null,
      left: left[key],
    })),
  };
}

/** For each step, the youths who stopped there, each with the withdrawal that stopped them. */
async function leavers(db: Db, groupId: number, departureReached: boolean): Promise<Record<FunnelStepKey, FunnelLeaver[]>> {
  const flags = BOUNDARY_STEP.map(([b], i) => `case when ${outAt(b)} then 1 else 0 end as out${i}`).join(', ');
  const youths: ({ enrolment_id: number; first_name: string; last_name: string; departing: unknown } & Record<string, unknown>)[] = await db({ e: 'enrolments' })
    .join('youths as y', 'y.id', 'e.youth_id')
    .where('e.group_id', groupId)
    .orderBy([{ column: 'y.last_name' }, { column: 'y.first_name' }])
    .select('e.id as enrolment_id', 'y.first_name', 'y.last_name', 'e.departing', db.raw(flags));
  const withdrawals: { enrolment_id: number; phase: Phase; withdrawn_on: string; reason: WithdrawalReason; note: string | null; stays_in_touch: unknown; rejoined_on: string | null; rejoined_phase: Phase | null }[] =
    await db('withdrawals')
      .join('enrolments', 'enrolments.id', 'withdrawals.enrolment_id')
      .where('enrolments.group_id', groupId)
      .orderBy([{ column: 'withdrawals.withdrawn_on' }, { column: 'withdrawals.id' }])
      .select('withdrawals.*');

  const out: Record<FunnelStepKey, FunnelLeaver[]> = { enrolled: [], prepared: [], departed: [], returned: [], restitution: [] };
  for (const y of youths) {
    const person = { enrolmentId: y.enrolment_id, firstName: y.first_name, lastName: y.last_name };
    const first = BOUNDARY_STEP.findIndex((_, i) => toNumber(y[`out${i}`]) === 1);
    // Not meant to travel: they stop at the departure, unless a withdrawal stopped them earlier.
    if (!y.departing && departureReached && (first === -1 || first >= 1)) {
      out.departed.push({ ...person, reason: 'not_departing', phase: null, withdrawnOn: null, note: null, staysInTouch: null, rejoinedOn: null });
      continue;
    }
    if (first === -1) continue;
    const [boundary, step] = BOUNDARY_STEP[first]!;
    const w = withdrawals.find((x) => x.enrolment_id === y.enrolment_id && keptOutAt(x, boundary));
    if (!w) continue;
    out[step].push({
      ...person, reason: w.reason, phase: w.phase, withdrawnOn: w.withdrawn_on, note: w.note,
      staysInTouch: Boolean(w.stays_in_touch), rejoinedOn: w.rejoined_on,
    });
  }
  return out;
}
