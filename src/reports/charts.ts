import { isSmallCount, SMALL_COUNT_TEXT } from './small-counts.js';
import type { BarChart, ReportChart, SeriesChart } from './tables.js';

/**
 * Charts drawn as SVG text on the server: horizontal bars (one figure per line), grouped columns and lines
 * (several series over the years, with a legend). Hand-written rather than a charting library. Vega-Lite 6
 * with Vega 6 is the well-kept library that renders SVG without a browser, and was weighed again for the
 * trends (issue 17): vega 6.3 alone declares 27 vega-* packages (its dataflow, parser, scenegraph, d3
 * scales and shapes, a word cloud, a force layout, geo projections...) and vega-lite 6.5 adds yargs and its
 * own, for charts that are a few rectangles, polylines and labels; its SVG renderer builds a whole dataflow
 * per chart, where these layouts are arithmetic over a few dozen points (on ten years of demo:large, a trend
 * chart takes 0.3 ms and the dashboard's nine charts 1.2 ms, on 2 busy cores, and the page keeps them with
 * its cached figures); and whatever style attribute its SVG carries would be blocked by our CSP
 * (style-src 'self', no 'unsafe-inline'), to be checked on real output before adopting it, where these
 * charts use presentation attributes only (a test checks). Its render time was not measured: it is not
 * installed. What we would lose is a grammar we do not need.
 * The same layouts are drawn by the PDF (report-pdf.ts), so both show the same marks.
 *
 * Every bar and column carries its number (and, for pairs, the word of its series) in text; series differ
 * by pattern (solid, hatched, open) and by marker and dash on lines, never by colour alone; and the table
 * beside each chart gives screen readers the same data.
 */
export const CHART_WIDTH = 320;
/** What a cell with no data reads in the tables (formatCell), and so on the bars. */
const NO_DATA = '—';
const LABEL_HEIGHT = 16;
const BAR_HEIGHT = 14;
const ROW_GAP = 10;
const VALUE_SPACE = 96;

export interface ChartLayoutRow {
  label: string;
  y: number;
  bars: { y: number; width: number; text: string; series: 0 | 1 }[];
}

export interface ChartLayout {
  width: number;
  height: number;
  barArea: number;
  rows: ChartLayoutRow[];
}

type Chart = BarChart;

/**
 * Where each bar goes. `hidden` values get no bar, only their text: an anonymised report shows counts of 1
 * or 2 as "< 3", and a bar's length would tell them apart again.
 */
export function chartLayout(chart: Chart, formatValue: (v: number, unit: Chart['unit']) => string, hidden: (v: number) => boolean = () => false): ChartLayout {
  const barArea = CHART_WIDTH - VALUE_SPACE;
  const scale = (v: number | null) => (v !== null && chart.max > 0 && !hidden(v) ? Math.max(0, Math.min(1, v / chart.max)) * barArea : 0);
  // No data reads "—", as in the table: "0 %" would say none of the youths when none is known.
  const shown = (v: number | null) => (v === null ? NO_DATA : formatValue(v, chart.unit));
  const rows: ChartLayoutRow[] = [];
  let y = 0;
  for (const bar of chart.bars) {
    const row: ChartLayoutRow = { label: bar.label, y, bars: [] };
    let by = y + LABEL_HEIGHT;
    if (chart.kind === 'pairs') {
      const legend = chart.legend ?? ['', ''];
      row.bars.push({ y: by, width: scale(bar.value), text: `${legend[0]} ${shown(bar.value)}`, series: 0 });
      by += BAR_HEIGHT + 2;
      const second = bar.second ?? null;
      row.bars.push({ y: by, width: scale(second), text: `${legend[1]} ${shown(second)}`, series: 1 });
    } else {
      row.bars.push({ y: by, width: scale(bar.value), text: shown(bar.value), series: 0 });
    }
    by += BAR_HEIGHT;
    rows.push(row);
    y = by + ROW_GAP;
  }
  return { width: CHART_WIDTH, height: Math.max(y, 20), barArea, rows };
}

/**
 * The layout the page and the PDF both draw: a chart whose small counts are hidden gives them no bar, only
 * "< 3", as the table beside it does.
 */
export function reportChartLayout(chart: Chart, formatValue: (v: number, unit: Chart['unit']) => string): ChartLayout {
  const small = (v: number) => Boolean(chart.hidesSmallCounts) && chart.unit === 'count' && isSmallCount(v);
  return chartLayout(chart, (v, unit) => (small(v) ? SMALL_COUNT_TEXT : formatValue(v, unit)), small);
}

const escapeXml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/**
 * The chart as an SVG element: bars labelled by the figure's caption (`labelledBy`) for assistive
 * technology, series charts by their own title and description.
 */
export function chartSvg(chart: ReportChart, id: string, labelledBy: string, formatValue: (v: number, unit: Chart['unit']) => string): string {
  if (isSeriesChart(chart)) return seriesSvg(chart, id, formatValue);
  const layout = reportChartLayout(chart, formatValue);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${layout.width} ${layout.height}" role="img" aria-labelledby="${escapeXml(labelledBy)}" focusable="false">`,
    `<defs><pattern id="${escapeXml(id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="#b3411b"/></pattern></defs>`,
  ];
  for (const row of layout.rows) {
    parts.push(`<text x="0" y="${row.y + 12}" font-size="12" fill="#1b1f24">${escapeXml(row.label)}</text>`);
    for (const bar of row.bars) {
      // The track shows where 100 % would be, so a short bar still reads as short.
      parts.push(`<rect x="0" y="${bar.y}" width="${layout.barArea}" height="${BAR_HEIGHT}" fill="#eef0ec"/>`);
      if (bar.width > 0) {
        const fill = bar.series === 0 ? '#0b5d4b' : `url(#${escapeXml(id)}-hatch)`;
        parts.push(`<rect x="0" y="${bar.y}" width="${bar.width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${fill}" stroke="${bar.series === 0 ? '#0b5d4b' : '#b3411b'}"/>`);
      }
      parts.push(`<text x="${(layout.barArea + 6).toFixed(1)}" y="${bar.y + 11}" font-size="12" fill="#1b1f24">${escapeXml(bar.text)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------
// Several series over the years: grouped columns (counts) and lines (shares)

const LEGEND_LINE = 16;
const AXIS_SPACE = 38;
const PLOT_HEIGHT = 120;
/** Above the columns, room for their numbers written upwards. */
const COLUMN_HEADROOM = 30;
/** Below a category narrower than this, its label is slanted so that ten years fit a phone's width. */
const FLAT_LABEL_WIDTH = 32;
export const SERIES_COLOURS = ['#0b5d4b', '#b3411b', '#2a4d8f'] as const;

export interface SeriesLayout {
  width: number;
  height: number;
  legend: { x: number; y: number; series: number; text: string }[];
  plot: { x: number; y: number; width: number; height: number };
  yTicks: { y: number; text: string }[];
  xLabels: { x: number; y: number; text: string; slanted: boolean }[];
  /** Grouped columns; height 0 where the value is hidden or missing, its text ("< 3", "—") at the foot. */
  columns: { x: number; y: number; width: number; height: number; series: number; text: string }[];
  /** Lines; null points are gaps (nothing known, or a share over a small count hidden). */
  lines: { series: number; points: ({ x: number; y: number } | null)[] }[];
}

/** A round top for a count axis: 1, 2 or 5 times a power of ten per step, four steps at most. */
function niceSteps(max: number): number[] {
  if (max <= 0) return [0, 1];
  const raw = max / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const top = Math.ceil(max / step) * step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => i * step);
}

/**
 * Where each column, point and label of a series chart goes. A value is hidden (no column, a gap in the
 * line) where the chart hides small counts and it is one, or is a share over one: its length or height
 * would tell it again.
 */
export function seriesLayout(chart: SeriesChart, formatValue: (v: number, unit: SeriesChart['unit']) => string): SeriesLayout {
  const hidden = (s: SeriesChart['series'][number], i: number): boolean => {
    if (!chart.hidesSmallCounts) return false;
    const v = s.values[i];
    if (chart.unit === 'count') return v !== null && v !== undefined && isSmallCount(v);
    return s.bases !== undefined && isSmallCount(s.bases[i] ?? 0);
  };
  const legend = chart.series.map((s, i) => ({ x: 0, y: i * LEGEND_LINE, series: i, text: s.label }));
  const n = Math.max(1, chart.categories.length);
  const plot = {
    x: AXIS_SPACE,
    y: legend.length * LEGEND_LINE + 6 + (chart.kind === 'columns' ? COLUMN_HEADROOM : 8),
    width: CHART_WIDTH - AXIS_SPACE - 4,
    height: PLOT_HEIGHT,
  };
  const band = plot.width / n;
  const ticks = chart.unit === 'pct' ? [0, 0.25, 0.5, 0.75, 1] : niceSteps(Math.max(0, ...chart.series.flatMap((s) => s.values.map((v) => v ?? 0))));
  const top = ticks.at(-1)!;
  const yOf = (v: number) => plot.y + plot.height - (Math.max(0, Math.min(top, v)) / top) * plot.height;
  const yTicks = ticks.map((v) => ({ y: yOf(v), text: formatValue(v, chart.unit) }));
  const slanted = band < FLAT_LABEL_WIDTH;
  const xLabels = chart.categories.map((text, i) => ({ x: plot.x + (i + 0.5) * band, y: plot.y + plot.height + 14, text, slanted }));
  const columns: SeriesLayout['columns'] = [];
  const lines: SeriesLayout['lines'] = [];
  if (chart.kind === 'columns') {
    const width = (band * 0.76) / chart.series.length;
    chart.series.forEach((s, si) => {
      chart.categories.forEach((_, i) => {
        const v = s.values[i] ?? null;
        const x = plot.x + i * band + band * 0.12 + si * width;
        const shown = v !== null && !hidden(s, i);
        const y = shown ? yOf(v) : plot.y + plot.height;
        const text = v === null ? NO_DATA : hidden(s, i) ? SMALL_COUNT_TEXT : formatValue(v, chart.unit);
        columns.push({ x, y, width, height: plot.y + plot.height - y, series: si, text });
      });
    });
  } else {
    chart.series.forEach((s, si) => {
      lines.push({
        series: si,
        points: chart.categories.map((_, i) => {
          const v = s.values[i] ?? null;
          return v === null || hidden(s, i) ? null : { x: plot.x + (i + 0.5) * band, y: yOf(v) };
        }),
      });
    });
  }
  const labelsHeight = slanted ? 34 : 20;
  return { width: CHART_WIDTH, height: plot.y + plot.height + labelsHeight, legend, plot, yTicks, xLabels, columns, lines };
}

/** The height a chart takes, for the PDF to keep a title with it. */
export function chartHeight(chart: ReportChart): number {
  if (!hasChartData(chart)) return 0;
  return isSeriesChart(chart) ? seriesLayout(chart, () => '').height : chartLayout(chart, () => '').height;
}

export const isSeriesChart = (chart: ReportChart): chart is SeriesChart => chart.kind === 'columns' || chart.kind === 'lines';

export const hasChartData = (chart: ReportChart): boolean => (isSeriesChart(chart) ? chart.categories.length > 0 : chart.bars.length > 0);

/** Dash patterns and markers of the line series: told apart without their colour. */
export const LINE_DASHES = [null, [6, 3], [2, 3]] as const;
const MARKERS = ['circle', 'square', 'triangle'] as const;

function markerSvg(series: number, x: number, y: number): string {
  const c = SERIES_COLOURS[series % 3];
  switch (MARKERS[series % 3]) {
    case 'circle': return `<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="3.5" fill="${c}"/>`;
    case 'square': return `<rect x="${(x - 3.5).toFixed(1)}" y="${(y - 3.5).toFixed(1)}" width="7" height="7" fill="${c}"/>`;
    default: return `<path d="M${x.toFixed(1)} ${(y - 4.5).toFixed(1)}l4.5 8h-9z" fill="${c}"/>`;
  }
}

/** A column's fill: solid, hatched, or open (white with its outline). */
const columnFill = (id: string, series: number): string => (series % 3 === 0 ? SERIES_COLOURS[0] : series % 3 === 1 ? `url(#${id}-hatch)` : '#ffffff');

function seriesSvg(chart: SeriesChart, id: string, formatValue: (v: number, unit: SeriesChart['unit']) => string): string {
  const l = seriesLayout(chart, formatValue);
  const e = escapeXml(id);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 ${l.width} ${l.height.toFixed(0)}" role="img" aria-labelledby="${e}-title" aria-describedby="${e}-desc" focusable="false">`,
    `<title id="${e}-title">${escapeXml(chart.title)}</title><desc id="${e}-desc">${escapeXml(chart.desc)}</desc>`,
    `<defs><pattern id="${e}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffffff"/><rect width="3" height="6" fill="${SERIES_COLOURS[1]}"/></pattern></defs>`,
  ];
  for (const item of l.legend) {
    const y = item.y + 8;
    if (chart.kind === 'columns') {
      parts.push(`<rect x="1" y="${y - 6}" width="16" height="11" fill="${columnFill(id, item.series)}" stroke="${SERIES_COLOURS[item.series % 3]}"/>`);
    } else {
      const dash = LINE_DASHES[item.series % 3];
      parts.push(`<line x1="0" y1="${y}" x2="18" y2="${y}" stroke="${SERIES_COLOURS[item.series % 3]}" stroke-width="2"${dash ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`, markerSvg(item.series, 9, y));
    }
    parts.push(`<text x="24" y="${y + 4}" font-size="12" fill="#1b1f24">${escapeXml(item.text)}</text>`);
  }
  for (const tick of l.yTicks) {
    parts.push(`<line x1="${l.plot.x}" y1="${tick.y.toFixed(1)}" x2="${l.plot.x + l.plot.width}" y2="${tick.y.toFixed(1)}" stroke="#d5dae0"/>`);
    parts.push(`<text x="${l.plot.x - 4}" y="${(tick.y + 4).toFixed(1)}" font-size="11" fill="#555d66" text-anchor="end">${escapeXml(tick.text)}</text>`);
  }
  for (const c of l.columns) {
    if (c.height > 0) parts.push(`<rect x="${c.x.toFixed(1)}" y="${c.y.toFixed(1)}" width="${c.width.toFixed(1)}" height="${c.height.toFixed(1)}" fill="${columnFill(id, c.series)}" stroke="${SERIES_COLOURS[c.series % 3]}"/>`);
    // Written upwards from the top of the column: ten years of numbers side by side would overlap.
    const tx = (c.x + c.width / 2 + 3.5).toFixed(1);
    const ty = (c.y - 3).toFixed(1);
    parts.push(`<text x="${tx}" y="${ty}" font-size="10" fill="#1b1f24" transform="rotate(-90 ${tx} ${ty})">${escapeXml(c.text)}</text>`);
  }
  for (const line of l.lines) {
    const colour = SERIES_COLOURS[line.series % 3];
    const dash = LINE_DASHES[line.series % 3];
    // A gap where a year has nothing to show: a line across it would draw a value nobody measured.
    let d = '';
    let pen = false;
    for (const p of line.points) {
      if (!p) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${p.x.toFixed(1)} ${p.y.toFixed(1)}`;
      pen = true;
    }
    if (d) parts.push(`<path d="${d}" fill="none" stroke="${colour}" stroke-width="2"${dash ? ` stroke-dasharray="${dash.join(' ')}"` : ''}/>`);
    for (const p of line.points) if (p) parts.push(markerSvg(line.series, p.x, p.y));
  }
  parts.push(`<line x1="${l.plot.x}" y1="${l.plot.y + l.plot.height}" x2="${l.plot.x + l.plot.width}" y2="${l.plot.y + l.plot.height}" stroke="#1b1f24"/>`);
  for (const x of l.xLabels) {
    parts.push(x.slanted
      ? `<text x="${x.x.toFixed(1)}" y="${x.y}" font-size="11" fill="#1b1f24" text-anchor="end" transform="rotate(-45 ${x.x.toFixed(1)} ${x.y})">${escapeXml(x.text)}</text>`
      : `<text x="${x.x.toFixed(1)}" y="${x.y}" font-size="11" fill="#1b1f24" text-anchor="middle">${escapeXml(x.text)}</text>`);
  }
  parts.push('</svg>');
  return parts.join('');
}
