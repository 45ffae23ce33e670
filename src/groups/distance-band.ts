/**
 * The Erasmus+ travel distance bands (programme guide, "travel" unit costs; the European Commission's
 * distance calculator gives the one-way distance as the crow flies, and the band follows from it). Under
 * 10 km there is no travel grant, hence no band. The budget's unit costs per band are another table (they
 * change each programme year; the bands have not since 2021).
 */
export const DISTANCE_BANDS = [
  { key: '10-99', min: 10, max: 99 },
  { key: '100-499', min: 100, max: 499 },
  { key: '500-1999', min: 500, max: 1999 },
  { key: '2000-2999', min: 2000, max: 2999 },
  { key: '3000-3999', min: 3000, max: 3999 },
  { key: '4000-7999', min: 4000, max: 7999 },
  { key: '8000+', min: 8000, max: Infinity },
] as const;

export type DistanceBand = (typeof DISTANCE_BANDS)[number]['key'];

export interface Coordinates {
  lat: number;
  lon: number;
}

// The mean Earth radius the great-circle (haversine) formula is usually given with.
const EARTH_RADIUS_KM = 6371;

/** The one-way distance as the crow flies, in whole kilometres. */
export function greatCircleKm(from: Coordinates, to: Coordinates): number {
  const rad = (deg: number) => (deg * Math.PI) / 180;
  const dLat = rad(to.lat - from.lat);
  const dLon = rad(to.lon - from.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(from.lat)) * Math.cos(rad(to.lat)) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h))));
}

/** The band of a one-way distance in km; null under 10 km, where the programme funds no travel. */
export function distanceBand(km: number): DistanceBand | null {
  return DISTANCE_BANDS.find((b) => km >= b.min && km <= b.max)?.key ?? null;
}

/** The band between two places: what the budget needs. */
export const distanceBandBetween = (from: Coordinates, to: Coordinates): DistanceBand | null => distanceBand(greatCircleKm(from, to));
