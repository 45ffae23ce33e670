import type { Knex } from 'knex';

/**
 * What funders count about a youth (src/participants/funder-facts.ts), all optional: gender, the barriers of
 * the Erasmus+ "fewer opportunities" (one yes/no column each: several may hold, and a column per category
 * lets the dashboard count them in one pass, where a list in one text column would need a LIKE per
 * category), whether the youth lives in a priority neighbourhood (QPV) or a rural area (null: not known).
 * These stay with the youth's file, which outlives a group; the education level is read at enrolment, like
 * the situation, since it changes between two projects. Columns added only: no table is rebuilt.
 */
const BARRIERS = ['disability', 'health', 'education', 'cultural', 'social', 'economic', 'discrimination', 'geographical'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('youths', (t) => {
    t.string('gender', 12);
    for (const b of BARRIERS) t.boolean(`barrier_${b}`).notNullable().defaultTo(false);
    t.boolean('lives_in_qpv');
    t.boolean('lives_in_rural_area');
  });
  await knex.schema.alterTable('enrolments', (t) => {
    t.string('education_at_enrolment', 16);
  });
}

export async function down(knex: Knex): Promise<void> {
  // Plain ALTER TABLE ... DROP COLUMN, which SQLite and PostgreSQL both read. knex's dropColumn rebuilds a
  // SQLite table, and the DROP TABLE of that rebuild fails (or cascades) with the foreign keys that point
  // at youths and enrolments.
  const drop = (table: string, column: string) => knex.raw(`alter table ${table} drop column ${column}`);
  await drop('enrolments', 'education_at_enrolment');
  for (const column of ['gender', ...BARRIERS.map((b) => `barrier_${b}`), 'lives_in_qpv', 'lives_in_rural_area']) await drop('youths', column);
}
