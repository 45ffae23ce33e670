import type { Knex } from 'knex';

// The "new group" form carries a random token; the group it created keeps it. A double click, or the
// same form sent again after "back", then finds the group already made instead of making a second one:
// the unique index decides, even when both requests are in flight at once on two app instances.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.string('creation_token', 64);
  });
  // Separate from the column: SQLite cannot add a column that is UNIQUE, but can index it. Groups made
  // without a token (clones, demo data, older forms) have null, which a unique index lets repeat.
  await knex.schema.alterTable('groups', (t) => {
    t.unique(['creation_token'], { indexName: 'groups_creation_token_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.dropUnique(['creation_token'], 'groups_creation_token_unique');
  });
  await knex.schema.alterTable('groups', (t) => {
    t.dropColumn('creation_token');
  });
}
