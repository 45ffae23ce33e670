import type { Knex } from 'knex';
import { trackDataVersion, untrackDataVersion } from '../src/db/data-version.js';

/**
 * What the app sent by itself, so that it sends it once: one row per reminder to a youth (kind, enrolment,
 * what it is about — a session, or 0 for the youth's papers and videos — and the day it is about: the
 * session's day, the papers' deadline, the departure or return date), and one row per morning e-mail to an
 * account and day. The unique keys are what keeps two passes, or two instances, from queuing one twice: the
 * row is inserted in the transaction that queues the message, and a second insert of the same key does
 * nothing. A session moved to another day gets its reminder again, for the new day.
 * `users.morning_email`: the account asked for the morning e-mail (off unless its owner ticks it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('youth_reminders', (t) => {
    t.increments('id');
    t.string('kind', 24).notNullable();
    t.integer('enrolment_id').notNullable().references('id').inTable('enrolments').onDelete('CASCADE');
    t.integer('subject_id').notNullable().defaultTo(0);
    t.string('day', 10).notNullable();
    t.integer('message_id');
    t.string('created_at', 30).notNullable();
    t.unique(['kind', 'enrolment_id', 'subject_id', 'day']);
    t.index(['enrolment_id']);
  });
  await trackDataVersion(knex, 'youth_reminders');
  await knex.schema.createTable('morning_emails', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('day', 10).notNullable();
    t.integer('message_id');
    t.string('created_at', 30).notNullable();
    t.unique(['user_id', 'day']);
  });
  await trackDataVersion(knex, 'morning_emails');
  await knex.schema.alterTable('users', (t) => {
    t.boolean('morning_email').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain DROP COLUMN: knex's dropColumn rebuilds a SQLite table, which the foreign keys onto users forbid.
  await knex.raw('alter table users drop column morning_email');
  await untrackDataVersion(knex, 'morning_emails');
  await knex.schema.dropTable('morning_emails');
  await untrackDataVersion(knex, 'youth_reminders');
  await knex.schema.dropTable('youth_reminders');
}
