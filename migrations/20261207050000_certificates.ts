import type { Knex } from 'knex';
import { trackDataVersion } from '../src/db/data-version.js';

/**
 * The youth's certificate, after Youthpass: "the learner writes, the organisation confirms". The youth's text
 * (a general word and the competences they chose, each with their own words) is one row per enrolment with a
 * version that every change of the text raises; an approval is a record of its own (who, when, which
 * version, and the text as it was approved), so editing after an approval leaves that approval in the
 * history and asks for a new one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('certificates', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().unique().references('enrolments.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.text('general_text');
    t.integer('updated_by').references('users.id').onDelete('SET NULL');
    t.string('updated_at', 30).notNullable();
  });
  await trackDataVersion(knex, 'certificates');
  await knex.schema.createTable('certificate_competences', (t) => {
    t.integer('certificate_id').notNullable().references('certificates.id').onDelete('CASCADE');
    t.integer('competence_id').notNullable().references('competences.id');
    t.text('words');
    t.primary(['certificate_id', 'competence_id']);
  });
  await trackDataVersion(knex, 'certificate_competences');
  await knex.schema.createTable('certificate_approvals', (t) => {
    t.increments('id');
    t.integer('certificate_id').notNullable().references('certificates.id').onDelete('CASCADE');
    t.integer('version').notNullable();
    t.integer('approved_by').references('users.id').onDelete('SET NULL');
    // The name printed on the certificate, kept if the account goes.
    t.string('approved_by_name', 255).notNullable();
    t.string('approved_at', 30).notNullable();
    t.text('content').notNullable();
    t.index(['certificate_id', 'version']);
  });
  await trackDataVersion(knex, 'certificate_approvals');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('certificate_approvals');
  await knex.schema.dropTable('certificate_competences');
  await knex.schema.dropTable('certificates');
}
