import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { destinationRules } from './destinations.js';
import { recordAudit } from './audit-log.js';

/** The papers a trip can ask for, in the order a youth gathers them. */
export const KINDS = ['passport_or_id', 'visa', 'insurance', 'exit_authorisation', 'parent_id', 'health', 'image_rights'] as const;
export type Kind = (typeof KINDS)[number];
export const isKind = (value: unknown): value is Kind => typeof value === 'string' && (KINDS as readonly string[]).includes(value);

export const HEALTH_DETAILS = ['yellow_fever', 'other'] as const;
export type HealthDetail = (typeof HEALTH_DETAILS)[number];

/** One rule of a group: whether a kind of paper is asked for, of whom, by when, and how long it must last. */
export interface Requirement {
  kind: Kind;
  enabled: boolean;
  /** Only for youths under 18 on the departure day. */
  minorsOnly: boolean;
  /** Days before the departure by which the paper is due (for a visa: by which it is applied for). */
  leadDays: number;
  /** Passport: months of validity needed after the return date. */
  monthsValid: number | null;
  idCardAccepted: boolean;
  detail: HealthDetail | null;
  note: string | null;
}

/** How long before the departure each paper is due, unless the destination says otherwise (visas). */
const LEAD_DAYS: Record<Kind, number> = {
  // A passport appointment at the town hall can take weeks to get, then weeks to be made.
  passport_or_id: 90,
  visa: 60,
  insurance: 30,
  exit_authorisation: 30,
  parent_id: 30,
  // Yellow fever vaccination must be done at least 10 days before entering the country.
  health: 45,
  image_rights: 60,
};

/**
 * A network's word on one kind of paper over the built-in rules per destination, and a structure's over its
 * network's: asked always, or never. A kind it says nothing of is as the level below decides.
 */
export const ASKED = ['always', 'never'] as const;
export type Asked = (typeof ASKED)[number];
export type PaperRules = Partial<Record<Kind, Asked>>;

/**
 * The rules a new group starts from: worked out from its destination, then each kind asked or left out as
 * its structure (over its network) says.
 */
export function defaultRequirements(country: string | null | undefined, rules: PaperRules = {}): Requirement[] {
  return builtInRequirements(country).map((r) => (rules[r.kind] ? { ...r, enabled: rules[r.kind] === 'always' } : r));
}

function builtInRequirements(country: string | null | undefined): Requirement[] {
  const d = destinationRules(country);
  return KINDS.map((kind): Requirement => {
    const base: Requirement = {
      kind, enabled: true, minorsOnly: false, leadDays: LEAD_DAYS[kind], monthsValid: null, idCardAccepted: false, detail: null, note: null,
    };
    switch (kind) {
      case 'passport_or_id':
        return { ...base, monthsValid: d.passportMonths, idCardAccepted: d.idCardAccepted };
      case 'visa':
        return { ...base, enabled: d.visa, leadDays: d.visaLeadDays };
      case 'exit_authorisation':
      case 'parent_id':
        return { ...base, minorsOnly: true };
      case 'health':
        return { ...base, enabled: d.health !== null, detail: d.health ?? 'other' };
      default:
        return base;
    }
  });
}

interface PaperRuleRow {
  group_id: number;
  kind: string;
  asked: string;
}

/** The paper rules new requirements of these groups start from: their structure's over their network's. */
export async function paperRulesOfGroups(db: Db, groupIds: number[]): Promise<Map<number, PaperRules>> {
  const out = new Map<number, PaperRules>(groupIds.map((id) => [id, {}]));
  if (!groupIds.length) return out;
  const [network, own]: PaperRuleRow[][] = await Promise.all([
    db('groups').join('structures', 'structures.id', 'groups.structure_id').join('network_paper_rules as r', 'r.network_id', 'structures.network_id')
      .whereIn('groups.id', groupIds).select('groups.id as group_id', 'r.kind', 'r.asked'),
    db('groups').join('structure_paper_rules as r', 'r.structure_id', 'groups.structure_id').whereIn('groups.id', groupIds).select('groups.id as group_id', 'r.kind', 'r.asked'),
  ]);
  for (const r of [...network, ...own]) {
    if (isKind(r.kind) && (ASKED as readonly string[]).includes(r.asked)) out.get(Number(r.group_id))![r.kind] = r.asked as Asked;
  }
  return out;
}

interface RequirementRow {
  group_id: number;
  kind: string;
  enabled: boolean | number;
  minors_only: boolean | number;
  lead_days: number;
  months_valid: number | null;
  id_card_accepted: boolean | number;
  detail: string | null;
  note: string | null;
}

function fromRow(r: RequirementRow): Requirement {
  return {
    kind: r.kind as Kind, enabled: Boolean(r.enabled), minorsOnly: Boolean(r.minors_only), leadDays: Number(r.lead_days),
    monthsValid: r.months_valid === null ? null : Number(r.months_valid), idCardAccepted: Boolean(r.id_card_accepted),
    detail: (r.detail as HealthDetail | null) ?? null, note: r.note,
  };
}

function toRow(groupId: number, r: Requirement, userId: number | null) {
  return {
    group_id: groupId, kind: r.kind, enabled: r.enabled, minors_only: r.minorsOnly, lead_days: r.leadDays,
    months_valid: r.monthsValid, id_card_accepted: r.idCardAccepted, detail: r.detail, note: r.note,
    updated_by: userId, updated_at: nowIso(),
  };
}

const inKindOrder = (list: Requirement[]): Requirement[] => [...list].sort((a, b) => KINDS.indexOf(a.kind) - KINDS.indexOf(b.kind));

/**
 * The rules of several groups in one query. A group whose rules were never written gets its destination's
 * defaults, computed here without writing anything: reading a page must not depend on a write.
 */
export async function requirementsOf(db: Db, groups: { id: number; destination_country: string }[]): Promise<Map<number, Requirement[]>> {
  const out = new Map<number, Requirement[]>();
  if (!groups.length) return out;
  const [rows, rules]: [RequirementRow[], Map<number, PaperRules>] = await Promise.all([
    db('group_requirements').whereIn('group_id', groups.map((g) => g.id)).select('*'),
    paperRulesOfGroups(db, groups.map((g) => g.id)),
  ]);
  for (const g of groups) {
    const own = rows.filter((r) => Number(r.group_id) === g.id && (KINDS as readonly string[]).includes(r.kind)).map(fromRow);
    // A kind added to the app after the group's rules were written gets its default.
    const missing = defaultRequirements(g.destination_country, rules.get(g.id)).filter((d) => !own.some((r) => r.kind === d.kind));
    out.set(g.id, inKindOrder([...own, ...missing]));
  }
  return out;
}

/**
 * Writes a group's rules from its defaults (its destination's, as its structure's list narrows or extends
 * them) the first time they are needed, so that the worker adjusts the group's own copy — and so that a
 * later change of the structure's list leaves the group as it is. Two requests at once insert the same
 * rows: the second is ignored.
 */
export async function ensureRequirements(db: Db, group: { id: number; destination_country: string }): Promise<Requirement[]> {
  const existing: { kind: string }[] = await db('group_requirements').where({ group_id: group.id }).select('kind');
  const rules = (await paperRulesOfGroups(db, [group.id])).get(group.id);
  const toAdd = defaultRequirements(group.destination_country, rules).filter((d) => !existing.some((e) => e.kind === d.kind));
  if (toAdd.length) {
    await db('group_requirements').insert(toAdd.map((r) => toRow(group.id, r, null))).onConflict(['group_id', 'kind']).ignore();
  }
  return (await requirementsOf(db, [group])).get(group.id)!;
}

// ---------------------------------------------------------------------------------------------------
// The form that adjusts a group's rules

const wholeNumber = (min: number, max: number) =>
  z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, { message: 'validation.required' })
    .regex(/^\d{1,4}$/, { message: 'validation.number' })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { message: `documents.requirements.range_${min}_${max}` });

const checkbox = z
  .string()
  .optional()
  .transform((v) => v === 'yes');

const note = z
  .string()
  .trim()
  .max(500, { message: 'validation.tooLong' })
  .optional()
  .transform((v) => (v ? v : null));

/** Field names are `<what>_<kind>`, e.g. `leadDays_visa`: flat names, read back by the page, and the group's rules they make. */
export const RequirementsForm = z.object({
  ...Object.fromEntries(
    KINDS.flatMap((k): [string, z.ZodType][] => [
      [`enabled_${k}`, checkbox],
      [`minorsOnly_${k}`, checkbox],
      [`leadDays_${k}`, wholeNumber(0, 365)],
      [`note_${k}`, note],
    ]),
  ),
  monthsValid_passport_or_id: wholeNumber(0, 24),
  idCardAccepted_passport_or_id: checkbox,
  detail_health: z.enum(HEALTH_DETAILS, { message: 'validation.invalid' }),
}).transform((data) => requirementsFromForm(data));

function requirementsFromForm(data: Record<string, unknown>): Requirement[] {
  return KINDS.map((kind) => ({
    kind,
    enabled: data[`enabled_${kind}`] as boolean,
    minorsOnly: data[`minorsOnly_${kind}`] as boolean,
    leadDays: data[`leadDays_${kind}`] as number,
    monthsValid: kind === 'passport_or_id' ? (data.monthsValid_passport_or_id as number) : null,
    idCardAccepted: kind === 'passport_or_id' ? (data.idCardAccepted_passport_or_id as boolean) : false,
    detail: kind === 'health' ? (data.detail_health as HealthDetail) : null,
    note: data[`note_${kind}`] as string | null,
  }));
}

/** What the form shows for rules that exist. */
export function requirementsFormValues(list: Requirement[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const r of list) {
    if (r.enabled) values[`enabled_${r.kind}`] = 'yes';
    if (r.minorsOnly) values[`minorsOnly_${r.kind}`] = 'yes';
    values[`leadDays_${r.kind}`] = String(r.leadDays);
    values[`note_${r.kind}`] = r.note ?? '';
    if (r.kind === 'passport_or_id') {
      values.monthsValid_passport_or_id = String(r.monthsValid ?? 0);
      if (r.idCardAccepted) values.idCardAccepted_passport_or_id = 'yes';
    }
    if (r.kind === 'health') values.detail_health = r.detail ?? 'other';
  }
  return values;
}

/** The worker's adjustment of a group's rules, recorded in the audit log with what it became. */
export async function saveRequirements(db: Db, user: Express.User, group: { id: number; destination_country: string }, list: Requirement[]): Promise<void> {
  await ensureRequirements(db, group);
  await db.transaction(async (trx) => {
    for (const r of list) {
      await trx('group_requirements').where({ group_id: group.id, kind: r.kind }).update(toRow(group.id, r, user.id));
    }
    await recordAudit(trx, user, 'requirements.update', {
      groupId: group.id, subjectType: 'group', subjectId: group.id,
      details: { enabled: list.filter((r) => r.enabled).map((r) => r.kind) },
    });
  });
}

/** Back to the defaults: the destination's, as the structure's list says today (after the destination changed, say). */
export async function resetRequirements(db: Db, user: Express.User, group: { id: number; destination_country: string }): Promise<void> {
  const rules = (await paperRulesOfGroups(db, [group.id])).get(group.id);
  await saveRequirements(db, user, group, defaultRequirements(group.destination_country, rules));
}

/**
 * Writes the rules of every group of these structures that has none written yet, before their list of
 * papers changes: the groups that exist keep the papers they were asking for; only new groups follow the
 * new list.
 */
export async function keepGroupsRequirements(db: Db, structureIds: number[]): Promise<void> {
  if (!structureIds.length) return;
  const groups: { id: number; destination_country: string }[] = await db('groups').whereIn('structure_id', structureIds)
    .whereNotExists(db('group_requirements').whereRaw('group_requirements.group_id = groups.id'))
    .select('id', 'destination_country');
  for (const g of groups) await ensureRequirements(db, { id: Number(g.id), destination_country: g.destination_country });
}
