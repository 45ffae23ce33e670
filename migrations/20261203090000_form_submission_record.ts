import type { Knex } from 'knex';

// The record a creating form made, kept with its token: a form whose answer is that record's page (a new
// group) sends the second click of a double click to the same page. See src/http/once-per-form.ts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('form_submissions', (t) => {
    t.integer('record_id');
  });
}

export async function down(knex: Knex): Promise<void> {
  // SQLite's own DROP COLUMN, not knex's dropColumn, which copies the table (see the next migration).
  await knex.raw('alter table form_submissions drop column record_id');
}
