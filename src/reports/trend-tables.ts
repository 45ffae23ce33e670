import { filterQuery, type ReportFilters } from './filters.js';
import type { TrendYear } from './trends.js';
import type { Cell, ReportTable } from './tables.js';
import { shareCell } from './small-counts.js';

/**
 * The section "Évolution d'une année à l'autre" as two tables, each with its chart: the groups, departures
 * and people reached per year (grouped columns), then the shares in a job or training at 6 and 12 months
 * and the share engaged (lines, on one 0–100 % scale). Two rather than one: counts and shares on one axis
 * would flatten the shares to nothing. Page, CSV and PDF take them from here, as every other table.
 */
type T = (key: string, options?: Record<string, unknown>) => string;

const count = (value: number, href?: string): Cell => ({ value, kind: 'count', href });

export function trendTables(years: TrendYear[], f: ReportFilters, t: T): ReportTable[] {
  const w = (key: string, options?: Record<string, unknown>) => t(`reports.trends.${key}`, options);
  // Each year's numbers open the same lists as the dashboard filtered on that year.
  const onYear = (page: 'youths' | 'groups', figure: string, year: number, extra: Record<string, string> = {}) => `/reports/${page}?${filterQuery({ ...f, year }, { figure, ...extra })}`;
  const categories = years.map((y) => String(y.year));
  const span = years.length ? { from: years[0]!.year, to: years.at(-1)!.year } : null;
  const over = span ? w('over', span) : w('noYear');
  const at = (y: TrendYear, m: '6' | '12') => y.situations.find((s) => s.at === m)!;
  return [
    {
      key: 'trends',
      title: w('title'),
      description: w('description'),
      headers: [w('year'), w('groups'), w('departed'), w('peopleReached'), w('perDeparted')],
      rows: years.map((y) => [
        { value: String(y.year), kind: 'text' },
        count(y.groups, onYear('groups', 'all', y.year)),
        count(y.departed, onYear('youths', 'departed', y.year)),
        count(y.peopleReached, onYear('groups', 'restitution', y.year)),
        { value: y.perDeparted, kind: 'decimal', base: y.departed },
      ]),
      chart: {
        kind: 'columns', unit: 'count', title: w('title'), desc: w('columnsDesc', { over }), categories,
        series: [
          { label: w('groups'), values: years.map((y) => y.groups) },
          { label: w('departed'), values: years.map((y) => y.departed) },
        ],
      },
    },
    {
      key: 'trend-outcomes',
      title: w('outcomesTitle'),
      description: w('outcomesDescription'),
      headers: [w('year'), w('known6'), w('share6'), w('known12'), w('share12'), w('followed'), w('engagedShare')],
      rows: years.map((y) => [
        { value: String(y.year), kind: 'text' },
        count(at(y, '6').known, onYear('youths', 'situation', y.year, { at: '6' })),
        shareCell(at(y, '6').jobOrTraining, at(y, '6').known),
        count(at(y, '12').known, onYear('youths', 'situation', y.year, { at: '12' })),
        shareCell(at(y, '12').jobOrTraining, at(y, '12').known),
        count(y.engagement.followed),
        shareCell(y.engagement.any, y.engagement.followed),
      ]),
      chart: {
        kind: 'lines', unit: 'pct', title: w('outcomesTitle'), desc: w('linesDesc', { over }), categories,
        series: [
          { label: w('share6'), values: years.map((y) => at(y, '6').share), bases: years.map((y) => shareCell(at(y, '6').jobOrTraining, at(y, '6').known).base!) },
          { label: w('share12'), values: years.map((y) => at(y, '12').share), bases: years.map((y) => shareCell(at(y, '12').jobOrTraining, at(y, '12').known).base!) },
          { label: w('engagedShare'), values: years.map((y) => y.engagement.share), bases: years.map((y) => shareCell(y.engagement.any, y.engagement.followed).base!) },
        ],
      },
    },
  ];
}
