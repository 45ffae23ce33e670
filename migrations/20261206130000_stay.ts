import type { Knex } from 'knex';
import { trackDataVersion } from '../src/db/data-version.js';

/**
 * The stay abroad: the group's emergency sheet (what the accompanying adults need when something goes wrong,
 * far from the office), the health notes the worker copies from the parents' forms (kept apart from the
 * youth's file because they are purged after the return with the health scans), the incident log with who
 * was told and the director's acknowledgement, and the adults' daily notes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stay_sheets', (t) => {
    t.integer('group_id').primary().references('groups.id').onDelete('CASCADE');
    t.string('insurance', 255);
    t.string('assistance_phone', 40);
    t.string('consulate', 500);
    t.string('partner_contacts', 500);
    t.string('accommodation_address', 500);
    t.text('itinerary');
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.string('updated_at', 30).notNullable();
  });
  await trackDataVersion(knex, 'stay_sheets');
  await knex.schema.createTable('stay_health_notes', (t) => {
    t.integer('enrolment_id').primary().references('enrolments.id').onDelete('CASCADE');
    t.string('note', 500);
    t.integer('written_by').references('users.id').onDelete('SET NULL');
    t.string('written_at', 30).notNullable();
    t.string('purged_at', 30);
  });
  await trackDataVersion(knex, 'stay_health_notes');
  await knex.schema.createTable('stay_incidents', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.string('occurred_at', 16).notNullable();
    t.string('place', 255);
    t.text('what').notNullable();
    t.string('severity', 16).notNullable();
    t.text('action_taken');
    for (const who of ['parents', 'director', 'insurer', 'consulate']) t.string(`told_${who}_at`, 16);
    t.integer('recorded_by').references('users.id').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.integer('acknowledged_by').references('users.id').onDelete('SET NULL');
    t.string('acknowledged_at', 30);
    t.index(['group_id', 'occurred_at']);
  });
  await trackDataVersion(knex, 'stay_incidents');
  await knex.schema.createTable('stay_incident_youths', (t) => {
    t.integer('incident_id').notNullable().references('stay_incidents.id').onDelete('CASCADE');
    t.integer('enrolment_id').notNullable().references('enrolments.id').onDelete('CASCADE');
    t.primary(['incident_id', 'enrolment_id']);
  });
  await trackDataVersion(knex, 'stay_incident_youths');
  await knex.schema.createTable('stay_daily_notes', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.string('day', 10).notNullable();
    t.text('done').notNullable();
    t.string('mood', 500);
    t.string('tired', 500);
    t.integer('written_by').references('users.id').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.index(['group_id', 'day']);
  });
  await trackDataVersion(knex, 'stay_daily_notes');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['stay_daily_notes', 'stay_incident_youths', 'stay_incidents', 'stay_health_notes', 'stay_sheets']) await knex.schema.dropTable(table);
}
