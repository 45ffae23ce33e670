import type { Knex } from 'knex';

// What a mobility project carries beyond its name and dates: the minimum attendance for departure, the
// secret of its calendar feed, the people who go with the youths and the money behind it.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('groups', (t) => {
    t.integer('min_attendance_pct').notNullable().defaultTo(60);
    t.string('calendar_token', 64).unique();
  });
  await knex.schema.createTable('group_companions', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    // A worker of the app, or someone outside it (an elected official...) known by name only.
    t.integer('user_id').references('id').inTable('users');
    t.string('name', 120);
    t.string('role', 120);
    t.index(['group_id']);
  });
  await knex.schema.createTable('group_funders', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('name', 160).notNullable();
    t.string('scheme', 160);
    // Euros in cents: no floating point in money.
    t.bigInteger('amount_cents');
    t.index(['group_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('group_funders');
  await knex.schema.dropTable('group_companions');
  await knex.schema.alterTable('groups', (t) => {
    t.dropUnique(['calendar_token']);
    t.dropColumn('calendar_token');
    t.dropColumn('min_attendance_pct');
  });
}
