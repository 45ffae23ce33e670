import type { Knex } from 'knex';

// The youths' videos, photos, sound recordings and logbook, who appears in them, and how far each youth's
// image may go. A consent is a record, never an overwritten column: the latest one per enrolment counts,
// and the earlier ones say who changed it and when.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('media', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('kind', 8).notNullable(); // video | photo | audio | report
    t.string('moment', 8).notNullable(); // before | during | after
    t.string('caption', 300);
    // The text of a written report (logbook entry); may come with a file or without one.
    t.text('body');
    // Relative to UPLOAD_DIR, a generated name (`media/<yyyy>/<uuid>.<ext>`); null for a text-only report.
    t.string('stored_path', 255);
    t.string('mime', 100);
    t.bigInteger('size_bytes');
    t.string('sha256', 64);
    // The name the browser gave, as a label for downloads only; never used to build a path.
    t.string('original_name', 120);
    t.float('duration_seconds');
    t.string('thumbnail_path', 255);
    t.integer('uploaded_by').references('id').inTable('users').onDelete('SET NULL');
    // The author when a youth of the group uploaded it (the before/after page follows youths, not accounts).
    t.integer('youth_id').references('id').inTable('youths').onDelete('SET NULL');
    t.string('use_level', 12).notNullable().defaultTo('group'); // group | restitution | public
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['group_id', 'moment']);
    t.index(['youth_id']);
  });
  await knex.schema.createTable('media_youths', (t) => {
    t.integer('medium_id').notNullable().references('id').inTable('media').onDelete('CASCADE');
    t.integer('youth_id').notNullable().references('id').inTable('youths').onDelete('CASCADE');
    t.primary(['medium_id', 'youth_id']);
    t.index(['youth_id']);
  });
  await knex.schema.createTable('image_consents', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('level', 12).notNullable(); // none | group | restitution | public
    // For a youth who is a minor on the day it is recorded, the level counts only with their parents' consent.
    t.boolean('parental').notNullable().defaultTo(false);
    t.integer('recorded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('recorded_at', 30).notNullable();
    t.index(['enrolment_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('image_consents');
  await knex.schema.dropTable('media_youths');
  await knex.schema.dropTable('media');
}
