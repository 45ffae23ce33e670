import type { Knex } from 'knex';

// A youth's file and their place in a group. Leaving a group is a withdrawal row, never a deletion:
// "we keep contacting them and they stay in touch with the group".
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('youths', (t) => {
    t.string('referred_by', 160);
    t.string('emergency_contact_name', 120);
    t.string('emergency_contact_phone', 40);
  });
  await knex.schema.alterTable('enrolments', (t) => {
    t.string('situation_at_enrolment', 16); // job_seeking | training | school | employed | other
    // Some youths take part in the preparation without being meant to leave.
    t.boolean('departing').notNullable().defaultTo(true);
  });
  await knex.schema.createTable('withdrawals', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('phase', 16).notNullable();
    t.string('withdrawn_on', 10).notNullable();
    t.string('reason', 16).notNullable(); // job | training | pregnancy | health | family | lost_contact | other
    t.text('note');
    t.boolean('stays_in_touch').notNullable().defaultTo(false);
    t.integer('recorded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    // Set when the youth comes back; the row stays as history.
    t.string('rejoined_on', 10);
    t.index(['enrolment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('withdrawals');
  await knex.schema.alterTable('enrolments', (t) => {
    t.dropColumn('departing');
    t.dropColumn('situation_at_enrolment');
  });
  await knex.schema.alterTable('youths', (t) => {
    t.dropColumn('emergency_contact_phone');
    t.dropColumn('emergency_contact_name');
    t.dropColumn('referred_by');
  });
}
