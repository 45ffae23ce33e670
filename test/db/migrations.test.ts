import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { migrateLatest, migrationConfig, rollbackAll } from '../../src/db/migrate.js';
import { loadDemoData } from '../../src/demo/demo-data.js';

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
    // Down through the two migrations of the once-per-form groups, then up again, on a database in use.
    const config = migrationConfig();
    await t.db.migrate.down(config);
    await t.db.migrate.down(config);
    expect(await t.db.schema.hasColumn('groups', 'creation_token')).to.equal(true);
    expect(await rows()).to.deep.equal(before);
    await migrateLatest(t.db);
    expect(await t.db.schema.hasColumn('groups', 'creation_token')).to.equal(false);
    expect(await rows()).to.deep.equal(before);
  });
});
