import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { Refusal } from '../http/refusal.js';
import { DISTANCE_BANDS, GREEN_BANDS, type DistanceBand } from './distance-band.js';
import { euroAmount } from './money.js';

/** One programme year's Erasmus+ youth exchange unit costs, in cents. */
export interface ErasmusRates {
  id: number;
  structureId: number | null;
  year: number;
  /** Organisational support, per participant per day of activity. */
  organisationalCents: number;
  /** Travel, per participant, by distance band. */
  travelCents: Record<DistanceBand, number>;
  /** Green travel, per participant, for the bands that have it. */
  greenCents: Partial<Record<DistanceBand, number>>;
  source: string | null;
  setBy: string | null;
  setAt: string;
}

/** What the grant is computed from: who goes, for how long, how far. */
export interface ErasmusActivity {
  youths: number;
  leaders: number;
  /** Days of activity, travel days included, as the group's dates say. */
  days: number;
  band: DistanceBand;
  greenTravel: boolean;
}

export interface ErasmusGrant {
  participants: number;
  organisationalCents: number;
  travelCents: number;
  totalCents: number;
  /** Whether green travel was paid at its own rate (the band has one). */
  greenApplied: boolean;
}

/**
 * The Erasmus+ grant of a youth exchange from its unit costs (Programme Guide, KA152 youth exchanges, funding
 * rules), in integer cents so the euros come out exact:
 *   participants  = young people + group leaders (the accompanying adults count as participants);
 *   organisational support = rate per participant per day × participants × days of activity;
 *   travel        = rate of the distance band per participant × participants — the green travel rate when
 *                   the group travels green and the band has one (up to 3 999 km), else the standard rate.
 * Inclusion support, preparatory visits and exceptional costs are real costs asked for separately: not here.
 */
export function erasmusGrant(a: ErasmusActivity, rates: Pick<ErasmusRates, 'organisationalCents' | 'travelCents' | 'greenCents'>): ErasmusGrant {
  const participants = a.youths + a.leaders;
  const green = a.greenTravel ? rates.greenCents[a.band] : undefined;
  const organisationalCents = rates.organisationalCents * participants * Math.max(0, a.days);
  const travelCents = (green ?? rates.travelCents[a.band]) * participants;
  return { participants, organisationalCents, travelCents, totalCents: organisationalCents + travelCents, greenApplied: green !== undefined };
}

type RateRow = Record<string, unknown> & { id: unknown; structure_id: unknown; programme_year: unknown; organisational_cents: unknown; source: string | null; set_at: string; set_by_name?: string | null };

function ratesOf(r: RateRow): ErasmusRates {
  return {
    id: toNumber(r.id),
    structureId: r.structure_id === null ? null : toNumber(r.structure_id),
    year: toNumber(r.programme_year),
    organisationalCents: toNumber(r.organisational_cents),
    travelCents: Object.fromEntries(DISTANCE_BANDS.map((b) => [b, toNumber(r[`travel_${b}_cents`])])) as Record<DistanceBand, number>,
    greenCents: Object.fromEntries(GREEN_BANDS.map((b) => [b, toNumber(r[`green_${b}_cents`])])),
    source: r.source,
    setBy: r.set_by_name ?? null,
    setAt: r.set_at,
  };
}

const rateRows = (db: Db) => db({ r: 'erasmus_rates' }).leftJoin({ u: 'users' }, 'u.id', 'r.set_by').select('r.*', 'u.display_name as set_by_name');

/**
 * The rates a structure reads for a programme year: its own latest change, or else the guide's as seeded
 * (no structure's). Null when neither exists for that year.
 */
export async function ratesFor(db: Db, structureId: number, year: number): Promise<ErasmusRates | null> {
  const row = await rateRows(db)
    .where('r.programme_year', year)
    .where((w) => w.where('r.structure_id', structureId).orWhereNull('r.structure_id'))
    // The structure's own first (nulls last on both databases through the case), then the latest change.
    .orderByRaw('case when r.structure_id is null then 1 else 0 end')
    .orderBy('r.id', 'desc')
    .first();
  return row ? ratesOf(row) : null;
}

/**
 * The rates of the latest programme year up to `year` that has some: a group leaving next year is estimated
 * with this year's rates until the next guide's are typed (the page says which year's it used).
 */
export async function latestRatesUpTo(db: Db, structureId: number, year: number): Promise<ErasmusRates | null> {
  const row = await db('erasmus_rates')
    .where('programme_year', '<=', year)
    .where((w) => w.where('structure_id', structureId).orWhereNull('structure_id'))
    .max('programme_year as year')
    .first();
  return row?.year === null || row?.year === undefined ? null : ratesFor(db, structureId, toNumber(row.year));
}

/** Every change to a structure's rates, and the guide's seeded rows, newest first: the page's history. */
export async function rateHistory(db: Db, structureId: number): Promise<ErasmusRates[]> {
  const rows = await rateRows(db).where((w) => w.where('r.structure_id', structureId).orWhereNull('r.structure_id')).orderBy([{ column: 'r.programme_year', order: 'desc' }, { column: 'r.id', order: 'desc' }]);
  return rows.map(ratesOf);
}

/** The years that have rates for the structure, newest first. */
export async function rateYears(db: Db, structureId: number): Promise<number[]> {
  const rows = await db('erasmus_rates').where((w) => w.where('structure_id', structureId).orWhereNull('structure_id')).distinct('programme_year');
  return rows.map((r: { programme_year: unknown }) => toNumber(r.programme_year)).sort((a, b) => b - a);
}

export const RATE_FIELDS = ['organisational', ...DISTANCE_BANDS.map((b) => `travel_${b}`), ...GREEN_BANDS.map((b) => `green_${b}`)] as const;

type RateField = (typeof RATE_FIELDS)[number];
const rateShape = Object.fromEntries(RATE_FIELDS.map((f) => [f, euroAmount])) as Record<RateField, typeof euroAmount>;

export const RatesForm = z
  .object({
    year: z.string({ message: 'validation.required' }).trim().regex(/^\d{4}$/, { message: 'budget.errors.year' }).transform(Number)
      .refine((y) => y >= 2021 && y <= 2100, { message: 'budget.errors.year' }),
  })
  .extend(rateShape);
export type RatesInput = z.infer<typeof RatesForm>;

/** A director's rates for a year: a new row, so the earlier ones stay as the history of who changed what. */
export async function setRates(db: Db, user: Express.User, f: RatesInput): Promise<void> {
  if (user.structureId === null) throw new Refusal('_form', 'budget.errors.noStructure', 403);
  const v = f as unknown as Record<RateField, number>;
  await db('erasmus_rates').insert({
    structure_id: user.structureId,
    programme_year: f.year,
    organisational_cents: f.organisational,
    ...Object.fromEntries(DISTANCE_BANDS.map((b) => [`travel_${b}_cents`, v[`travel_${b}` as RateField]])),
    ...Object.fromEntries(GREEN_BANDS.map((b) => [`green_${b}_cents`, v[`green_${b}` as RateField]])),
    source: null,
    set_by: user.id,
    set_at: nowIso(),
  });
}

/** The rate form's fields from a year's rates, in the reader's way of writing euros. */
export function rateFormValues(r: ErasmusRates, year: number, show: (cents: number) => string): Record<string, string> {
  return {
    year: String(year),
    organisational: show(r.organisationalCents),
    ...Object.fromEntries(DISTANCE_BANDS.map((b) => [`travel_${b}`, show(r.travelCents[b])])),
    ...Object.fromEntries(GREEN_BANDS.map((b) => [`green_${b}`, show(r.greenCents[b] ?? 0)])),
  };
}
