import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { migrateLatest, rollbackAll } from '../../src/db/migrate.js';

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
});
