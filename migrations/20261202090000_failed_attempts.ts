import type { Knex } from 'knex';

// Failed sign-ins and code tries, counted in the database so that every instance behind a load balancer
// sees the same counts (src/auth/failed-attempts.ts). The key is a hash: what was typed as a login (a
// password, sometimes) and the address are not kept in clear.
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('failed_attempts', (t) => {
    t.string('attempt_key', 100).primary();
    t.integer('failures').notNullable();
    // Milliseconds since the epoch, like sessions.expires: compared as numbers on both databases.
    // No try is taken before next_try_at; the row means nothing any more after expires_at.
    t.bigInteger('next_try_at').notNullable();
    t.bigInteger('expires_at').notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('failed_attempts');
}
