import type { Knex } from 'knex';
import { trackDataVersion, untrackDataVersion } from '../src/db/data-version.js';

/**
 * Resumable (tus) uploads under way (src/http/resumable-uploads.ts). `resumable_uploads` says whose each
 * one is and what for (a group's media), so that only its author can resume it (anyone else: 404), and when
 * it began, so that an abandoned one is swept; its row goes when the file becomes a medium or is refused.
 * `upload_locks` is the lock every instance takes before writing to an upload: one row per upload being
 * written, the holder and the end of its lease (epoch milliseconds), and whether another request waits for
 * it. It is written every few seconds while bytes flow and read by no page, so, like the sessions, it bumps
 * no data version (UNTRACKED_TABLES): every heartbeat would otherwise empty every cache.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('resumable_uploads', (t) => {
    t.string('id', 64).primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('purpose', 16).notNullable();
    t.bigInteger('declared_size');
    t.string('created_at', 30).notNullable();
    // Set by the request that turns the complete file into a medium, so that a second one does not too.
    t.string('finishing_at', 30);
    t.index(['created_at']);
  });
  await trackDataVersion(knex, 'resumable_uploads');
  await knex.schema.createTable('upload_locks', (t) => {
    t.string('upload_id', 64).primary();
    t.string('holder', 64).notNullable();
    t.bigInteger('lease_until').notNullable();
    t.boolean('release_asked').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('upload_locks');
  await untrackDataVersion(knex, 'resumable_uploads');
  await knex.schema.dropTable('resumable_uploads');
}
