import type { Knex } from 'knex';
import { trackDataVersion, untrackDataVersion } from '../src/db/data-version.js';

/**
 * An incident corrected after it was written (what was done, who was told, its severity) keeps each earlier
 * version: before a correction, the incident as it stood is copied into `stay_incident_revisions` with who
 * corrected it and when. The incident's `revision` counts the corrections, so a form loaded on an older
 * version is refused rather than overwriting a correction made meanwhile.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stay_incidents', (t) => {
    t.integer('revision').notNullable().defaultTo(0);
  });
  await knex.schema.createTable('stay_incident_revisions', (t) => {
    t.increments('id');
    t.integer('incident_id').notNullable().references('stay_incidents.id').onDelete('CASCADE');
    // The version this row keeps (0: as first written); the correction that replaced it is changed_by/at.
    t.integer('revision').notNullable();
    t.string('occurred_at', 16).notNullable();
    t.string('place', 255);
    t.text('what').notNullable();
    t.string('severity', 16).notNullable();
    t.text('action_taken');
    for (const who of ['parents', 'director', 'insurer', 'consulate']) t.string(`told_${who}_at`, 16);
    // The enrolments involved, comma-separated in id order: the set is only ever read back whole.
    t.string('youth_ids', 1000).notNullable().defaultTo('');
    t.integer('acknowledged_by').references('users.id').onDelete('SET NULL');
    t.string('acknowledged_at', 30);
    t.integer('changed_by').references('users.id').onDelete('SET NULL');
    t.string('changed_at', 30).notNullable();
    t.unique(['incident_id', 'revision']);
  });
  await trackDataVersion(knex, 'stay_incident_revisions');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stay_incident_revisions');
  // SQLite drops a column by rebuilding the table, which loses its triggers: set them again on both.
  await untrackDataVersion(knex, 'stay_incidents');
  await knex.schema.alterTable('stay_incidents', (t) => {
    t.dropColumn('revision');
  });
  await trackDataVersion(knex, 'stay_incidents');
}
