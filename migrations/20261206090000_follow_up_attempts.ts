import type { Knex } from 'knex';

/**
 * A follow-up is tried until the youth is reached: each call or meeting is a row of follow_up_attempts (when,
 * reached or not, who recorded it, its note). The follow-up row keeps the outcome of the attempt that
 * reached the youth — `done_on` is the day they were reached, with the situation and engagement learned
 * then — and `reached` says where the attempts stand: null never tried, false tried but not reached yet,
 * true reached. A "not reached" used to be recorded as done: the director read 8 of 8 done when 7 youths
 * had been reached.
 *
 * The note of a reaching attempt is the follow-up's note; an attempt keeps the note of a failed call
 * ("messagerie, rappeler le soir").
 *
 * Each follow-up recorded so far becomes its one attempt. Plain table and UPDATEs: no table is rebuilt.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('follow_up_attempts', (t) => {
    t.increments('id');
    t.integer('follow_up_id').notNullable().references('id').inTable('follow_ups').onDelete('CASCADE');
    t.string('tried_on', 10).notNullable();
    t.boolean('reached').notNullable();
    t.text('note');
    t.integer('recorded_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.index(['follow_up_id']);
  });
  // A follow-up recorded without saying whether the youth was reached was counted as done: it stays so.
  await knex('follow_ups').whereNotNull('done_on').whereNull('reached').update({ reached: true });
  await knex.raw(
    'insert into follow_up_attempts (follow_up_id, tried_on, reached, note, recorded_by, created_at) ' +
      'select id, done_on, reached, case when reached then null else note end, recorded_by, updated_at from follow_ups where done_on is not null',
  );
  await knex('follow_ups').whereNotNull('done_on').where('reached', false).update({ done_on: null, note: null, recorded_by: null });
}

export async function down(knex: Knex): Promise<void> {
  // A follow-up tried without reaching the youth goes back to being recorded as done on its last attempt.
  const last = (column: string) =>
    knex.raw(`(select a.${column} from follow_up_attempts a where a.follow_up_id = follow_ups.id order by a.tried_on desc, a.id desc limit 1)`);
  await knex('follow_ups').whereNull('done_on').where('reached', false).update({ done_on: last('tried_on'), note: last('note'), recorded_by: last('recorded_by') });
  await knex.schema.dropTable('follow_up_attempts');
}
