import type { Knex } from 'knex';

// Groups made from a form are made once per form through form_submissions, like every other creating form:
// the group's own creation token (20261201060000_group_creation_token) has no use left.
//
// The column goes with SQLite's own ALTER TABLE … DROP COLUMN (PostgreSQL reads the same text). knex's
// dropColumn would copy the table and drop the original inside the migration's transaction, where
// foreign keys stay on: the drop would delete, by cascade, every youth's enrolment, meeting and worker of
// every group. Its index goes first: SQLite does not drop an indexed column.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.dropUnique(['creation_token'], 'groups_creation_token_unique');
  });
  await knex.raw('alter table groups drop column creation_token');
}

// The column and its index come back empty: the tokens of forms sent meanwhile are in form_submissions.
export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.string('creation_token', 64);
  });
  await knex.schema.alterTable('groups', (t) => {
    t.unique(['creation_token'], { indexName: 'groups_creation_token_unique' });
  });
}
