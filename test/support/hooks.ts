import { createTestDatabase, setCurrent, testDatabase } from './database.js';
import { migrateLatest } from '../../src/db/migrate.js';

export const mochaHooks = {
  async beforeAll(this: Mocha.Context) {
    this.timeout(120_000);
    const t = await createTestDatabase();
    await migrateLatest(t.db);
    setCurrent(t);
    console.log(`  test database: ${t.describe}`);
  },
  async afterAll() {
    await testDatabase().drop();
    setCurrent(undefined);
  },
};
