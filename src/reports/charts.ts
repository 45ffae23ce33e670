import { isSmallCount, SMALL_COUNT_TEXT } from './small-counts.js';
import type { ReportTable } from './tables.js';

/**
 * Bar charts drawn as SVG text on the server. Hand-written rather than a charting library: the charts are
 * plain horizontal bars, and the libraries that draw SVG without a browser (vega + vega-lite) bring some
 * thirty packages for that. The same layout is used by the PDF (report-pdf.ts), so both show the same bars.
 *
 * Every bar carries its number (and, for pairs, the word of its series) in text: the chart never relies on
 * colour alone, and the table beside it gives screen readers the same data.
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

type Chart = NonNullable<ReportTable['chart']>;

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

/** The chart as an SVG element, labelled by the figure's caption (`labelledBy`) for assistive technology. */
export function chartSvg(chart: Chart, id: string, labelledBy: string, formatValue: (v: number, unit: Chart['unit']) => string): string {
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
