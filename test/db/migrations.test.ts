import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { migrateLatest, migrationConfig, rollbackAll } from '../../src/db/migrate.js';
import { loadDemoData, type DemoIds } from '../../src/demo/demo-data.js';

async function tableNames(t: TestDatabase): Promise<string[]> {
  if (t.config.database.client === 'pg') {
    const r = await t.db.raw("select tablename as name from pg_tables where schemaname = 'public' order by 1");
    return r.rows.map((x: { name: string }) => x.name);
  }
  const rows = await t.db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by 1");
  return rows.map((x: { name: string }) => x.name);
}

describe('migrations', () => {
  let t: TestDatabase;
  before(async () => {
    t = await createTestDatabase();
  });
  after(async () => {
    await t.drop();
  });

  it('apply on an empty database, undo completely with their down(), and apply again', async () => {
    const applied = await migrateLatest(t.db);
    expect(applied.length).to.be.greaterThan(0);
    // Names carry no extension, so the compiled build sees the same history as tsx in development.
    expect(applied.every((name) => !/\.(ts|js)$/.test(name))).to.equal(true);
    const tables = await tableNames(t);
    expect(tables).to.include.members(['users', 'sessions', 'groups', 'enrolments']);

    await rollbackAll(t.db);
    expect((await tableNames(t)).filter((n) => !n.startsWith('knex_'))).to.deep.equal([]);

    expect(await migrateLatest(t.db)).to.deep.equal(applied);
    expect(await migrateLatest(t.db)).to.deep.equal([]);
  });

  it('keep every row of the groups and what hangs on them when the group creation token goes, and when it comes back', async () => {
    await migrateLatest(t.db);
    await loadDemoData(t.db);
    const rows = async () => {
      const tables = ['groups', 'enrolments', 'meetings', 'attendance', 'group_workers', 'withdrawals', 'follow_ups'];
      return Object.fromEntries(await Promise.all(tables.map(async (name) => [name, Number((await t.db(name).count({ n: '*' }))[0]!.n)])));
    };
    const before = await rows();
    expect(before.enrolments).to.be.greaterThan(0);
    // Down through the two migrations of the once-per-form groups (and every later one), then up again, on a
    // database in use.
    const config = migrationConfig();
    const applied = async (): Promise<string[]> => (await t.db.migrate.list(config))[0].map((m: { name: string }) => m.name);
    while ((await applied()).some((name) => name.startsWith('20261203090000_'))) await t.db.migrate.down(config);
    expect(await t.db.schema.hasColumn('groups', 'creation_token')).to.equal(true);
    expect(await rows()).to.deep.equal(before);
    await migrateLatest(t.db);
    expect(await t.db.schema.hasColumn('groups', 'creation_token')).to.equal(false);
    expect(await rows()).to.deep.equal(before);
  });
});

describe('migration: every account into a structure, networks', () => {
  const STRUCTURES = '20261204090000_structures_and_networks';
  let t: TestDatabase;
  let ids: DemoIds;
  let tables: string[];
  let countsBefore: Record<string, number>;
  let accountsBefore: Record<string, unknown>[];
  let structuresBefore: Record<string, unknown>[];
  let groupsBefore: Record<string, unknown>[];
  let tie: number;

  const counts = async () => Object.fromEntries(await Promise.all(tables.map(async (n) => [n, Number((await t.db(n).count({ n: '*' }))[0]!.n)] as const)));
  const rows = (table: string) => t.db(table).orderBy('id').select('*');
  /**
   * Undoes this migration, and before it those that came after it (they refer to its tables), the latest
   * first. Returns the names undone, in the order they apply.
   */
  const undoStructures = async (): Promise<string[]> => {
    const applied = async () => ((await t.db('knex_migrations').orderBy('id').select('name')) as { name: string }[]).map((m) => m.name);
    const names = await applied();
    const undone = names.slice(names.indexOf(STRUCTURES));
    while ((await applied()).includes(STRUCTURES)) await t.db.migrate.down(migrationConfig());
    return undone;
  };
  const structureOf = async (userId: number) => (await t.db('users').where({ id: userId }).first('structure_id')).structure_id as number | null;

  // A copy of the demo as an installation has it today: the demo loaded, this migration undone, and the
  // two accounts today's demo does not have (the coordinator, the platform's admin) taken out.
  before(async () => {
    t = await createTestDatabase();
    await migrateLatest(t.db);
    ids = await loadDemoData(t.db);
    await undoStructures();
    await t.db('users').whereIn('id', [ids.users.coordinator, ids.users.platform]).del();
    // A worker with one group in each structure: the tie goes to the lowest structure id.
    const [row] = await t.db('users').insert({ role: 'worker', email: 'egal@tremplin.test', display_name: 'Égal Partout', active: true, created_at: 'x', updated_at: 'x' }).returning('id');
    tie = Number(typeof row === 'object' ? row.id : row);
    await t.db('group_workers').insert([{ group_id: ids.groups.bafou, user_id: tie, role: 'co_lead' }, { group_id: ids.groups.sadiola, user_id: tie, role: 'co_lead' }]);
    tables = (await tableNames(t)).filter((n) => !n.startsWith('knex_'));
    countsBefore = await counts();
    accountsBefore = await rows('users');
    structuresBefore = await rows('structures');
    groupsBefore = await rows('groups');
    await migrateLatest(t.db);
  });
  after(async () => {
    await t.drop();
  });

  it('keeps every row of every table, and moves no group', async () => {
    expect(await counts()).to.deep.equal(countsBefore);
    expect(await rows('groups')).to.deep.equal(groupsBefore);
  });

  it('gives every account but the platform\'s a structure', async () => {
    const unplaced = await t.db('users').whereNull('structure_id').whereNotIn('role', ['platform_admin', 'coordinator']).pluck('display_name');
    expect(unplaced).to.deep.equal([]);
    expect(await t.db('users').count({ n: '*' }).then((r) => Number(r[0]!.n))).to.be.greaterThan(5);
  });

  it('places each account in the structure holding most of its groups, and the others in the one holding most groups', async () => {
    const douaisis = ids.structures['Mission locale du Douaisis']!;
    const mjc = ids.structures["MJC d'Halluin"]!;
    // Karim leads three groups of the mission locale; Élodie three of the MJC and co-leads one of the mission locale.
    expect(await structureOf(ids.users.karim)).to.equal(douaisis);
    expect(await structureOf(ids.users.elodie)).to.equal(mjc);
    expect(await structureOf(tie)).to.equal(Math.min(douaisis, mjc));
    // Youths by the groups they are enrolled in.
    expect(await structureOf(ids.youthUsers['ines.d']!)).to.equal(douaisis);
    expect(await structureOf(ids.youthUsers['lucas.v']!)).to.equal(mjc);
    // Both structures hold three groups: the directors and the admin, in none, go to the lowest id.
    for (const account of [ids.users.director, ids.users.directorMjc, ids.users.admin]) expect(await structureOf(account)).to.equal(Math.min(douaisis, mjc));
  });

  it('undoes itself with down(), leaving the data as it was, and applies again', async () => {
    const undone = await undoStructures();
    expect(await rows('users')).to.deep.equal(accountsBefore);
    expect(await rows('structures')).to.deep.equal(structuresBefore);
    expect(await tableNames(t)).not.to.include('networks');
    expect(undone[0]).to.equal(STRUCTURES);
    expect(await migrateLatest(t.db)).to.deep.equal(undone);
    expect(await structureOf(ids.users.elodie)).to.equal(ids.structures["MJC d'Halluin"]);
    expect(await counts()).to.deep.equal(countsBefore);
  });
});

describe('migration: each follow-up recorded becomes its first attempt', () => {
  const ATTEMPTS = '20261206090000_follow_up_attempts';
  let t: TestDatabase;
  let recorded: Record<string, unknown>[];
  const applied = async () => ((await t.db('knex_migrations').select('name')) as { name: string }[]).map((m) => m.name);
  const undo = async () => {
    while ((await applied()).includes(ATTEMPTS)) await t.db.migrate.down(migrationConfig());
  };
  const followUps = () => t.db('follow_ups').orderBy('id').select('*');

  // The demo as an installation had it: every call recorded on the follow-up, "not reached" ones as done.
  before(async () => {
    t = await createTestDatabase();
    await migrateLatest(t.db);
    await loadDemoData(t.db);
    await undo();
    recorded = await followUps();
    await migrateLatest(t.db);
  });
  after(async () => {
    await t.drop();
  });

  it('writes one attempt per follow-up recorded, on its day, by whoever recorded it', async () => {
    const done = recorded.filter((f) => f.done_on);
    const attempts = await t.db('follow_up_attempts').orderBy('follow_up_id').select('*');
    expect(done.length).to.be.greaterThan(20);
    expect(attempts.map((a) => [a.follow_up_id, a.tried_on, Boolean(a.reached), a.recorded_by])).to.deep.equal(
      done.map((f) => [f.id, f.done_on, Boolean(f.reached), f.recorded_by]));
  });

  it('leaves a follow-up that did not reach the youth to do, its note on the attempt', async () => {
    const missed = recorded.filter((f) => f.done_on && !f.reached);
    expect(missed.map((f) => f.note)).to.include('Le bébé est né ; reprendre contact plus tard.');
    for (const f of missed) {
      expect(await t.db('follow_ups').where({ id: f.id }).first(), `follow-up ${f.id}`).to.deep.include({ done_on: null, note: null, recorded_by: null });
      expect((await t.db('follow_up_attempts').where({ follow_up_id: f.id }).first()).note).to.equal(f.note);
    }
    const reached = recorded.filter((f) => f.reached);
    const now = new Map((await followUps()).map((f) => [f.id, f]));
    for (const f of reached) expect(now.get(f.id), `follow-up ${f.id}`).to.deep.equal(f);
  });

  it('undoes itself with down(), each follow-up as it was, and applies again', async () => {
    await undo();
    expect(await followUps()).to.deep.equal(recorded);
    await migrateLatest(t.db);
    expect(await t.db.schema.hasTable('follow_up_attempts')).to.equal(true);
  });
});
