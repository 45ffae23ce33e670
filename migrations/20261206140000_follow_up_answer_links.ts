import type { Knex } from 'knex';
import { trackDataVersion, untrackDataVersion } from '../src/db/data-version.js';

/**
 * A youth answers their own follow-up from a link: follow_up_links holds one row per link sent (its token
 * hashed — the database alone opens no answer page), when it expires, when it was used or revoked and by
 * whom. The attempt their answer makes says so (`by_youth`), and the worker's confirmation is written on it
 * (who, when). Plain new columns: follow_up_attempts is not rebuilt (`confirmed_by` carries no foreign key
 * for that reason; an account is deactivated, never deleted).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('follow_up_links', (t) => {
    t.increments('id');
    t.integer('follow_up_id').notNullable().references('id').inTable('follow_ups').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.integer('sent_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('sent_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30);
    t.string('revoked_at', 30);
    t.integer('revoked_by').references('id').inTable('users').onDelete('SET NULL');
    t.integer('message_id');
    t.index(['follow_up_id']);
  });
  await trackDataVersion(knex, 'follow_up_links');
  await knex.schema.alterTable('follow_up_attempts', (t) => {
    t.boolean('by_youth').notNullable().defaultTo(false);
    t.integer('confirmed_by');
    t.string('confirmed_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('follow_up_attempts', (t) => {
    t.dropColumn('by_youth');
    t.dropColumn('confirmed_by');
    t.dropColumn('confirmed_at');
  });
  await untrackDataVersion(knex, 'follow_up_links');
  await knex.schema.dropTable('follow_up_links');
}
