import { createRequire } from 'node:module';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { visibleText } from '../support/http.js';

// pdfjs reads the metrics of the 14 standard PDF fonts (Helvetica...) from its own package.
const standardFontDataUrl = path.join(path.dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;

/** The text of a PDF as a reader's copy-paste would give it: page by page, items joined by spaces. */
export async function pdfText(data: Buffer): Promise<string> {
  const doc = await getDocument({ data: new Uint8Array(data), useSystemFonts: false, isEvalSupported: false, standardFontDataUrl }).promise;
  const pages: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join(' '));
  }
  await doc.destroy();
  return pages.join('\n').replace(/[ \t]+/g, ' ');
}

/** A superagent parser keeping the body as bytes, for a PDF: `.buffer(true).parse(binary as never)`. */
export const binary = (res: { on: (e: string, cb: (c?: Buffer) => void) => void }, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c?: Buffer) => chunks.push(c!));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

/** The cells of a CSV export: BOM stripped, CRLF lines, `;` separators (no quoted separators in these tables). */
export const csvRows = (text: string): string[][] => text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).map((l) => l.split(';'));

/** The rows of one section's table on the page, each cell as the reader reads it. */
export function pageRows(html: string, key: string): string[][] {
  const section = new RegExp(`<section class="card report-section" aria-labelledby="title-${key}">([\\s\\S]*?)</section>`).exec(html);
  if (!section) throw new Error(`no section ${key} on the page`);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section[1]!)![1]!;
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((tr) => [...tr[1]!.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => visibleText(c[1]!)));
}
