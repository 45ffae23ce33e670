import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Knex } from 'knex';
import { COMPILED, ROOT } from '../config.js';
import type { Db } from './knex.js';

// Migrations are TypeScript in migrations/ and JavaScript in dist/migrations/. knex records a migration
// by its file name, extension included, so a database migrated in dev would look unmigrated to the build:
// this source names each migration without its extension so both see the same list.
class ExtensionlessMigrationSource implements Knex.MigrationSource<string> {
  constructor(private readonly dir: string, private readonly ext: string) {}

  async getMigrations(): Promise<string[]> {
    return readdirSync(this.dir)
      .filter((f) => f.endsWith(this.ext) && !f.endsWith('.d.ts'))
      .map((f) => f.slice(0, -this.ext.length))
      .sort();
  }

  getMigrationName(name: string): string {
    return name;
  }

  async getMigration(name: string): Promise<Knex.Migration> {
    return import(pathToFileURL(path.join(this.dir, name + this.ext)).href);
  }
}

export function migrationConfig(): Knex.MigratorConfig {
  const source = COMPILED
    ? new ExtensionlessMigrationSource(path.join(ROOT, 'dist', 'migrations'), '.js')
    : new ExtensionlessMigrationSource(path.join(ROOT, 'migrations'), '.ts');
  return { migrationSource: source, tableName: 'knex_migrations' };
}

export async function migrateLatest(db: Db): Promise<string[]> {
  const [, applied] = (await db.migrate.latest(migrationConfig())) as [number, string[]];
  return applied;
}

export async function rollbackAll(db: Db): Promise<void> {
  await db.migrate.rollback(migrationConfig(), true);
}
