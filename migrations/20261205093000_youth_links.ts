import type { Knex } from 'knex';

/**
 * One youth, one history across structures: a worker who sees a youth's file in two structures links the
 * two files. Each structure keeps its own file (what it typed about the youth: birth date, phone,
 * emergency contact...) and its own groups' records; what the files share is the youth's account, so the
 * youth signs in once and their journey shows every group. Two files now may name the same account: the
 * account is no longer unique on `youths`.
 *
 * A link is a record (who, when), undone by setting `undone_at`, never deleted. When both files had an
 * account, the link keeps one and closes the other (`closed_user_id`); undoing it gives it back.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('youths', (t) => {
    t.dropUnique(['user_id']);
    t.index(['user_id'], 'youths_user_id_index');
  });
  await knex.schema.createTable('youth_links', (t) => {
    t.increments('id');
    // The file the link was made from, in its structure, and the file it was linked to, in the other one.
    t.integer('youth_id').notNullable().references('id').inTable('youths');
    t.integer('structure_id').notNullable().references('id').inTable('structures');
    t.integer('other_youth_id').notNullable().references('id').inTable('youths');
    t.integer('other_structure_id').notNullable().references('id').inTable('structures');
    t.integer('closed_user_id').references('id').inTable('users').onDelete('SET NULL');
    // Whether the link closed that account (it may have been closed by the admin already).
    t.boolean('closed_was_active').notNullable().defaultTo(false);
    t.integer('linked_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('linked_at', 30).notNullable();
    t.integer('undone_by').references('id').inTable('users').onDelete('SET NULL');
    t.string('undone_at', 30);
    t.index(['youth_id']);
    t.index(['other_youth_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('youth_links');
  // One account per file again: a shared account stays with the file that had it first (the lowest id).
  const shared: { user_id: number | string; keep: number | string }[] = await knex('youths')
    .whereNotNull('user_id')
    .groupBy('user_id')
    .havingRaw('count(*) > 1')
    .select('user_id', knex.raw('min(id) as keep'));
  for (const s of shared) await knex('youths').where({ user_id: s.user_id }).whereNot({ id: s.keep }).update({ user_id: null });
  await knex.schema.alterTable('youths', (t) => {
    t.dropIndex(['user_id'], 'youths_user_id_index');
    t.unique(['user_id']);
  });
}
