import type { Knex } from 'knex';

// After the project: each youth is contacted about 1, 3, 6 and 12 months after the return. One row per
// youth (enrolment) and milestone, planned when the group comes back; recorded when the worker has called.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('follow_ups', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.integer('milestone_months').notNullable(); // 1 | 3 | 6 | 12
    t.string('due_on', 10).notNullable();
    // Null until the follow-up is recorded.
    t.string('done_on', 10);
    t.boolean('reached');
    t.string('situation', 16); // employed | training | school | job_seeking | other
    t.string('contract', 16); // permanent | fixed_term | temp, when employed
    // Engagement: "their ambition is no longer to go abroad again but to act here".
    t.boolean('joined_council').notNullable().defaultTo(false);
    t.boolean('created_association').notNullable().defaultTo(false);
    t.boolean('volunteering').notNullable().defaultTo(false);
    t.boolean('prepares_new_group').notNullable().defaultTo(false);
    t.boolean('peer_leader').notNullable().defaultTo(false);
    t.boolean('spoke_at_restitution').notNullable().defaultTo(false);
    t.text('note');
    t.integer('recorded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    // Planning twice never makes two rows: this is what makes scheduling idempotent.
    t.unique(['enrolment_id', 'milestone_months']);
    t.index(['due_on']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('follow_ups');
}
