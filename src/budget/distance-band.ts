/**
 * The Erasmus+ travel distance bands (km, one way, by the European Commission's distance calculator from the
 * place of origin to the venue). The export work defines the group's band from its destination
 * (src/groups/distance-band.ts, not merged yet); until it is, the band is the worker's choice on the budget
 * page (`budget_erasmus.distance_band`), which `bandFromKm` can fill once a distance is known.
 */
export const DISTANCE_BANDS = ['10_99', '100_499', '500_1999', '2000_2999', '3000_3999', '4000_7999', '8000_plus'] as const;
export type DistanceBand = (typeof DISTANCE_BANDS)[number];

/** The guide gives a green travel rate up to 3 999 km only. */
export const GREEN_BANDS: readonly DistanceBand[] = ['10_99', '100_499', '500_1999', '2000_2999', '3000_3999'];

export const isDistanceBand = (v: unknown): v is DistanceBand => (DISTANCE_BANDS as readonly unknown[]).includes(v);

/** The band of a distance in km; under 10 km there is no travel grant (null). */
export function bandFromKm(km: number): DistanceBand | null {
  const lows: [number, DistanceBand][] = [[8000, '8000_plus'], [4000, '4000_7999'], [3000, '3000_3999'], [2000, '2000_2999'], [500, '500_1999'], [100, '100_499'], [10, '10_99']];
  return lows.find(([low]) => km >= low)?.[1] ?? null;
}
