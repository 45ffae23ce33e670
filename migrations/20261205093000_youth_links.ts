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
    // Made by this migration, splitting a file that was in two structures (see splitFilesAcrossStructures).
    t.boolean('by_migration').notNullable().defaultTo(false);
    t.index(['youth_id']);
    t.index(['other_youth_id']);
  });
  await splitFilesAcrossStructures(knex);
}

export async function down(knex: Knex): Promise<void> {
  await mergeSplitFiles(knex);
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

/**
 * Before files were kept per structure, a worker lent to another structure's group could enrol a youth of
 * their own structure there as peer leader: one file in two structures. Each structure but the one of the
 * youth's first enrolment gets a copy of the file (what it already read; from now on its own to change),
 * with its enrolments and the media of its groups naming the youth; the copy is linked to the file, so the
 * youth keeps one account. Nothing is deleted.
 */
async function splitFilesAcrossStructures(knex: Knex): Promise<void> {
  const enrolments: { id: number; youth_id: number; structure_id: number }[] = await knex('enrolments')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .orderBy([{ column: 'enrolments.youth_id' }, { column: 'enrolments.enrolled_on' }, { column: 'enrolments.id' }])
    .select('enrolments.id', 'enrolments.youth_id', 'groups.structure_id');
  const byYouth = new Map<number, Map<number, number[]>>();
  for (const e of enrolments) {
    const structures = byYouth.get(Number(e.youth_id)) ?? new Map<number, number[]>();
    structures.set(Number(e.structure_id), [...(structures.get(Number(e.structure_id)) ?? []), Number(e.id)]);
    byYouth.set(Number(e.youth_id), structures);
  }
  const now = new Date().toISOString();
  for (const [youthId, structures] of byYouth) {
    if (structures.size < 2) continue;
    const [[firstStructure], ...others] = [...structures];
    const { id: _id, ...file } = await knex('youths').where({ id: youthId }).first();
    for (const [structureId, enrolmentIds] of others) {
      const [row] = await knex('youths').insert(file).returning('id');
      const copyId = Number(typeof row === 'object' ? row.id : row);
      await knex('enrolments').whereIn('id', enrolmentIds).update({ youth_id: copyId });
      const media = knex('media').join('groups', 'groups.id', 'media.group_id').where('groups.structure_id', structureId).select('media.id');
      await knex('media').where({ youth_id: youthId }).whereIn('id', media.clone()).update({ youth_id: copyId });
      await knex('media_youths').where({ youth_id: youthId }).whereIn('medium_id', media.clone()).update({ youth_id: copyId });
      await knex('youth_links').insert({
        youth_id: youthId, structure_id: firstStructure, other_youth_id: copyId, other_structure_id: structureId,
        closed_user_id: null, closed_was_active: false, linked_by: null, linked_at: now, by_migration: true,
      });
    }
  }
}

/** The files this migration split are one file again, whether their link was undone since or not. */
async function mergeSplitFiles(knex: Knex): Promise<void> {
  const links: { youth_id: number; other_youth_id: number }[] = await knex('youth_links').where({ by_migration: true }).select('youth_id', 'other_youth_id');
  for (const { youth_id: youthId, other_youth_id: copyId } of links) {
    await knex('enrolments').where({ youth_id: copyId }).update({ youth_id: youthId });
    await knex('media').where({ youth_id: copyId }).update({ youth_id: youthId });
    await knex('media_youths').where({ youth_id: copyId }).update({ youth_id: youthId });
  }
  const copies = links.map((l) => l.other_youth_id);
  await knex('youth_links').whereIn('other_youth_id', copies).orWhereIn('youth_id', copies).del();
  if (copies.length) await knex('youths').whereIn('id', copies).del();
}
