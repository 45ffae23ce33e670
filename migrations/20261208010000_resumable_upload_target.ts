import type { Knex } from 'knex';

/**
 * What within the group a resumable upload is for, when its route names more than the group: a youth's paper
 * (`<enrolment>/<kind>`, src/documents/). An upload begun for one paper carries on only as that paper; the
 * group's media have none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('resumable_uploads', (t) => {
    t.string('target', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  // The databases' own DROP COLUMN, not knex's dropColumn, which on SQLite copies the table (README).
  await knex.raw('alter table resumable_uploads drop column target');
}
