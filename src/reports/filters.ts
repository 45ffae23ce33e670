import { z } from 'zod';
import type { Knex } from 'knex';
import { isCountryCode } from '../groups/countries.js';
import { isRealDate } from '../http/validation.js';
import { structureReadBy } from '../groups/group.js';

/**
 * What a director narrows the outcome figures to: the year of departure (or a period of departure dates,
 * for a funder's report), a structure, a destination country, one group, one worker. All optional; an empty
 * field is no filter. They travel as GET parameters so a filtered dashboard is a link one can share.
 */
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : typeof v === 'string' ? v.trim() : v);
const optional = <T extends z.ZodType>(schema: T) => z.preprocess(blankToUndefined, schema.optional());
const id = optional(z.string().regex(/^\d{1,9}$/, { message: 'reports.filters.invalid' }).transform(Number));
const date = optional(z.string().refine(isRealDate, { message: 'reports.filters.invalidDate' }));

export const ReportFiltersSchema = z
  .object({
    year: optional(
      z.string().regex(/^\d{4}$/, { message: 'reports.filters.invalidYear' }).transform(Number)
        .refine((y) => y >= 1990 && y <= 2100, { message: 'reports.filters.invalidYear' }),
    ),
    from: date,
    to: date,
    structure: id,
    country: optional(z.string().toUpperCase().refine(isCountryCode, { message: 'reports.filters.invalidCountry' })),
    group: id,
    worker: id,
  })
  .superRefine((f, ctx) => {
    if (f.from && f.to && f.to < f.from) ctx.addIssue({ code: 'custom', path: ['to'], message: 'reports.filters.toBeforeFrom' });
  });

export type ReportFilters = z.infer<typeof ReportFiltersSchema>;
export const FILTER_KEYS = ['year', 'from', 'to', 'structure', 'country', 'group', 'worker'] as const;

export interface ParsedFilters {
  filters: ReportFilters;
  /** Field → i18n key of what was wrong. The figures are then shown without the wrong filters. */
  errors: Record<string, string>;
  /** What the user typed, for the form. */
  values: Record<string, string>;
}

/** A bad value in one filter drops that filter only, so the page still shows figures and says what was wrong. */
export function parseFilters(query: Record<string, unknown>): ParsedFilters {
  const values: Record<string, string> = {};
  for (const k of FILTER_KEYS) {
    const v = query[k];
    if (typeof v === 'string') values[k] = v;
  }
  const whole = ReportFiltersSchema.safeParse(values);
  if (whole.success) return { filters: whole.data, errors: {}, values };
  const errors: Record<string, string> = {};
  for (const issue of whole.error.issues) {
    const field = String(issue.path[0] ?? 'year');
    errors[field] ??= /^reports\./.test(issue.message) ? issue.message : 'reports.filters.invalid';
  }
  const kept = Object.fromEntries(Object.entries(values).filter(([k]) => !(k in errors)));
  const retry = ReportFiltersSchema.safeParse(kept);
  return { filters: retry.success ? retry.data : {}, errors, values };
}

/** The filters as a query string (no leading `?`), to carry them on links and exports. */
export function filterQuery(filters: ReportFilters, extra: Record<string, string | number | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = filters[k];
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== '') params.set(k, String(v));
  return params.toString();
}

export const hasFilters = (f: ReportFilters): boolean => FILTER_KEYS.some((k) => f[k] !== undefined);

/**
 * Who asks: a worker's figures cover the groups they lead or co-lead; a director's (and the structure's
 * admin's) every group of one structure, `structureId` — for a network's coordinator, the structure of the
 * column being computed.
 */
export interface ReportScope {
  role: Express.User['role'];
  userId: number;
  structureId: number | null;
  /**
   * A coordinator's whole network, read in one pass with the figures grouped by structure (the network's
   * comparison): each structure's line counts what that structure's own dashboard counts.
   */
  networkId?: number | null;
}

/** A user's own figures: the structure they read whole, as the group pages decide it (`structureReadBy`). */
export const reportScopeOf = (user: Express.User): ReportScope => ({ role: user.role, userId: user.id, structureId: structureReadBy(user) });

/**
 * Narrows a query that has the groups table under the alias `g` to the scope and the filters. Every figure
 * goes through here, so a worker can never count a group that is not theirs, nor a director a group of
 * another structure.
 */
export function whereGroups(q: Knex.QueryBuilder, scope: ReportScope, f: ReportFilters): Knex.QueryBuilder {
  if (scope.role === 'worker') {
    q.whereExists(function () {
      this.select(this.client.raw('1')).from('group_workers as gws').whereRaw('gws.group_id = g.id').andWhere('gws.user_id', scope.userId);
    });
  } else if (scope.structureId !== null) {
    q.where('g.structure_id', scope.structureId);
  } else if (scope.role === 'coordinator' && scope.networkId) {
    q.whereIn('g.structure_id', function () {
      this.select('sn.id').from('structures as sn').where('sn.network_id', scope.networkId!);
    });
  } else {
    q.whereRaw('1 = 0');
  }
  if (f.year !== undefined) q.where('g.departure_date', '>=', `${f.year}-01-01`).andWhere('g.departure_date', '<', `${f.year + 1}-01-01`);
  if (f.from) q.where('g.departure_date', '>=', f.from);
  if (f.to) q.where('g.departure_date', '<=', f.to);
  if (f.structure !== undefined) q.where('g.structure_id', f.structure);
  if (f.country) q.where('g.destination_country', f.country);
  if (f.group !== undefined) q.where('g.id', f.group);
  if (f.worker !== undefined) {
    q.whereExists(function () {
      this.select(this.client.raw('1')).from('group_workers as gwf').whereRaw('gwf.group_id = g.id').andWhere('gwf.user_id', f.worker!);
    });
  }
  return q;
}

export interface FilterOptions {
  years: number[];
  structures: { id: number; name: string }[];
  countries: string[];
  groups: { id: number; name: string }[];
  workers: { id: number; name: string }[];
}

/**
 * The choices of the filter form, within the user's scope. The list of groups follows the other filters
 * (a year, a structure...), so it stays short enough to pick from.
 */
export async function filterOptions(db: Knex, scope: ReportScope, f: ReportFilters): Promise<FilterOptions> {
  const inScope = () => whereGroups(db({ g: 'groups' }), scope, {});
  const [years, structures, countries, groups, workers] = await Promise.all([
    inScope().whereNotNull('g.departure_date').distinct(db.raw('substr(g.departure_date, 1, 4) as year')),
    inScope().join({ s: 'structures' }, 's.id', 'g.structure_id').distinct('s.id', 's.name').orderBy('s.name'),
    inScope().distinct('g.destination_country').orderBy('g.destination_country'),
    whereGroups(db({ g: 'groups' }), scope, { ...f, group: undefined }).orderBy('g.name').limit(500).select('g.id', 'g.name'),
    scope.role === 'worker'
      ? Promise.resolve([])
      : inScope().join({ gw: 'group_workers' }, 'gw.group_id', 'g.id').join({ u: 'users' }, 'u.id', 'gw.user_id').distinct('u.id', 'u.display_name').orderBy('u.display_name'),
  ]);
  return {
    years: (years as { year: string }[]).map((r) => Number(r.year)).filter(Number.isFinite).sort((a, b) => b - a),
    structures: (structures as { id: unknown; name: string }[]).map((r) => ({ id: Number(r.id), name: r.name })),
    countries: (countries as { destination_country: string }[]).map((r) => r.destination_country),
    groups: (groups as { id: unknown; name: string }[]).map((r) => ({ id: Number(r.id), name: r.name })),
    workers: (workers as { id: unknown; display_name: string }[]).map((r) => ({ id: Number(r.id), name: r.display_name })),
  };
}

/** The filters in words, for the page and the PDF: "Année de départ : 2024 · Pays : Mali". */
export function filterWords(f: ReportFilters, options: Pick<FilterOptions, 'structures' | 'groups' | 'workers'>, t: (key: string, options?: Record<string, unknown>) => string, countryName: (c: string) => string, formatDate: (d: string) => string): string {
  const parts: string[] = [];
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v === undefined) continue;
    const shown =
      key === 'structure' ? options.structures.find((s) => s.id === v)?.name
      : key === 'group' ? options.groups.find((g) => g.id === v)?.name
      : key === 'worker' ? options.workers.find((w) => w.id === v)?.name
      : key === 'country' ? countryName(String(v))
      : key === 'from' || key === 'to' ? formatDate(String(v))
      : String(v);
    parts.push(t('reports.filters.item', { label: t(`reports.filters.${key}`), value: shown ?? String(v) }));
  }
  return parts.length ? t('reports.filters.summary', { list: parts.join(' · ') }) : t('reports.filters.none');
}
