import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import { computeDashboard } from '../reports/dashboard.js';
import type { StructureRow } from './structure.js';

/**
 * What a network's coordinator reads: the structures side by side, each with the dashboard's own figures
 * computed over its groups alone. Figures only: no youth, no group, no worker is named, and a structure
 * that keeps its name from its network appears by a letter.
 */
export interface StructureColumn {
  /** The structure's name, or null for one that opted out of being named to its network. */
  name: string | null;
  /** "A", "B"... for the structures shown without their name. */
  letter: string | null;
  groups: number;
  departed: number;
  /** People reached at restitution events, per youth who departed. */
  reachedPerDeparted: number | null;
  /** At the 6-month follow-up: the youths whose situation is known, and those of them in a job or training. */
  atSixMonths: { known: number; jobOrTraining: number; share: number | null };
}

/** A, B, ..., Z, AA, AB...: as many letters as there are structures. */
export function letterFor(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}

/**
 * The network's structures, named ones first by name, then the others in the order they joined: the
 * letters say nothing of a name, and stay the same from one visit to the next.
 */
export async function networkFigures(db: Db, coordinator: Express.User, networkId: number, today: string = todayIso()): Promise<StructureColumn[]> {
  const structures: StructureRow[] = await db('structures').where({ network_id: networkId }).orderBy('id').select('id', 'name', 'named_in_network');
  const named = structures.filter((s) => Boolean(s.named_in_network)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  const unnamed = structures.filter((s) => !s.named_in_network);
  const columns: StructureColumn[] = [];
  // One structure at a time: each dashboard already runs its queries side by side.
  for (const [i, s] of [...named, ...unnamed].entries()) {
    const d = await computeDashboard(db, { role: coordinator.role, userId: coordinator.id, structureId: toNumber(s.id) }, {}, today);
    const six = d.situations.find((x) => x.at === '6');
    columns.push({
      name: s.named_in_network ? s.name : null,
      letter: s.named_in_network ? null : letterFor(i - named.length),
      groups: d.groups.total,
      departed: d.funnel.departed,
      reachedPerDeparted: d.restitution.perDeparted,
      atSixMonths: { known: six?.known ?? 0, jobOrTraining: six?.jobOrTraining ?? 0, share: six?.share ?? null },
    });
  }
  return columns;
}
