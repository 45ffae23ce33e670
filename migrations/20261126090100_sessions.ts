import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 255).primary();
    t.text('sess').notNullable();
    // Milliseconds since the epoch: compared as numbers on both databases.
    t.bigInteger('expires').notNullable().index();
    // Who the session belongs to, so deactivating an account can end all of its sessions at once.
    t.integer('user_id').index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sessions');
}
