import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { ASKED, isKind, keepGroupsRequirements, KINDS, type Asked, type PaperRules } from '../documents/requirements.js';
import { recordSettingChange } from './settings.js';

/**
 * The papers new groups ask for, beyond the built-in rules per destination: a network's default, set by its
 * coordinator (or the platform), and each structure's own word over it — leaving out a paper the network
 * asks for, or asking one more. Groups that exist keep what they ask for (`keepGroupsRequirements`).
 */
export const CHOICES = ['inherit', ...ASKED] as const;

export const PapersForm = z.object(
  Object.fromEntries(KINDS.map((k) => [`paper_${k}`, z.enum(CHOICES, { message: 'validation.required' })])) as Record<`paper_${(typeof KINDS)[number]}`, z.ZodEnum<{ inherit: 'inherit'; always: 'always'; never: 'never' }>>,
).transform((data): PaperRules => {
  const rules: PaperRules = {};
  for (const k of KINDS) {
    const choice = data[`paper_${k}`];
    if (choice !== 'inherit') rules[k] = choice;
  }
  return rules;
});

export function papersFormValues(rules: PaperRules): Record<string, string> {
  return Object.fromEntries(KINDS.map((k) => [`paper_${k}`, rules[k] ?? 'inherit']));
}

type Owner = { table: 'network_paper_rules'; column: 'network_id' } | { table: 'structure_paper_rules'; column: 'structure_id' };
const NETWORK: Owner = { table: 'network_paper_rules', column: 'network_id' };
const STRUCTURE: Owner = { table: 'structure_paper_rules', column: 'structure_id' };

async function rulesOf(db: Db, owner: Owner, id: number): Promise<PaperRules> {
  const rows: { kind: string; asked: string }[] = await db(owner.table).where(owner.column, id).select('kind', 'asked');
  const rules: PaperRules = {};
  for (const r of rows) if (isKind(r.kind) && (ASKED as readonly string[]).includes(r.asked)) rules[r.kind] = r.asked as Asked;
  return rules;
}

export const networkPaperRules = (db: Db, networkId: number) => rulesOf(db, NETWORK, networkId);
export const structurePaperRules = (db: Db, structureId: number) => rulesOf(db, STRUCTURE, structureId);

/** The same rules in one stable text, for the history: kinds in their order. */
const stored = (rules: PaperRules): string => JSON.stringify(Object.fromEntries(KINDS.filter((k) => rules[k]).map((k) => [k, rules[k]])));

/** Replaces one level's rules; returns whether they changed. */
async function replaceRules(trx: Db, owner: Owner, id: number, rules: PaperRules): Promise<boolean> {
  if (stored(await rulesOf(trx, owner, id)) === stored(rules)) return false;
  await trx(owner.table).where(owner.column, id).del();
  const rows = KINDS.filter((k) => rules[k]).map((k) => ({ [owner.column]: id, kind: k, asked: rules[k] }));
  if (rows.length) await trx(owner.table).insert(rows);
  return true;
}

/** The network's default list, for every structure of it; recorded in the network's history. */
export async function setNetworkPapers(db: Db, user: Express.User, networkId: number, rules: PaperRules): Promise<boolean> {
  return db.transaction(async (trx) => {
    const structures: { id: number }[] = await trx('structures').where({ network_id: networkId }).select('id');
    await keepGroupsRequirements(trx, structures.map((s) => Number(s.id)));
    const changed = await replaceRules(trx, NETWORK, networkId, rules);
    if (changed) {
      await trx('network_setting_changes').insert({
        network_id: networkId, setting: 'papers', value: stored(rules), changed_by: user.id, changed_by_name: user.displayName, at: nowIso(),
      });
    }
    return changed;
  });
}

/** The structure's own word over its network's list; recorded in the structure's history. */
export async function setStructurePapers(db: Db, user: Express.User, structureId: number, rules: PaperRules): Promise<boolean> {
  return db.transaction(async (trx) => {
    await keepGroupsRequirements(trx, [structureId]);
    const changed = await replaceRules(trx, STRUCTURE, structureId, rules);
    if (changed) await recordSettingChange(trx, user, structureId, 'papers', stored(rules));
    return changed;
  });
}
