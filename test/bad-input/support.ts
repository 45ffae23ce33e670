import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Db } from '../../src/db/knex.js';
import { listTables, testDatabase } from '../support/database.js';

/** Names people really have: they must be taken as typed and shown intact. */
export const REAL_NAMES = {
  turkishEmoji: 'Ayşe 👩🏽‍🎓',
  arabic: 'محمد',
  hebrew: 'נועה',
  arabicFull: 'فاطمة الزهراء',
} as const;

/** Markup typed into a text field: it must come back as text, never as a tag. */
export const MARKUP = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'] as const;

/** How EJS's <%= %> writes each one: what the page must contain instead. */
export const ESCAPED: Record<(typeof MARKUP)[number], string> = {
  '<script>alert(1)</script>': '&lt;script&gt;alert(1)&lt;/script&gt;',
  '"><img src=x onerror=alert(1)>': '&#34;&gt;&lt;img src=x onerror=alert(1)&gt;',
};

/** Asserts a page shows the markup as text and contains none of it as live HTML. */
export function expectEscaped(html: string, markup: (typeof MARKUP)[number], where: string): void {
  expect(html, `${where}: shows the typed markup as text`).to.include(ESCAPED[markup]);
  expect(html, `${where}: no live <script> from the input`).not.to.include('<script>alert(1)</script>');
  expect(html, `${where}: no live <img onerror> from the input`).not.to.match(/<img src=x onerror/i);
}

// Sessions change with every sign-in and page: they are not data the user typed.
// The data version is a counter, not data: on PostgreSQL its statement triggers fire even for a statement
// that touched no row (an update its where refused), which only makes the caches be worked out again.
const NOT_DATA = new Set(['sessions', 'data_version']);

const tableNames = async (db: Db): Promise<string[]> => (await listTables(db)).filter((t) => !t.startsWith('knex_')).sort();

function listFiles(dir: string, prefix = ''): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.flatMap((e) => (e.isDirectory() ? listFiles(path.join(dir, e.name), `${prefix}${e.name}/`) : [`${prefix}${e.name}`])).sort();
}

/**
 * Every row of every table (but sessions and the data version) and every file under UPLOAD_DIR: what "nothing changed" is
 * compared against. Rows are sorted on their JSON so the order a database returns them in does not count.
 */
export async function snapshot(db: Db): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const table of await tableNames(db)) {
    if (NOT_DATA.has(table)) continue;
    out[table] = (await db(table).select('*')).map((r: unknown) => JSON.stringify(r)).sort();
  }
  out['(files)'] = listFiles(testDatabase().config.uploadDir);
  return out;
}

/** What differs between two snapshots, table by table, with the rows (or files) that came and went. */
export function changedTables(before: Record<string, string[]>, after: Record<string, string[]>): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((t) => JSON.stringify(before[t]) !== JSON.stringify(after[t]))
    .map((t) => {
      const was = new Set(before[t] ?? []);
      const is = new Set(after[t] ?? []);
      const added = [...is].filter((r) => !was.has(r));
      const removed = [...was].filter((r) => !is.has(r));
      return `${t}: +${JSON.stringify(added).slice(0, 300)} -${JSON.stringify(removed).slice(0, 300)}`;
    });
}

/**
 * Waits up to `ms` for the database and UPLOAD_DIR to be back as `before`, then returns what still differs.
 * For refused uploads: multer may answer before it has removed a half-received temporary file (when the
 * body breaks before the file's write has started), and removes it a moment later.
 */
export async function changesAfterSettling(db: Db, before: Record<string, string[]>, ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const changes = changedTables(before, await snapshot(db));
    if (!changes.length || Date.now() > deadline) return changes;
    await new Promise((r) => setTimeout(r, 50));
  }
}
