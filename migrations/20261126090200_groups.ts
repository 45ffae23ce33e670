import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('structures', (t) => {
    t.increments('id');
    t.string('name', 160).notNullable().unique();
    t.string('town', 120);
    t.string('created_at', 30).notNullable();
  });
  await knex.schema.createTable('groups', (t) => {
    t.increments('id');
    t.string('name', 160).notNullable();
    t.integer('structure_id').notNullable().references('id').inTable('structures');
    t.string('destination_country', 2).notNullable();
    t.string('destination_place', 160);
    t.string('partner_name', 160);
    t.string('partner_contact', 255);
    t.string('theme', 255);
    // Calendar dates as YYYY-MM-DD text: no time zone can shift a departure day.
    t.string('departure_date', 10);
    t.string('return_date', 10);
    t.string('phase', 16).notNullable().defaultTo('preparation');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.index(['structure_id']);
    t.index(['phase']);
  });
  await knex.schema.createTable('group_workers', (t) => {
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.string('role', 16).notNullable(); // lead | co_lead
    t.primary(['group_id', 'user_id']);
    t.index(['user_id']);
  });
  // A youth's file outlives a group: the same youth can come back in a later group as peer leader.
  await knex.schema.createTable('youths', (t) => {
    t.increments('id');
    t.integer('user_id').unique().references('id').inTable('users').onDelete('SET NULL');
    t.string('first_name', 80).notNullable();
    t.string('last_name', 80).notNullable();
    t.string('birth_date', 10).notNullable();
    t.string('phone', 40);
    t.string('created_at', 30).notNullable();
  });
  await knex.schema.createTable('enrolments', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.integer('youth_id').notNullable().references('id').inTable('youths');
    t.string('role', 16).notNullable().defaultTo('participant'); // participant | peer_leader
    t.string('status', 16).notNullable().defaultTo('enrolled'); // enrolled | withdrawn
    t.string('enrolled_on', 10).notNullable();
    t.string('created_at', 30).notNullable();
    t.unique(['group_id', 'youth_id']);
    t.index(['youth_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('enrolments');
  await knex.schema.dropTable('youths');
  await knex.schema.dropTable('group_workers');
  await knex.schema.dropTable('groups');
  await knex.schema.dropTable('structures');
}
