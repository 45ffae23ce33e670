import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { ageOn } from './participant.js';

/**
 * What funders count about a youth (Erasmus+, the region, the State's youth schemes): all optional, each
 * explained to the youth on the form and on their own page, read by whoever reads the youth's file. The
 * "fewer opportunities" situation is a category only, as the Erasmus+ programme guide lists its barriers:
 * never the detail (a diagnosis, a family story), which funders do not ask for and the file must not hold.
 */
export const GENDERS = ['female', 'male', 'another', 'not_said'] as const;
export type Gender = (typeof GENDERS)[number];

export const BARRIERS = ['disability', 'health', 'education', 'cultural', 'social', 'economic', 'discrimination', 'geographical'] as const;
export type Barrier = (typeof BARRIERS)[number];

/** The diploma reached at enrolment, as the French levels of qualification group them. */
export const EDUCATION_LEVELS = ['none', 'brevet', 'cap_bep', 'bac', 'bac_plus_2', 'higher'] as const;
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

/** The age bands of the missions locales' statistics, at the group's departure. */
export const AGE_BANDS = ['under18', '18to21', '22to25', '26plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** A yes/no question that may stay unanswered: null is "not known", never "no". */
export type Known = boolean | null;

export interface FunderFacts {
  gender: Gender | null;
  barriers: Barrier[];
  education: EducationLevel | null;
  livesInQpv: Known;
  livesInRuralArea: Known;
}

export const barrierField = (b: Barrier) => `barrier_${b}` as const;
/** The same name for the form's checkbox and the column it fills. */
const barrierColumn = barrierField;

// ---------------------------------------------------------------------------------------------------
// Derived, never stored: the dates move.

export function ageBandOf(age: number): AgeBand {
  return age < 18 ? 'under18' : age <= 21 ? '18to21' : age <= 25 ? '22to25' : '26plus';
}

/** The band on the day the group leaves; null while it has no departure date. */
export function ageBandAt(birthDate: string, departureDate: string | null | undefined): AgeBand | null {
  return departureDate ? ageBandOf(ageOn(birthDate, departureDate)) : null;
}

/**
 * Days of activity abroad, the day of departure and the day of return both counted (how Erasmus+ counts
 * the duration of an activity, travel days included); null until both dates are known.
 */
export function daysAbroad(departureDate: string | null | undefined, returnDate: string | null | undefined): number | null {
  if (!departureDate || !returnDate || returnDate < departureDate) return null;
  return Math.round((Date.parse(`${returnDate}T00:00:00Z`) - Date.parse(`${departureDate}T00:00:00Z`)) / 86_400_000) + 1;
}

/** The age band as SQL over a birth date and a departure date (YYYY-MM-DD text): the same rule as `ageBandAt`. */
export function ageBandSql(birth: string, departure: string): string {
  const age = `(cast(substr(${departure}, 1, 4) as integer) - cast(substr(${birth}, 1, 4) as integer)` +
    ` - case when substr(${departure}, 6, 5) < substr(${birth}, 6, 5) then 1 else 0 end)`;
  return `case when ${departure} is null then null when ${age} < 18 then 'under18' when ${age} <= 21 then '18to21'` +
    ` when ${age} <= 25 then '22to25' else '26plus' end`;
}

// ---------------------------------------------------------------------------------------------------
// The form's fields (part of the youth's file form)

const oneOf = <T extends readonly string[]>(list: T, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || (list as readonly string[]).includes(v), { message })
    .transform((v) => (v ? (v as T[number]) : null));

const known = z
  .enum(['yes', 'no', 'unknown', ''])
  .optional()
  .transform((v): Known => (v === 'yes' ? true : v === 'no' ? false : null));

const ticked = z
  .enum(['yes'])
  .optional()
  .transform((v) => v === 'yes');

export const funderFactsFields = {
  gender: oneOf(GENDERS, 'participants.facts.errors.gender'),
  education: oneOf(EDUCATION_LEVELS, 'participants.facts.errors.education'),
  livesInQpv: known,
  livesInRuralArea: known,
  ...(Object.fromEntries(BARRIERS.map((b) => [barrierField(b), ticked])) as Record<ReturnType<typeof barrierField>, typeof ticked>),
};

export type FunderFactsField = keyof typeof funderFactsFields;
export type FunderFactsInput = { [K in FunderFactsField]: z.infer<(typeof funderFactsFields)[K]> };

const yesNo = (v: Known) => (v === true ? 'yes' : v === false ? 'no' : 'unknown');

/**
 * The youths row's columns for these fields. A field left out (undefined: code that writes a file without
 * them) is no column at all: knex would write NULL for it on SQLite, and a database migrated down below
 * these columns (the migration tests) has none of them.
 */
export function funderFactsColumns(input: Partial<FunderFactsInput>): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    gender: input.gender,
    lives_in_qpv: input.livesInQpv,
    lives_in_rural_area: input.livesInRuralArea,
    ...Object.fromEntries(BARRIERS.map((b) => [barrierColumn(b), input[barrierField(b)]])),
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

/** The enrolment's column, by the same rule. */
export const educationColumn = (input: Partial<FunderFactsInput>): Record<string, unknown> =>
  input.education === undefined ? {} : { education_at_enrolment: input.education };

/** The columns the youth's file reads. */
export const FUNDER_FACTS_COLUMNS = [
  'youths.gender', 'youths.lives_in_qpv', 'youths.lives_in_rural_area', 'enrolments.education_at_enrolment',
  ...BARRIERS.map((b) => `youths.${barrierColumn(b)}`),
];

/** The facts of a row read with `FUNDER_FACTS_COLUMNS` (SQLite gives 0/1, PostgreSQL booleans). */
export function funderFactsOf(row: Record<string, unknown>): FunderFacts {
  const knownOf = (v: unknown): Known => (v === null || v === undefined ? null : Boolean(v));
  return {
    gender: (row.gender as Gender | null) ?? null,
    barriers: BARRIERS.filter((b) => Boolean(row[barrierColumn(b)])),
    education: (row.education_at_enrolment as EducationLevel | null) ?? null,
    livesInQpv: knownOf(row.lives_in_qpv),
    livesInRuralArea: knownOf(row.lives_in_rural_area),
  };
}

/** What the edit form shows of them. */
export function funderFactsValues(facts: FunderFacts): Record<string, string> {
  return {
    gender: facts.gender ?? '',
    education: facts.education ?? '',
    livesInQpv: yesNo(facts.livesInQpv),
    livesInRuralArea: yesNo(facts.livesInRuralArea),
    ...Object.fromEntries(facts.barriers.map((b) => [barrierField(b), 'yes'])),
  };
}

/** What a youth's own page shows of them: their answers, their age band and days abroad in that group. */
export interface OwnFunderFacts {
  facts: FunderFacts;
  ageBand: AgeBand | null;
  daysAbroad: number | null;
  /** The account the file belongs to: the page asks whether the reader may see it (`viewFunderFacts`). */
  youthUserId: number | null;
}

/** A youth's own facts, read through their own enrolment only. */
export async function ownFunderFacts(db: Db, enrolmentId: number, group: { departure_date: string | null; return_date: string | null }): Promise<OwnFunderFacts | null> {
  const row = await db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where('enrolments.id', enrolmentId).first('youths.birth_date', 'youths.user_id', ...FUNDER_FACTS_COLUMNS);
  if (!row) return null;
  return { facts: funderFactsOf(row), ageBand: ageBandAt(row.birth_date, group.departure_date), daysAbroad: daysAbroad(group.departure_date, group.return_date), youthUserId: row.user_id ?? null };
}

/** The lists the form and the file show, in their order. */
export const FACT_CHOICES = { genders: GENDERS, barriers: BARRIERS, educations: EDUCATION_LEVELS } as const;
