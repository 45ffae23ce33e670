import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { signedIn } from '../auth/guards.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findNetwork, findStructure, type NetworkRow, type StructureRow } from './structure.js';

/** The network named by `:networkId` on the platform's pages (guarded by `requireCan('managePlatform')`): unknown, 404. */
export async function networkFor(db: Db, req: Request): Promise<NetworkRow> {
  const network = await findNetwork(db, parseId(req.params.networkId));
  if (!network) throw notFound();
  return network;
}

/** The structure named by `:structureId` on the platform's pages: unknown, 404. */
export async function structureFor(db: Db, req: Request): Promise<StructureRow> {
  const structure = await findStructure(db, parseId(req.params.structureId));
  if (!structure) throw notFound();
  return structure;
}

/** The signed-in admin's own structure, for its settings page (guarded by `requireCan('manageStructure')`). */
export async function ownStructure(db: Db, req: Request): Promise<StructureRow & { network_name: string | null }> {
  const { structureId } = signedIn(req);
  const structure = structureId === null ? undefined : await findStructure(db, structureId);
  if (!structure) throw notFound();
  const network = structure.network_id === null ? undefined : await findNetwork(db, structure.network_id);
  return { ...structure, network_name: network?.name ?? null };
}
