import type { Knex } from 'knex';

/**
 * Several structures in one Tremplin: a network groups structures, every account but the platform's
 * belongs to one structure (a network coordinator to a network instead), and a structure may opt out of
 * being named to its network.
 *
 * An installation today is one organisation: each account is given the structure of the groups it works
 * in or belongs to (the one holding most of them, ties to the lowest id); an account with no group (a
 * director, an admin) the structure holding the most groups. No row is deleted, no group moves.
 *
 * On SQLite the columns are added and dropped with plain ALTER TABLE. knex would rebuild the table to add
 * or drop a foreign key, and inside the migration's transaction it cannot switch foreign keys off: the
 * DROP TABLE of that rebuild deletes, by cascade, every row that points at the table (every session of
 * every user).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('networks', (t) => {
    t.increments('id');
    t.string('name', 160).notNullable().unique();
    t.string('created_at', 30).notNullable();
  });
  await addReference(knex, 'structures', 'network_id', 'networks');
  await knex.schema.alterTable('structures', (t) => {
    t.boolean('named_in_network').notNullable().defaultTo(true);
  });
  await addReference(knex, 'users', 'structure_id', 'structures');
  await addReference(knex, 'users', 'network_id', 'networks');
  await moveAccountsIntoStructures(knex);
}

export async function down(knex: Knex): Promise<void> {
  await dropReference(knex, 'users', 'network_id');
  await dropReference(knex, 'users', 'structure_id');
  if (isSqlite(knex)) await knex.raw('alter table structures drop column named_in_network');
  else await knex.schema.alterTable('structures', (t) => t.dropColumn('named_in_network'));
  await dropReference(knex, 'structures', 'network_id');
  await knex.schema.dropTable('networks');
}

const isSqlite = (knex: Knex) => knex.client.config.client !== 'pg';
const indexName = (table: string, column: string) => `${table}_${column}_index`;

async function addReference(knex: Knex, table: string, column: string, target: string): Promise<void> {
  if (isSqlite(knex)) await knex.raw(`alter table ${table} add column ${column} integer references ${target}(id)`);
  else await knex.schema.alterTable(table, (t) => t.integer(column).references('id').inTable(target));
  await knex.schema.alterTable(table, (t) => t.index([column], indexName(table, column)));
}

async function dropReference(knex: Knex, table: string, column: string): Promise<void> {
  await knex.schema.alterTable(table, (t) => t.dropIndex([column], indexName(table, column)));
  if (isSqlite(knex)) await knex.raw(`alter table ${table} drop column ${column}`);
  else await knex.schema.alterTable(table, (t) => t.dropColumn(column));
}

interface Tally {
  user_id: number | string;
  structure_id: number | string;
  n: number | string;
}

async function moveAccountsIntoStructures(knex: Knex): Promise<void> {
  // How many of each account's groups each structure holds: the groups a worker leads or co-leads, the
  // groups a youth is (or was) enrolled in.
  const worked: Tally[] = await knex('group_workers')
    .join('groups', 'groups.id', 'group_workers.group_id')
    .groupBy('group_workers.user_id', 'groups.structure_id')
    .select('group_workers.user_id', 'groups.structure_id', knex.raw('count(*) as n'));
  const enrolled: Tally[] = await knex('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .whereNotNull('youths.user_id')
    .groupBy('youths.user_id', 'groups.structure_id')
    .select('youths.user_id', 'groups.structure_id', knex.raw('count(*) as n'));

  const best = new Map<number, { structureId: number; n: number }>();
  const counts = new Map<string, number>();
  for (const r of [...worked, ...enrolled]) {
    const key = `${r.user_id}:${r.structure_id}`;
    counts.set(key, (counts.get(key) ?? 0) + Number(r.n));
  }
  for (const [key, n] of counts) {
    const [userId, structureId] = key.split(':').map(Number) as [number, number];
    const current = best.get(userId);
    if (!current || n > current.n || (n === current.n && structureId < current.structureId)) best.set(userId, { structureId, n });
  }

  const byGroups: { id: number | string }[] = await knex('structures')
    .leftJoin('groups', 'groups.structure_id', 'structures.id')
    .groupBy('structures.id')
    .orderByRaw('count(groups.id) desc, structures.id asc')
    .limit(1)
    .select('structures.id');
  // An installation without any structure has no group either: there is nothing to place its accounts in.
  const fallback = byGroups[0] ? Number(byGroups[0].id) : null;

  const accounts: { id: number | string }[] = await knex('users').whereNotIn('role', ['platform_admin', 'coordinator']).select('id');
  const byStructure = new Map<number, number[]>();
  for (const a of accounts) {
    const structureId = best.get(Number(a.id))?.structureId ?? fallback;
    if (structureId === null) continue;
    byStructure.set(structureId, [...(byStructure.get(structureId) ?? []), Number(a.id)]);
  }
  for (const [structureId, ids] of byStructure) {
    // In slices: SQLite takes at most a few thousand bound values per statement.
    for (let i = 0; i < ids.length; i += 500) await knex('users').whereIn('id', ids.slice(i, i + 500)).update({ structure_id: structureId });
  }
}
