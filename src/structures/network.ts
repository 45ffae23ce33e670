import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { today as todayIso } from '../db/time.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';
import { gathered, ratio } from '../reports/figures.js';
import { situationsByStructure } from '../reports/follow-up-figures.js';
import { parseFilters, whereGroups, type ParsedFilters, type ReportFilters } from '../reports/filters.js';
import { countByStructure } from '../reports/who-counts.js';
import { ratioShown, reportTablesFor } from '../reports/small-counts.js';
import type { Cell, ReportTable } from '../reports/tables.js';
import type { StructureRow } from './structure.js';

/**
 * What a network's coordinator reads: the structures side by side, each with the figures its own dashboard
 * gives. Figures only: no youth, no group, no worker is named, and a structure
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
  atSixMonths: { known: number; jobOrTraining: number; share: number | null; bySituation: Record<Situation, number> };
}

/**
 * The report filters that mean something across structures: when the groups departed and where to. A
 * structure, a group or a worker would name what the network's figures never name.
 */
export const NETWORK_FILTER_KEYS = ['year', 'from', 'to', 'country'] as const;
export type NetworkFilters = Pick<ReportFilters, (typeof NETWORK_FILTER_KEYS)[number]>;

/** The report's own parsing, keeping the network's filters only (any other parameter is ignored). */
export function parseNetworkFilters(query: Record<string, unknown>): ParsedFilters & { filters: NetworkFilters } {
  const kept = Object.fromEntries(NETWORK_FILTER_KEYS.filter((k) => k in query).map((k) => [k, query[k]]));
  return parseFilters(kept);
}

/** The years and countries of departure across the network's groups, for the filter form. */
export async function networkFilterOptions(db: Db, networkId: number): Promise<{ years: number[]; countries: string[] }> {
  const groups = () => db({ g: 'groups' }).join({ s: 'structures' }, 's.id', 'g.structure_id').where('s.network_id', networkId);
  const [years, countries] = await Promise.all([
    groups().whereNotNull('g.departure_date').distinct(db.raw('substr(g.departure_date, 1, 4) as year')),
    groups().distinct('g.destination_country').orderBy('g.destination_country'),
  ]);
  return {
    years: (years as { year: string }[]).map((r) => Number(r.year)).filter(Number.isFinite).sort((a, b) => b - a),
    countries: (countries as { destination_country: string }[]).map((r) => r.destination_country),
  };
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
 *
 * Each line holds what that structure's own dashboard says (a test compares them), but the figures are
 * read for the whole network at once, grouped by structure: four queries whatever the number of
 * structures, where a dashboard per structure made 400 dashboards of a national network (seconds).
 */
export async function networkFigures(db: Db, coordinator: Pick<Express.User, 'id' | 'role'>, networkId: number, filters: NetworkFilters = {}, today: string = todayIso()): Promise<StructureColumn[]> {
  const q = { db, scope: { role: coordinator.role, userId: coordinator.id, structureId: null, networkId }, filters, today };
  const byStructure = <R extends { structure_id: unknown }>(rows: R[]) => new Map(rows.map((r) => [toNumber(r.structure_id), r]));
  const figures = await gathered({
    structures: db('structures').where({ network_id: networkId }).orderBy('id').select('id', 'name', 'named_in_network') as Promise<StructureRow[]>,
    groups: whereGroups(db({ g: 'groups' }), q.scope, filters).groupBy('g.structure_id').select('g.structure_id', db.raw('count(*) as n')) as Promise<{ structure_id: unknown; n: unknown }[]>,
    departed: countByStructure(db, q.scope, filters, { figure: 'departed' }, today) as Promise<{ structure_id: unknown; n: unknown }[]>,
    reached: whereGroups(db({ r: 'restitution_events' }).join({ g: 'groups' }, 'g.id', 'r.group_id'), q.scope, filters)
      .groupBy('g.structure_id').select('g.structure_id', db.raw('coalesce(sum(r.audience_total), 0) as n')) as Promise<{ structure_id: unknown; n: unknown }[]>,
    sixMonths: situationsByStructure(q, 6),
  });
  const [groups, departed, reached] = [byStructure(figures.groups), byStructure(figures.departed), byStructure(figures.reached)];
  const named = figures.structures.filter((s) => Boolean(s.named_in_network)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  const unnamed = figures.structures.filter((s) => !s.named_in_network);
  return [...named, ...unnamed].map((s, i) => {
    const id = toNumber(s.id);
    const gone = toNumber(departed.get(id)?.n);
    const six = figures.sixMonths.get(id);
    return {
      name: s.named_in_network ? s.name : null,
      letter: s.named_in_network ? null : letterFor(i - named.length),
      groups: toNumber(groups.get(id)?.n),
      departed: gone,
      reachedPerDeparted: ratio(toNumber(reached.get(id)?.n), gone),
      atSixMonths: {
        known: six?.known ?? 0, jobOrTraining: six?.jobOrTraining ?? 0, share: six?.share ?? null,
        bySituation: Object.fromEntries(SITUATIONS.map((k) => [k, six?.bySituation[k] ?? 0])) as Record<Situation, number>,
      },
    };
  });
}

type T = (key: string, options?: Record<string, unknown>) => string;

/**
 * The structures side by side as one table, for the page, the CSV and the PDF alike: a coordinator may not
 * read youths' names, so its small counts are hidden as the anonymised report hides them, and a ratio over
 * a small count is not given either (it would tell the count).
 */
export function networkTable(columns: StructureColumn[], t: T): ReportTable {
  const ratio = ratioShown(true);
  const count = (value: number): Cell => ({ value, kind: 'count' });
  const table: ReportTable = {
    key: 'network',
    title: t('structures.network.title'),
    description: '',
    headers: [
      t('structures.network.structure'), t('structures.network.groups'), t('structures.network.departed'), t('structures.network.reachedPerDeparted'),
      t('structures.network.knownAtSixMonths'), t('structures.network.atSixMonths'),
      ...SITUATIONS.map((k) => t('structures.network.situationAtSixMonths', { situation: t(`participants.situations.${k}`) })),
    ],
    rows: columns.map((c) => [
      { value: c.name ?? t('structures.network.anonymous', { letter: c.letter }), kind: 'text' },
      count(c.groups),
      count(c.departed),
      { value: ratio(c.reachedPerDeparted, c.departed), kind: 'avg' },
      count(c.atSixMonths.known),
      { value: ratio(c.atSixMonths.share, c.atSixMonths.known), kind: 'pct' },
      ...SITUATIONS.map((k) => count(c.atSixMonths.bySituation[k])),
    ]),
  };
  return reportTablesFor([table], true)[0]!;
}
