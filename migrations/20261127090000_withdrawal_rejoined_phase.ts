import type { Knex } from 'knex';

// The group's phase when a withdrawn youth came back. The funnel needs it: a youth who left during the
// preparation and came back before the departure still left with the group; one who came back after the
// stay never departed, even though the withdrawal row and its return date are the same kind of record.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('withdrawals', (t) => {
    t.string('rejoined_phase', 16);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('withdrawals', (t) => {
    t.dropColumn('rejoined_phase');
  });
}
