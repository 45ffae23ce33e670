import type { Knex } from 'knex';

/**
 * Taking over a project mid-way. A group created at its real phase has one phase record saying so
 * (`taken_over_on`: the day it had been in that phase since, as the worker said), instead of transitions
 * nobody made. An enrolment keeps who typed it apart from the day the youth joined (`enrolled_on`, now a
 * day in the past for a register kept on paper before).
 *
 * The reference is added with plain ALTER TABLE on both databases: knex would rebuild the SQLite table, and
 * the DROP TABLE of that rebuild deletes by cascade every row pointing at the enrolments.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('phase_transitions', (t) => {
    t.string('taken_over_on', 10);
  });
  await knex.raw('alter table enrolments add column recorded_by integer references users(id) on delete set null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table enrolments drop column recorded_by');
  await knex.raw('alter table phase_transitions drop column taken_over_on');
}
