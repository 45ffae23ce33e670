import type { Knex } from 'knex';

// One row per creating form sent (a session, an event, a funder...), claimed before the record is made: the
// same form sent again (a double click) finds its token taken and creates nothing. See src/http/once-per-form.ts.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_submissions', (t) => {
    t.string('token', 64).primary();
    t.integer('user_id').notNullable();
    t.string('created_at', 30).notNullable().index();
    // Null while the first send is still making its record.
    t.string('done_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_submissions');
}
