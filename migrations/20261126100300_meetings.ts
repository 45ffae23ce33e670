import type { Knex } from 'knex';

// Preparation sessions are called "meetings" in the code, to keep them apart from HTTP sessions.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('meetings', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    // Local wall-clock time of the structure, 'YYYY-MM-DDTHH:mm': what the worker typed and the youths read.
    t.string('starts_at', 16).notNullable();
    t.integer('duration_minutes').notNullable().defaultTo(120);
    t.string('place', 160);
    t.string('type', 24).notNullable();
    t.string('phase', 16).notNullable();
    t.text('notes');
    t.string('register_taken_at', 30);
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.index(['group_id', 'starts_at']);
  });
  await knex.schema.createTable('attendance', (t) => {
    t.integer('meeting_id').notNullable().references('id').inTable('meetings').onDelete('CASCADE');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('status', 8).notNullable(); // present | late | excused | absent
    t.integer('recorded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('recorded_at', 30).notNullable();
    t.primary(['meeting_id', 'enrolment_id']);
    t.index(['enrolment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attendance');
  await knex.schema.dropTable('meetings');
}
