import type { Db } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import { VersionedCache } from '../db/data-version.js';
import { computeDashboard, type Dashboard } from './dashboard.js';
import { filterOptions, type FilterOptions, type ReportFilters, type ReportScope } from './filters.js';

/**
 * The dashboard's figures and its filters' choices, kept per scope, filters (and day, for what is overdue)
 * until the data version changes: a director reads the same figures many times between two writes (the
 * page, its exports, the PDF before a funders' meeting), and they cost some thirty aggregate queries. The
 * version is read from the database on each request, so a write made through any instance is seen by all.
 * Measured (`npm run bench:http`, see README "Measuring"): the dashboard went from 0.02 to ≥0.08 of /healthz.
 */
export interface CachedFigures {
  dashboard: Dashboard;
  options: FilterOptions;
  /** What is made from the figures alone and a key (a language...), kept with them: the page's tables and charts. */
  derived: <T>(key: unknown[], make: () => T) => Promise<T>;
}

export function cachedFigures(db: Db) {
  // A whole network's figures are some hundreds of kB of JSON: room for a few dozen scopes and filters.
  const cache = new VersionedCache(500, 8 * 1024 * 1024);
  return async (scope: ReportScope, filters: ReportFilters, req?: { method?: string }): Promise<CachedFigures> => {
    const at = await cache.at(db, req);
    const day = todayIso();
    const [dashboard, options] = await Promise.all([
      at.get(JSON.stringify(['dashboard', scope, filters, day]), () => computeDashboard(db, scope, filters, day)),
      at.get(JSON.stringify(['options', scope, filters]), () => filterOptions(db, scope, filters)),
    ]);
    const derived = <T>(key: unknown[], make: () => T) => at.get(JSON.stringify(['derived', scope, filters, day, ...key]), async () => make());
    return { dashboard, options, derived };
  };
}
