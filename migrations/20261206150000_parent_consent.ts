import type { Knex } from 'knex';
import { trackDataVersion } from '../src/db/data-version.js';

/**
 * Parents of minors answering online (src/parent-consent/): the links a worker sends (only a hash of each
 * token is kept, so a copy of the database opens no parent's page), and the answers, each with the exact
 * text the parent was shown (a version and a hash of it) and the image consent it recorded.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('parent_consent_links', (t) => {
    t.increments('id');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.string('channel', 10).notNullable();
    t.string('address', 254).notNullable();
    t.string('parent_name', 120);
    t.integer('outbox_message_id').references('id').inTable('outbox_messages').onDelete('SET NULL');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30);
    t.string('revoked_at', 30);
    t.integer('revoked_by').references('id').inTable('users').onDelete('SET NULL');
    t.index(['enrolment_id']);
  });
  await trackDataVersion(knex, 'parent_consent_links');
  await knex.schema.createTable('parent_consent_answers', (t) => {
    t.increments('id');
    // One answer per link: the link is single-use.
    t.integer('link_id').notNullable().unique().references('id').inTable('parent_consent_links').onDelete('CASCADE');
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.string('parent_name', 120).notNullable();
    t.string('image_level', 12).notNullable(); // none | group | restitution | public
    t.boolean('exit_acknowledged').notNullable();
    t.string('text_version', 40).notNullable();
    t.string('text_hash', 64).notNullable();
    t.string('locale', 5).notNullable();
    t.integer('image_consent_id').references('id').inTable('image_consents').onDelete('SET NULL');
    t.string('answered_at', 30).notNullable();
    t.index(['enrolment_id']);
  });
  await trackDataVersion(knex, 'parent_consent_answers');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('parent_consent_answers');
  await knex.schema.dropTable('parent_consent_links');
}
