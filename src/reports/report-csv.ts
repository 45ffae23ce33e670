import { formatCell, type ReportTable } from './tables.js';
import { eurosInField } from '../budget/money.js';

/**
 * A table for funders' spreadsheets: UTF-8 with a BOM and `;` separators so that French Excel opens it with
 * accents and columns right, CRLF line ends, quotes where a cell needs them.
 */
export const BOM = '\uFEFF';

/**
 * A cell that starts like a formula (=, +, -, @, or a tab or carriage return that some spreadsheets skip)
 * is prefixed with a quote: a group name typed as `=HYPERLINK(...)` must stay text when the funder opens it.
 */
export function neutralise(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: string): string {
  const safe = neutralise(value);
  return /[";\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLines(rows: string[][]): string {
  return BOM + rows.map((r) => r.map(csvCell).join(';')).join('\r\n') + '\r\n';
}

/**
 * Numbers are written as the reader's language writes them (decimal comma in French), percentages as
 * numbers of percent, so a spreadsheet can compute with them.
 */
export function tableCsv(table: ReportTable, lang: string): string {
  const rows = table.rows.map((r) =>
    r.map((cell) => {
      if (cell.kind === 'pct' && typeof cell.value === 'number') return (Math.round(cell.value * 1000) / 10).toLocaleString(lang, { maximumFractionDigits: 1 });
      if (cell.kind === 'count' && typeof cell.value === 'number') return String(cell.value);
      // Euros as a number a spreadsheet sums (decimal comma in French), without the currency sign.
      if (cell.kind === 'euros' && typeof cell.value === 'number') return eurosInField(cell.value, lang);
      return cell.value === null ? '' : formatCell(cell, lang);
    }),
  );
  return csvLines([table.headers, ...rows]);
}
