import type { Knex } from 'knex';

// Who made the group's calendar link new, and when: the old link stops working at that moment, and the
// leads should see that it was done (and by whom) when a youth asks why their phone's calendar went quiet.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.integer('calendar_token_renewed_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('calendar_token_renewed_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.dropForeign(['calendar_token_renewed_by']);
  });
  await knex.schema.alterTable('groups', (t) => {
    t.dropColumn('calendar_token_renewed_at');
    t.dropColumn('calendar_token_renewed_by');
  });
}
