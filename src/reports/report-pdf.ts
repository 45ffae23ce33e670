import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { countryNamer, dateFormatter, type Language } from '../http/i18n.js';
import { chartHeight, hasChartData, isSeriesChart, LINE_DASHES, reportChartLayout, SERIES_COLOURS, seriesLayout } from './charts.js';
import { listFigureGroups, listFigureYouths } from './dashboard.js';
import type { ReportFilters, ReportScope } from './filters.js';
import type { Letterhead } from '../structures/settings.js';
import { formatCell, groupsTable, type BarChart, type Cell, type ReportTable, type SeriesChart } from './tables.js';

/**
 * The report for funders, as a PDF: the same tables as the page and the CSV, the same bars drawn with
 * pdfkit's vector API. The built-in Helvetica writes WinAnsi, which has every French letter (é è à ç œ « » ’);
 * a test extracts the text to check it.
 */
export interface PdfReport {
  title: string;
  subtitle: string[];
  /** As small-counts.ts gives them: an anonymised report's small counts are hidden already, and its sentences gone. */
  // Any table of cells prints (the emergency sheet's too, src/stay): the key only names the dashboard's own.
  tables: Omit<ReportTable, 'key'>[];
  lang: string;
  chartValue: (v: number, unit: NonNullable<ReportTable['chart']>['unit']) => string;
  /** The structure's name, address and logo above the title; null for a reader of no structure. */
  letterhead: Letterhead | null;
}

type T = Parameters<typeof groupsTable>[1];

/** The groups the PDF lists by name, at most: past that, it says how many it leaves out. */
const GROUPS_IN_PDF = 100;
/** The youths with overdue papers the PDF lists by name, at most. */
const OVERDUE_IN_PDF = 200;
// Only what fits on a few pages: the name, where and when, and the funnel (group, country, departure,
// enrolled, departed: columns of groupsTable).
const GROUP_COLUMNS_IN_PDF = [0, 2, 3, 5, 6];

/** Under the title: the filters in words, the day it was made, and whether it is the anonymised report. */
export function pdfSubtitle(filterSummary: string, anonymised: boolean, t: T, lang: Language): string[] {
  const lines = [filterSummary, t('reports.pdf.generated', { date: dateFormatter(lang)(today(), 'long') })];
  return anonymised ? [...lines, t('reports.pdf.anonymised')] : lines;
}

/**
 * What the PDF adds after the dashboard's tables for a reader who may read names (never in the anonymised
 * report): the groups behind the figures, the first GROUPS_IN_PDF with the columns that fit, and the
 * youths whose papers are overdue.
 */
export async function namedPdfTables(db: Db, scope: ReportScope, filters: ReportFilters, t: T, lang: Language): Promise<ReportTable[]> {
  const groups = await listFigureGroups(db, scope, filters, 'all');
  const table = groupsTable(groups.slice(0, GROUPS_IN_PDF), t, lang, countryNamer(lang));
  const overdue = await listFigureYouths(db, scope, filters, { figure: 'overdue' }, today(), OVERDUE_IN_PDF);
  return [
    {
      ...table,
      description: groups.length > GROUPS_IN_PDF ? t('reports.pdf.groupsLimited', { shown: GROUPS_IN_PDF, count: groups.length }) : table.description,
      headers: GROUP_COLUMNS_IN_PDF.map((i) => table.headers[i]!),
      rows: table.rows.map((r) => GROUP_COLUMNS_IN_PDF.map((i) => r[i]!)),
    },
    {
      key: 'missing',
      title: t('reports.figures.overdue'),
      description: t('reports.youths.count', { count: overdue.length }),
      headers: [t('reports.columns.name'), t('reports.columns.group')],
      rows: overdue.map((y) => [{ value: `${y.first_name} ${y.last_name}`, kind: 'text' }, { value: y.group_name, kind: 'text' }]),
    },
  ];
}

const MARGIN = 48;
const INK = '#1b1f24';
const MUTED = '#555d66';
const BRAND = '#0b5d4b';
const ACCENT = '#b3411b';

/** The bytes of a pdfkit document, once it has ended (`doc.end()`): the report's, the certificate's. */
export function pdfBytes(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
}

export async function renderReportPdf(report: PdfReport): Promise<Buffer> {
  // Loaded on the first export, not at start-up: pdfkit and its fonts weigh about 26 MB of resident memory
  // that a server which never makes a PDF would carry all along (npm run bench:upload, peak RSS).
  const { default: PDFDocument } = await import('pdfkit');
  const doc = new PDFDocument({ size: 'A4', margin: MARGIN, info: { Title: report.title, Creator: 'Tremplin' }, lang: report.lang === 'fr' ? 'fr-FR' : 'en-GB' } as PDFKit.PDFDocumentOptions);
  const done = pdfBytes(doc);

  const width = doc.page.width - 2 * MARGIN;
  const bottom = () => doc.page.height - MARGIN;
  const room = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage();
  };

  const top = report.letterhead ? drawLetterhead(doc, report.letterhead, width) : MARGIN;
  doc.font('Helvetica-Bold').fontSize(18).fillColor(BRAND).text(report.title, MARGIN, top, { width });
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(10).fillColor(MUTED);
  for (const line of report.subtitle) doc.text(line, { width });
  doc.moveDown(0.8);

  for (const table of report.tables) {
    // A title is kept with its chart (or the start of a long one), not left alone at the foot of a page.
    room(60 + Math.min(table.chart ? chartHeight(table.chart) : 0, 250));
    doc.font('Helvetica-Bold').fontSize(13).fillColor(INK).text(table.title, MARGIN, doc.y, { width });
    doc.moveDown(0.2);
    if (table.description) {
      doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(table.description, MARGIN, doc.y, { width });
      doc.moveDown(0.3);
    }
    if (table.chart && hasChartData(table.chart)) {
      if (isSeriesChart(table.chart)) drawSeriesChart(doc, table.chart, report, room);
      else drawChart(doc, table.chart, report, room);
    }
    drawTable(doc, table.headers, table.rows, report, width, room);
    doc.moveDown(0.9);
  }
  doc.end();
  return done;
}

const LOGO_BOX: [number, number] = [140, 56];

/** The logo at the top left, the structure's name and address beside it; returns where the title goes. */
function drawLetterhead(doc: PDFKit.PDFDocument, head: Letterhead, width: number): number {
  let textX = MARGIN;
  if (head.logo) {
    try {
      doc.image(head.logo, MARGIN, MARGIN, { fit: LOGO_BOX });
      textX = MARGIN + LOGO_BOX[0] + 12;
    } catch {
      // Its first bytes said PNG or JPEG but pdfkit cannot read the rest: the report goes out without it.
    }
  }
  const textWidth = width - (textX - MARGIN);
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(head.name, textX, MARGIN, { width: textWidth });
  if (head.address) doc.font('Helvetica').fontSize(9).fillColor(MUTED).text(head.address, textX, doc.y, { width: textWidth });
  const bottomOfHead = Math.max(doc.y, textX === MARGIN ? 0 : MARGIN + LOGO_BOX[1]);
  return bottomOfHead + 14;
}

function drawChart(doc: PDFKit.PDFDocument, chart: BarChart, report: PdfReport, room: (h: number) => void): void {
  const layout = reportChartLayout(chart, report.chartValue);
  room(layout.height + 6);
  const x0 = MARGIN;
  const y0 = doc.y + 4;
  for (const row of layout.rows) {
    doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(row.label, x0, y0 + row.y + 2, { width: layout.barArea + 90, lineBreak: false });
    for (const bar of row.bars) {
      doc.rect(x0, y0 + bar.y, layout.barArea, 12).fill('#eef0ec');
      if (bar.width > 0) {
        if (bar.series === 0) doc.rect(x0, y0 + bar.y, bar.width, 12).fill(BRAND);
        else {
          // The second series is hatched, not only another colour.
          doc.save();
          doc.rect(x0, y0 + bar.y, bar.width, 12).clip();
          doc.rect(x0, y0 + bar.y, bar.width, 12).fill('#ffffff');
          for (let hx = -12; hx < bar.width; hx += 5) doc.moveTo(x0 + hx, y0 + bar.y + 12).lineTo(x0 + hx + 12, y0 + bar.y).lineWidth(1.5).stroke(ACCENT);
          doc.restore();
          doc.rect(x0, y0 + bar.y, bar.width, 12).lineWidth(0.8).stroke(ACCENT);
        }
      }
      doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(bar.text, x0 + layout.barArea + 6, y0 + bar.y + 2, { width: 90, lineBreak: false });
    }
  }
  doc.x = MARGIN;
  doc.y = y0 + layout.height + 4;
}

/** Columns and lines over the years, from the same layout as the page's SVG (charts.ts). */
function drawSeriesChart(doc: PDFKit.PDFDocument, chart: SeriesChart, report: PdfReport, room: (h: number) => void): void {
  const l = seriesLayout(chart, report.chartValue);
  room(l.height + 6);
  const x0 = MARGIN;
  const y0 = doc.y + 4;
  const colour = (series: number) => SERIES_COLOURS[series % 3];
  const hatched = (x: number, y: number, w: number, h: number) => {
    doc.save();
    doc.rect(x, y, w, h).clip();
    doc.rect(x, y, w, h).fill('#ffffff');
    for (let hx = -h; hx < w; hx += 5) doc.moveTo(x + hx, y + h).lineTo(x + hx + h, y).lineWidth(1.5).stroke(ACCENT);
    doc.restore();
  };
  const column = (series: number, x: number, y: number, w: number, h: number) => {
    if (series % 3 === 0) doc.rect(x, y, w, h).fill(colour(0));
    else if (series % 3 === 1) hatched(x, y, w, h);
    else doc.rect(x, y, w, h).fill('#ffffff');
    doc.rect(x, y, w, h).lineWidth(0.8).stroke(colour(series));
  };
  const marker = (series: number, x: number, y: number) => {
    if (series % 3 === 0) doc.circle(x, y, 3).fill(colour(series));
    else if (series % 3 === 1) doc.rect(x - 3, y - 3, 6, 6).fill(colour(series));
    else doc.polygon([x, y - 4], [x + 4, y + 3.5], [x - 4, y + 3.5]).fill(colour(series));
  };
  const dashed = (series: number) => {
    const dash = LINE_DASHES[series % 3];
    if (dash) doc.dash(dash[0], { space: dash[1] });
    else doc.undash();
  };
  for (const item of l.legend) {
    const y = y0 + item.y + 8;
    if (chart.kind === 'columns') column(item.series, x0 + 1, y - 5, 14, 9);
    else {
      dashed(item.series);
      doc.moveTo(x0, y).lineTo(x0 + 18, y).lineWidth(1.5).stroke(colour(item.series));
      doc.undash();
      marker(item.series, x0 + 9, y);
    }
    doc.font('Helvetica').fontSize(8.5).fillColor(INK).text(item.text, x0 + 24, y - 4, { lineBreak: false });
  }
  for (const tick of l.yTicks) {
    doc.moveTo(x0 + l.plot.x, y0 + tick.y).lineTo(x0 + l.plot.x + l.plot.width, y0 + tick.y).lineWidth(0.4).stroke('#d5dae0');
    doc.font('Helvetica').fontSize(7.5).fillColor(MUTED).text(tick.text, x0, y0 + tick.y - 3.5, { width: l.plot.x - 4, align: 'right', lineBreak: false });
  }
  for (const c of l.columns) {
    if (c.height > 0) column(c.series, x0 + c.x, y0 + c.y, c.width, c.height);
    // Written upwards, as on the page.
    const tx = x0 + c.x + c.width / 2 - 3.5;
    const ty = y0 + c.y - 3;
    doc.save();
    doc.rotate(-90, { origin: [tx, ty] });
    doc.font('Helvetica').fontSize(7.5).fillColor(INK).text(c.text, tx, ty, { lineBreak: false });
    doc.restore();
  }
  for (const line of l.lines) {
    dashed(line.series);
    let pen = false;
    for (const p of line.points) {
      if (!p) { pen = false; continue; }
      if (pen) doc.lineTo(x0 + p.x, y0 + p.y);
      else doc.moveTo(x0 + p.x, y0 + p.y);
      pen = true;
    }
    doc.lineWidth(1.5).stroke(colour(line.series));
    doc.undash();
    for (const p of line.points) if (p) marker(line.series, x0 + p.x, y0 + p.y);
  }
  doc.moveTo(x0 + l.plot.x, y0 + l.plot.y + l.plot.height).lineTo(x0 + l.plot.x + l.plot.width, y0 + l.plot.y + l.plot.height).lineWidth(0.8).stroke(INK);
  for (const x of l.xLabels) {
    doc.font('Helvetica').fontSize(7.5).fillColor(INK);
    if (x.slanted) {
      const w = doc.widthOfString(x.text);
      doc.save();
      doc.rotate(-45, { origin: [x0 + x.x, y0 + x.y - 8] });
      doc.text(x.text, x0 + x.x - w, y0 + x.y - 8, { lineBreak: false });
      doc.restore();
    } else {
      doc.text(x.text, x0 + x.x - 20, y0 + x.y - 8, { width: 40, align: 'center', lineBreak: false });
    }
  }
  doc.x = MARGIN;
  doc.y = y0 + l.height + 4;
}

/**
 * A header broken into lines at its spaces only, each line short enough that pdfkit keeps it whole: left to
 * itself, pdfkit cuts a word wider than the column, and printed "Scolarisé·e" as "Scolarisé·" over "e".
 * Call with the header's font and size set.
 */
function wrappedAtSpaces(doc: PDFKit.PDFDocument, header: string, width: number): string {
  const lines: string[] = [];
  for (const word of header.split(' ')) {
    const last = lines.at(-1);
    if (last !== undefined && doc.widthOfString(`${last} ${word}`) <= width) lines[lines.length - 1] = `${last} ${word}`;
    else lines.push(word);
  }
  return lines.join('\n');
}

function drawTable(doc: PDFKit.PDFDocument, headers: string[], rows: Cell[][], report: PdfReport, width: number, room: (h: number) => void): void {
  const n = headers.length;
  // Numbers take a narrow column each; columns of words (the first, and e.g. a group's name) share the rest.
  const isText = headers.map((_, i) => i === 0 || rows.some((r) => r[i]?.kind === 'text'));
  const numbers = isText.filter((t) => !t).length;
  const numberWidth = numbers ? Math.min(62, (width * 0.66) / numbers) : 0;
  const textWidth = (width - numbers * numberWidth) / isText.filter(Boolean).length;
  const ws0 = isText.map((t) => (t ? textWidth : numberWidth));
  const xs = ws0.map((_, i) => MARGIN + ws0.slice(0, i).reduce((a, b) => a + b, 0));
  const ws = ws0.map((w) => w - 4);
  const size = n > 6 ? 7.5 : 8.5;

  const line = (cells: string[], bold: boolean, color: string, sizes: number[] = cells.map(() => size)) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica');
    const h = Math.max(...cells.map((c, i) => doc.fontSize(sizes[i]!).heightOfString(c, { width: ws[i] }))) + 3;
    room(h + 2);
    const y = doc.y;
    cells.forEach((c, i) => doc.fontSize(sizes[i]!).fillColor(color).text(c, xs[i], y, { width: ws[i], align: isText[i] ? 'left' : 'right' }));
    doc.y = y + h;
    doc.moveTo(MARGIN, doc.y - 1).lineTo(MARGIN + width, doc.y - 1).lineWidth(0.4).stroke('#d5dae0');
  };
  // A header word wider than its column is set smaller rather than cut.
  doc.font('Helvetica-Bold').fontSize(size);
  const headerSizes = headers.map((h, i) => Math.min(size, ...h.split(' ').map((w) => Math.floor((10 * size * ws[i]!) / doc.widthOfString(w)) / 10)));
  const headerLines = headers.map((h, i) => wrappedAtSpaces(doc.fontSize(headerSizes[i]!), h, ws[i]!));
  line(headerLines, true, MUTED, headerSizes);
  for (const r of rows) line(r.map((c) => formatCell(c, report.lang)), false, INK);
  doc.x = MARGIN;
}
