import type { Knex } from 'knex';

// Restitution: the youths present the project at home. Each event has its audience (how many, and how many
// of them young), the youths who presented it, and the media shown — only media whose use level allows
// restitution, which the media module keeps in line with the youths' image consent.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('restitution_events', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('held_on', 10).notNullable();
    // public_meeting | school | exhibition | festival | ssi | radio_press | social_media | other
    t.string('type', 16).notNullable();
    t.string('place', 160);
    t.integer('audience_total').notNullable();
    // The split is optional (not always counted); when given, youths + adults never exceed the total.
    t.integer('audience_youths');
    t.integer('audience_adults');
    t.text('notes');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['group_id', 'held_on']);
  });
  await knex.schema.createTable('restitution_presenters', (t) => {
    t.integer('event_id').notNullable().references('id').inTable('restitution_events').onDelete('CASCADE');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.primary(['event_id', 'enrolment_id']);
    t.index(['enrolment_id']);
  });
  await knex.schema.createTable('restitution_media', (t) => {
    t.integer('event_id').notNullable().references('id').inTable('restitution_events').onDelete('CASCADE');
    t.integer('medium_id').notNullable().references('id').inTable('media').onDelete('CASCADE');
    t.primary(['event_id', 'medium_id']);
    t.index(['medium_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('restitution_media');
  await knex.schema.dropTable('restitution_presenters');
  await knex.schema.dropTable('restitution_events');
}
