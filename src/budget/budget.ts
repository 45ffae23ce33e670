import dayjs from 'dayjs';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import type { GroupRow } from '../groups/group.js';
import { Refusal } from '../http/refusal.js';
import { calendarDate, optionalText } from '../http/validation.js';
import { travelDistanceOf } from '../groups/travel-distance.js';
import { bandOfMeasured, DISTANCE_BANDS, isDistanceBand, type DistanceBand } from './distance-band.js';
import { erasmusGrant, latestRatesUpTo, type ErasmusGrant } from './erasmus.js';
import { euroAmount, optionalEuroAmount } from './money.js';

/**
 * A group's budget against its grants: what the workers planned per line, what they spent (each spending
 * its own record, with who typed it and when), what each funder was asked for or gave, and the Erasmus+
 * grant the unit costs come to. Money is in integer cents throughout.
 */
export const BUDGET_LINES = ['travel', 'stay', 'preparation', 'insurance', 'other'] as const;
export type BudgetLine = (typeof BUDGET_LINES)[number];

export const FUNDER_KINDS = ['erasmus', 'region', 'state', 'town', 'other'] as const;
export const FUNDER_STATUSES = ['requested', 'granted', 'paid'] as const;
export type FunderStatus = (typeof FUNDER_STATUSES)[number];
/** What a funder has committed to: granted, and paid once the money came. A request is not money yet. */
export const COMMITTED: readonly FunderStatus[] = ['granted', 'paid'];

export const plannedField = (line: BudgetLine) => `planned_${line}`;

export const PlannedForm = z.object(Object.fromEntries(BUDGET_LINES.map((l) => [plannedField(l), optionalEuroAmount])) as Record<string, typeof optionalEuroAmount>);
export type PlannedInput = z.infer<typeof PlannedForm>;

export const SpendingForm = z.object({
  spendingLine: z.enum(BUDGET_LINES, { message: 'validation.required' }),
  spentOn: calendarDate,
  spendingAmount: euroAmount,
  spendingLabel: z.string({ message: 'validation.required' }).trim().min(1, { message: 'validation.required' }).max(160, { message: 'validation.tooLong' }),
});
export type SpendingInput = z.infer<typeof SpendingForm>;

export const BudgetFunderForm = z.object({
  funderName: z.string({ message: 'validation.required' }).trim().min(1, { message: 'validation.required' }).max(160, { message: 'validation.tooLong' }),
  funderKind: z.enum(FUNDER_KINDS, { message: 'validation.required' }),
  funderAmount: euroAmount,
  funderStatus: z.enum(FUNDER_STATUSES, { message: 'validation.required' }),
  funderScheme: optionalText(160),
});
export type BudgetFunderInput = z.infer<typeof BudgetFunderForm>;

export const FunderStatusForm = z.object({ status: z.enum(FUNDER_STATUSES, { message: 'validation.required' }) });

export const ErasmusForm = z.object({
  distanceBand: z.string({ message: 'validation.required' }).refine(isDistanceBand, { message: 'validation.required' }).transform((b) => b as DistanceBand),
  greenTravel: z.literal('1').optional().transform((v) => v === '1'),
});
export type ErasmusInput = z.infer<typeof ErasmusForm>;

/** The planned lines, as the workers set them: a line left empty is no longer planned. */
export async function setPlanned(db: Db, user: Express.User, groupId: number, f: PlannedInput): Promise<void> {
  const now = nowIso();
  await db.transaction(async (trx) => {
    for (const line of BUDGET_LINES) {
      const cents = f[plannedField(line)] ?? null;
      if (cents === null) {
        await trx('budget_planned').where({ group_id: groupId, line }).del();
        continue;
      }
      const row = { amount_cents: cents, updated_by: user.id, updated_at: now };
      await trx('budget_planned').insert({ group_id: groupId, line, ...row }).onConflict(['group_id', 'line']).merge(row);
    }
  });
}

/** One spending, recorded as a row of its own: nothing spent is ever overwritten. */
export async function recordSpending(db: Db, user: Express.User, groupId: number, f: SpendingInput): Promise<number> {
  if (f.spentOn > today()) throw new Refusal('spentOn', 'budget.errors.spentInFuture');
  if (f.spendingAmount === 0) throw new Refusal('spendingAmount', 'budget.errors.amountZero');
  const [row] = await db('budget_spendings')
    .insert({ group_id: groupId, line: f.spendingLine, spent_on: f.spentOn, amount_cents: f.spendingAmount, label: f.spendingLabel, recorded_by: user.id, created_at: nowIso() })
    .returning('id');
  return insertedId(row);
}

/** A funder recorded from the budget page, with its kind and where it stands; the group page lists it too. */
export async function recordFunder(db: Db, groupId: number, f: BudgetFunderInput): Promise<number> {
  const [row] = await db('group_funders')
    .insert({ group_id: groupId, name: f.funderName, scheme: f.funderScheme, kind: f.funderKind, status: f.funderStatus, amount_cents: f.funderAmount })
    .returning('id');
  return insertedId(row);
}

export async function setFunderStatus(db: Db, groupId: number, funderId: number, status: FunderStatus): Promise<boolean> {
  return (await db('group_funders').where({ id: funderId, group_id: groupId }).update({ status })) === 1;
}

export async function setErasmusActivity(db: Db, user: Express.User, groupId: number, f: ErasmusInput): Promise<void> {
  const row = { distance_band: f.distanceBand, green_travel: f.greenTravel, updated_by: user.id, updated_at: nowIso() };
  await db('budget_erasmus').insert({ group_id: groupId, ...row }).onConflict('group_id').merge(row);
}

export interface Spending {
  id: number;
  line: BudgetLine;
  spent_on: string;
  amount_cents: number;
  label: string;
  recorded_by_name: string | null;
  created_at: string;
}

export interface BudgetFunder {
  id: number;
  name: string;
  scheme: string | null;
  kind: (typeof FUNDER_KINDS)[number];
  status: FunderStatus;
  amount_cents: number | null;
}

/** Where the Erasmus+ computation stands for a group: the figures, or why there are none yet. */
export type ErasmusEstimate =
  | { state: 'computed'; grant: ErasmusGrant; youths: number; leaders: number; days: number; band: DistanceBand; greenTravel: boolean; year: number; ratesYear: number }
  | { state: 'noDates' }
  | { state: 'noBand'; youths: number; leaders: number; days: number; year: number }
  | { state: 'noRates'; year: number; band: DistanceBand; greenTravel: boolean };

export interface Budget {
  lines: { line: BudgetLine; plannedCents: number | null; spentCents: number }[];
  plannedCents: number;
  spentCents: number;
  /** What the funders granted or paid; what is only requested apart. */
  grantedCents: number;
  requestedCents: number;
  spendings: Spending[];
  funders: BudgetFunder[];
  erasmus: ErasmusEstimate;
  erasmusSetting: { distance_band: DistanceBand; green_travel: boolean } | null;
  /** The band measured from the destination, when no worker chose one. */
  measuredBand: DistanceBand | null;
}

/** Days of activity, both ends counted: the group's departure and return days are travel days of the exchange. */
export const activityDays = (departure: string, ret: string): number => dayjs(ret).diff(dayjs(departure), 'day') + 1;

export async function budgetOf(db: Db, group: Pick<GroupRow, 'id' | 'structure_id' | 'departure_date' | 'return_date' | 'destination_country' | 'destination_place'>): Promise<Budget> {
  const [planned, spentByLine, spendings, funders, youths, leaders, setting] = await Promise.all([
    db('budget_planned').where({ group_id: group.id }).select('line', 'amount_cents') as Promise<{ line: BudgetLine; amount_cents: unknown }[]>,
    db('budget_spendings').where({ group_id: group.id }).groupBy('line').select('line', db.raw('sum(amount_cents) as total')) as Promise<{ line: BudgetLine; total: unknown }[]>,
    db({ s: 'budget_spendings' }).leftJoin({ u: 'users' }, 'u.id', 's.recorded_by').where('s.group_id', group.id)
      .orderBy([{ column: 's.spent_on', order: 'desc' }, { column: 's.id', order: 'desc' }])
      .select('s.id', 's.line', 's.spent_on', 's.amount_cents', 's.label', 's.created_at', 'u.display_name as recorded_by_name') as Promise<(Spending & { id: unknown; amount_cents: unknown })[]>,
    db('group_funders').where({ group_id: group.id }).orderBy('id').select('id', 'name', 'scheme', 'kind', 'status', 'amount_cents') as Promise<(BudgetFunder & { id: unknown; amount_cents: unknown })[]>,
    db('enrolments').where({ group_id: group.id, status: 'enrolled' }).first(db.raw('count(*) as n')),
    // The group leaders: its leads and co-leads (the accompanying workers, README "The stay") and the other
    // adults who go with it, a worker listed in both counted once.
    db.first(
      db('group_workers').where({ group_id: group.id }).count('*').as('workers'),
      db('group_companions').where({ group_id: group.id })
        .where((w) => w.whereNull('user_id').orWhereNotIn('user_id', db('group_workers').where({ group_id: group.id }).select('user_id')))
        .count('*').as('others'),
    ),
    db('budget_erasmus').where({ group_id: group.id }).first('distance_band', 'green_travel') as Promise<{ distance_band: DistanceBand; green_travel: unknown } | undefined>,
  ]);
  const plannedOf = new Map(planned.map((p) => [p.line, toNumber(p.amount_cents)]));
  const spentOf = new Map(spentByLine.map((s) => [s.line, toNumber(s.total)]));
  const lines = BUDGET_LINES.map((line) => ({ line, plannedCents: plannedOf.get(line) ?? null, spentCents: spentOf.get(line) ?? 0 }));
  const fundersOut = funders.map((f) => ({ ...f, id: toNumber(f.id), amount_cents: f.amount_cents === null ? null : toNumber(f.amount_cents) }));
  const sumOf = (list: BudgetFunder[]) => list.reduce((s, f) => s + (f.amount_cents ?? 0), 0);
  const erasmusSetting = setting ? { distance_band: setting.distance_band, green_travel: Boolean(setting.green_travel) } : null;
  // Until a worker chooses it, the band is the one measured from the structure's town to the destination
  // (the group page's), so the grant shows without a step; a choice on this page wins (another venue…).
  const measured = erasmusSetting ? null : bandOfMeasured((await travelDistanceOf(db, group)).band);
  return {
    lines,
    plannedCents: lines.reduce((s, l) => s + (l.plannedCents ?? 0), 0),
    spentCents: lines.reduce((s, l) => s + l.spentCents, 0),
    grantedCents: sumOf(fundersOut.filter((f) => COMMITTED.includes(f.status))),
    requestedCents: sumOf(fundersOut.filter((f) => f.status === 'requested')),
    spendings: spendings.map((s) => ({ ...s, id: toNumber(s.id), amount_cents: toNumber(s.amount_cents) })),
    funders: fundersOut,
    erasmus: await erasmusEstimate(db, group, toNumber(youths?.n), toNumber(leaders?.workers) + toNumber(leaders?.others),
      erasmusSetting ?? (measured ? { distance_band: measured, green_travel: false } : null)),
    erasmusSetting,
    measuredBand: measured,
  };
}

/**
 * The grant for the group as it stands: its youths still enrolled and its leaders, its dates,
 * the band the workers chose, and the rates of the programme year of its departure (or the latest year before
 * it that has rates).
 */
async function erasmusEstimate(
  db: Db, group: Pick<GroupRow, 'structure_id' | 'departure_date' | 'return_date'>, youths: number, leaders: number, setting: Budget['erasmusSetting'],
): Promise<ErasmusEstimate> {
  if (!group.departure_date || !group.return_date) return { state: 'noDates' };
  const days = activityDays(group.departure_date, group.return_date);
  const year = Number(group.departure_date.slice(0, 4));
  if (!setting) return { state: 'noBand', youths, leaders, days, year };
  const rates = await latestRatesUpTo(db, group.structure_id, year);
  const band = setting.distance_band;
  if (!rates) return { state: 'noRates', year, band, greenTravel: setting.green_travel };
  const grant = erasmusGrant({ youths, leaders, days, band, greenTravel: setting.green_travel }, rates);
  return { state: 'computed', grant, youths, leaders, days, band, greenTravel: setting.green_travel, year, ratesYear: rates.year };
}

export { DISTANCE_BANDS };

/** The group page's three figures, side by side: one query of three sums, no list. */
export async function budgetSummary(db: Db, groupId: number): Promise<{ plannedCents: number; grantedCents: number; spentCents: number }> {
  const row = await db
    .first(
      db('budget_planned').where({ group_id: groupId }).sum('amount_cents').as('planned'),
      db('group_funders').where({ group_id: groupId }).whereIn('status', COMMITTED).sum('amount_cents').as('granted'),
      db('budget_spendings').where({ group_id: groupId }).sum('amount_cents').as('spent'),
    );
  return { plannedCents: toNumber(row?.planned), grantedCents: toNumber(row?.granted), spentCents: toNumber(row?.spent) };
}
