import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('role', 16).notNullable();
    // Workers, directors and admins sign in by e-mail; youths usually have none and pick a username.
    t.string('email', 254).unique();
    t.string('username', 64).unique();
    t.string('display_name', 120).notNullable();
    t.string('password_hash', 255);
    t.boolean('active').notNullable().defaultTo(true);
    t.string('locale', 5);
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
  });
  await knex.schema.createTable('one_time_codes', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    // Only a hash is kept: whoever reads the database cannot open a youth's account with it.
    t.string('code_hash', 64).notNullable().unique();
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30);
    t.string('created_at', 30).notNullable();
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('one_time_codes');
  await knex.schema.dropTable('users');
}
