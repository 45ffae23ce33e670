import type { Knex } from 'knex';

/*
 * Emptying the data (a test's fixture, the large network's generator) is not emptying the database: some
 * rows are written by the migrations and the app reads them as a migration left them. Removing them made a
 * test pass or fail by which file ran before it (the Erasmus+ guide's rates, read by every budget), and an
 * emptied `data_version` stops counting writes, so the page caches would keep old figures for new.
 */

/** Tables whose rows are never data to empty. */
const NEVER_EMPTIED = new Set(['data_version']);

/** Deletes the data rows of `table`, leaving what its migration wrote. */
export async function emptyTable(db: Knex | Knex.Transaction, table: string): Promise<void> {
  if (NEVER_EMPTIED.has(table) || table.startsWith('knex_')) return;
  const rows = db(table);
  // The guide's rates (no structure's), seeded by migrations/20261207070000_budget.ts; a structure's own go.
  if (table === 'erasmus_rates') rows.whereNotNull('structure_id');
  await rows.del();
}
