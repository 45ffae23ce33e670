/**
 * A small CSV reader, enough for the lists workers keep in a spreadsheet: fields separated by `;` (French
 * Excel), `,` or a tab (cells copied from a spreadsheet and pasted), optionally in double quotes with `""`
 * for a quote inside, line breaks CRLF, LF or CR (also inside quoted fields). Each record keeps the line it
 * starts on, so a problem can be reported as "line 4".
 */
export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvResult = { ok: true; separator: string; records: CsvRecord[] } | { ok: false; line: number; problem: 'unclosedQuote' };

export const SEPARATORS = [';', ',', '\t'] as const;

/** The separator used by the header line: the one that appears most often outside quotes (`;` wins ties). */
export function detectSeparator(text: string): string {
  const firstLine = text.replace(/^\s*[\r\n]+/, '').split(/\r\n|\n|\r/, 1)[0] ?? '';
  const unquoted = firstLine.replace(/"[^"]*"/g, '');
  let best: string = ';';
  let bestCount = 0;
  for (const sep of SEPARATORS) {
    const count = unquoted.split(sep).length - 1;
    if (count > bestCount) [best, bestCount] = [sep, count];
  }
  return best;
}

export function parseCsv(text: string, separator: string = detectSeparator(text)): CsvResult {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    // Empty lines, and lines of separators only (spreadsheets write `;;;;` for an empty row), carry nothing.
    if (fields.some((f) => f.trim() !== '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const c = text[i]!;
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
      } else {
        if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field.trim() === '') {
      // A quote opens a quoted field only at its start (spaces before it are dropped, as spreadsheets do).
      field = '';
      inQuotes = true;
    } else if (c === separator) {
      fields.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += c;
    }
    i++;
  }
  if (inQuotes) return { ok: false, line: recordLine, problem: 'unclosedQuote' };
  if (field !== '' || fields.length) endRecord();
  return { ok: true, separator, records };
}
