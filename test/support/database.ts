import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knex from 'knex';
import { loadConfig, type Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { emptyTable } from '../../src/db/emptying.js';
import { loadDemoData, type DemoIds } from '../../src/demo/demo-data.js';

/**
 * One fresh database per test run: a temporary SQLite file, or, when DATABASE_URL is set, a new PostgreSQL
 * database created next to the one it names and dropped at the end.
 */
export interface TestDatabase {
  config: Config;
  db: Db;
  describe: string;
  drop(): Promise<void>;
}

let current: TestDatabase | undefined;

export async function createTestDatabase(): Promise<TestDatabase> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-test-'));
  const base = { NODE_ENV: 'test', UPLOAD_DIR: path.join(tmp, 'uploads'), SIGNIN_MAX_FAILURES: '1000' };
  const url = process.env.DATABASE_URL;
  if (url) {
    const name = `tremplin_test_${process.pid}_${Date.now()}`;
    const admin = knex({ client: 'pg', connection: url });
    await admin.raw(`create database ${name}`);
    await admin.destroy();
    const testUrl = new URL(url);
    testUrl.pathname = `/${name}`;
    const config = loadConfig({ ...base, DATABASE_URL: testUrl.toString() });
    const db = createDb(config.database);
    return {
      config, db, describe: `PostgreSQL ${name}`,
      async drop() {
        await db.destroy();
        const again = knex({ client: 'pg', connection: url });
        await again.raw(`drop database if exists ${name} with (force)`);
        await again.destroy();
        rmSync(tmp, { recursive: true, force: true });
      },
    };
  }
  const config = loadConfig({ ...base, SQLITE_FILE: path.join(tmp, 'test.sqlite') });
  const db = createDb(config.database);
  return {
    config, db, describe: `SQLite ${config.database.client === 'sqlite3' ? config.database.file : ''}`,
    async drop() {
      await db.destroy();
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

export function setCurrent(t: TestDatabase | undefined): void {
  current = t;
}

export function testDatabase(): TestDatabase {
  if (!current) throw new Error('the test database is created by test/support/hooks.ts');
  return current;
}

export const testDb = (): Db => testDatabase().db;

// Children before parents, so foreign keys never object.
const TABLES_IN_DELETE_ORDER = [
  'budget_spendings', 'budget_planned', 'budget_erasmus', 'erasmus_rates',
  'certificate_approvals', 'certificate_competences', 'certificates',
  'stay_daily_notes', 'stay_incident_revisions', 'stay_incident_youths', 'stay_incidents', 'stay_health_notes', 'stay_sheets',
  'youth_reminders', 'morning_emails', 'parent_consent_answers', 'parent_consent_links', 'sms_opt_outs', 'outbox_messages', 'follow_up_attempts', 'follow_up_links', 'follow_ups', 'restitution_media', 'restitution_presenters', 'restitution_events',
  'audit_log', 'youth_documents', 'group_requirements',
  'media_youths', 'media', 'image_consents',
  'assessment_answers', 'assessments', 'competences',
  'upload_locks', 'resumable_uploads', 'form_submissions', 'failed_attempts', 'sessions', 'one_time_codes', 'attendance', 'meetings', 'departure_approvals', 'phase_transitions', 'withdrawals', 'youth_links',
  'enrolments', 'youths', 'group_funders', 'group_companions', 'group_workers', 'groups', 'structure_setting_changes', 'network_setting_changes', 'structure_paper_rules', 'network_paper_rules', 'users', 'structures', 'networks',
];

/** Empties every table and loads the demo groups again: the named fixtures most tests start from. */
export async function resetToDemo(): Promise<DemoIds> {
  const db = testDb();
  await emptyDatabase(db);
  return loadDemoData(db);
}

export async function emptyDatabase(db: Db): Promise<void> {
  const tables = await listTables(db);
  const known = new Set(TABLES_IN_DELETE_ORDER);
  // The data version only grows (src/db/data-version.ts): emptying it would let a cache take old figures for new.
  const unknown = tables.filter((t) => !known.has(t) && !t.startsWith('knex_') && t !== 'data_version');
  // A new table must be added to the list above; failing loudly beats leaving rows behind between tests.
  if (unknown.length) throw new Error(`add these tables to TABLES_IN_DELETE_ORDER: ${unknown.join(', ')}`);
  for (const table of TABLES_IN_DELETE_ORDER) await emptyTable(db, table);
}

/** Every table of the database, knex's own included. */
export async function listTables(db: Db): Promise<string[]> {
  if (db.client.config.client === 'pg') {
    const r = await db.raw("select tablename from pg_tables where schemaname = 'public'");
    return r.rows.map((x: { tablename: string }) => x.tablename);
  }
  const rows = await db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'");
  return rows.map((x: { name: string }) => x.name);
}

export { migrateLatest };
