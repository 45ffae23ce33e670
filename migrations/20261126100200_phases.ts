import type { Knex } from 'knex';

// A phase change is a record (who, when, from, to, why), written in the same transaction as the group's
// current phase. Departure approvals are records too: a director's yes, or an override with its reason.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('phase_transitions', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('from_phase', 16).notNullable();
    t.string('to_phase', 16).notNullable();
    t.text('note');
    t.integer('by_user').references('id').inTable('users').onDelete('SET NULL');
    t.string('at', 30).notNullable();
    t.index(['group_id', 'at']);
  });
  await knex.schema.createTable('departure_approvals', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.integer('by_user').references('id').inTable('users').onDelete('SET NULL');
    t.string('at', 30).notNullable();
    // Filled when the director lets the group leave although the checks are not all met.
    t.text('override_reason');
    // An approval stops counting when the group goes back to preparation (e.g. a postponed trip).
    t.string('revoked_at', 30);
    t.index(['group_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('departure_approvals');
  await knex.schema.dropTable('phase_transitions');
}
