/**
 * The Erasmus+ travel distance bands as the budget stores them (`budget_erasmus.distance_band`, the rates'
 * columns). The group's band is measured from its destination in src/groups/distance-band.ts; a worker may
 * choose another on the budget page (another venue, another starting town).
 */
import type { DistanceBand as MeasuredBand } from '../groups/distance-band.js';

export const DISTANCE_BANDS = ['10_99', '100_499', '500_1999', '2000_2999', '3000_3999', '4000_7999', '8000_plus'] as const;
export type DistanceBand = (typeof DISTANCE_BANDS)[number];

/** The guide gives a green travel rate up to 3 999 km only. */
export const GREEN_BANDS: readonly DistanceBand[] = ['10_99', '100_499', '500_1999', '2000_2999', '3000_3999'];

export const isDistanceBand = (v: unknown): v is DistanceBand => (DISTANCE_BANDS as readonly unknown[]).includes(v);

/** The measured band ('500-1999', '8000+') in the budget's spelling ('500_1999', '8000_plus'). */
export function bandOfMeasured(band: MeasuredBand | null): DistanceBand | null {
  if (band === null) return null;
  const spelled = band.replace('-', '_').replace('+', '_plus');
  return isDistanceBand(spelled) ? spelled : null;
}
