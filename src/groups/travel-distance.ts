import type { Db } from '../db/knex.js';
import { distanceBand, greatCircleKm, type DistanceBand } from './distance-band.js';
import { destinationOf, frenchTown, type Destination, type Place } from './places.js';

/**
 * A group's trip for Erasmus+: from its structure's town to its destination, as the crow flies (the
 * Commission's distance calculator), and the band its travel grant follows. Unknown (null `km`) while the
 * structure's town is not in the committed table; the page then says which town was not found.
 */
export interface TravelDistance {
  fromTown: string | null;
  from: Place | null;
  to: Destination | null;
  km: number | null;
  band: DistanceBand | null;
}

export function travelDistance(structureTown: string | null, group: { destination_country: string; destination_place: string | null }): TravelDistance {
  const from = frenchTown(structureTown);
  const to = destinationOf(group.destination_country, group.destination_place);
  const km = from && to ? greatCircleKm(from, to) : null;
  return { fromTown: structureTown, from, to, km, band: km === null ? null : distanceBand(km) };
}

/** The same for a group as loaded: its structure's town is read here. */
export async function travelDistanceOf(db: Db, group: { structure_id: number; destination_country: string; destination_place: string | null }): Promise<TravelDistance> {
  const structure: { town: string | null } | undefined = await db('structures').where({ id: group.structure_id }).first('town');
  return travelDistance(structure?.town ?? null, group);
}
