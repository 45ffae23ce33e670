import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, isUniqueViolation, toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { optionalText } from '../http/validation.js';
import { Refusal } from '../http/refusal.js';
import { createAccount, FirstAdminForm, type UserRow } from '../users/user.js';

/**
 * Networks and structures: a network (e.g. "Lianes coopération, Nord-Pas de Calais") groups structures (a
 * mission locale, an MJC...); every group, and every account but the platform's, belongs to one structure.
 * The platform's admin opens them and their first accounts; a structure may keep its name from its network.
 */

export interface NetworkRow {
  id: number;
  name: string;
}

export interface StructureRow {
  id: number;
  name: string;
  town: string | null;
  network_id: number | null;
  named_in_network: boolean | number;
}

const name = z.string().trim().min(1, { message: 'validation.required' }).max(160, { message: 'validation.tooLong' });
const yesNo = z.enum(['yes', 'no'], { message: 'validation.required' }).transform((v) => v === 'yes');

export const NetworkForm = z.object({ name });

export const StructureForm = z.object({
  name,
  town: optionalText(120),
  // Empty: a structure on its own, in no network.
  networkId: z.string().optional().transform((v) => (v && /^\d{1,9}$/.test(v) ? Number(v) : null)),
  namedInNetwork: yesNo,
});

export const StructureSettingsForm = z.object({ namedInNetwork: yesNo });

/** A structure's first admin, or a network's coordinator: the same form as the first run's. */
export const PlatformAccountForm = FirstAdminForm;

export function listNetworks(db: Db): Promise<NetworkRow[]> {
  return db('networks').orderBy('name').select('id', 'name');
}

export function findNetwork(db: Db, id: number): Promise<NetworkRow | undefined> {
  return db('networks').where({ id }).first('id', 'name');
}

export function findStructure(db: Db, id: number): Promise<StructureRow | undefined> {
  return db('structures').where({ id }).first('id', 'name', 'town', 'network_id', 'named_in_network');
}

export async function createNetwork(db: Db, input: z.infer<typeof NetworkForm>): Promise<number> {
  try {
    const [row] = await db('networks').insert({ name: input.name, created_at: nowIso() }).returning('id');
    return insertedId(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refusal('name', 'structures.errors.nameTaken');
    throw err;
  }
}

export async function createStructure(db: Db, input: z.infer<typeof StructureForm>): Promise<number> {
  if (input.networkId !== null && !(await findNetwork(db, input.networkId))) throw new Refusal('networkId', 'structures.errors.unknownNetwork');
  try {
    const [row] = await db('structures')
      .insert({ name: input.name, town: input.town, network_id: input.networkId, named_in_network: input.namedInNetwork, created_at: nowIso() })
      .returning('id');
    return insertedId(row);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refusal('name', 'structures.errors.nameTaken');
    throw err;
  }
}

export function createStructureAdmin(db: Db, structure: StructureRow, input: z.infer<typeof PlatformAccountForm>): Promise<UserRow> {
  return createAccount(db, { role: 'admin', ...input }, { structureId: structure.id });
}

export function createCoordinator(db: Db, network: NetworkRow, input: z.infer<typeof PlatformAccountForm>): Promise<UserRow> {
  return createAccount(db, { role: 'coordinator', ...input }, { networkId: network.id });
}

export interface PlatformStructure extends StructureRow {
  groups: number;
  admins: number;
}

export interface PlatformOverview {
  networks: (NetworkRow & { coordinators: number; structures: PlatformStructure[] })[];
  /** The structures in no network. */
  alone: PlatformStructure[];
}

/**
 * What the platform's admin sees: the networks, their structures, and how many groups and admins each has.
 * Counts only: no group's name, no youth.
 */
export async function platformOverview(db: Db): Promise<PlatformOverview> {
  const [networks, structures, groups, accounts] = await Promise.all([
    listNetworks(db),
    db('structures').orderBy('name').select('id', 'name', 'town', 'network_id', 'named_in_network') as Promise<StructureRow[]>,
    db('groups').groupBy('structure_id').select('structure_id', db.raw('count(*) as n')) as Promise<{ structure_id: number; n: unknown }[]>,
    db('users')
      .whereIn('role', ['admin', 'coordinator'])
      .groupBy('role', 'structure_id', 'network_id')
      .select('role', 'structure_id', 'network_id', db.raw('count(*) as n')) as Promise<{ role: string; structure_id: number | null; network_id: number | null; n: unknown }[]>,
  ]);
  const groupsOf = new Map(groups.map((g) => [toNumber(g.structure_id), toNumber(g.n)]));
  const countOf = (role: string, match: (a: (typeof accounts)[number]) => boolean) =>
    accounts.filter((a) => a.role === role && match(a)).reduce((sum, a) => sum + toNumber(a.n), 0);
  const withCounts = structures.map((s) => ({
    ...s, groups: groupsOf.get(toNumber(s.id)) ?? 0, admins: countOf('admin', (a) => toNumber(a.structure_id) === toNumber(s.id)),
  }));
  return {
    networks: networks.map((n) => ({
      ...n,
      coordinators: countOf('coordinator', (a) => toNumber(a.network_id) === toNumber(n.id)),
      structures: withCounts.filter((s) => s.network_id !== null && toNumber(s.network_id) === toNumber(n.id)),
    })),
    alone: withCounts.filter((s) => s.network_id === null),
  };
}
