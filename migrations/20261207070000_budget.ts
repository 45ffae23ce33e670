import type { Knex } from 'knex';
import { trackDataVersion } from '../src/db/data-version.js';

/**
 * A group's budget against its grants (src/budget/): what is planned per line, what was spent (a row per
 * spending, never an overwrite), the funders' kind and status on the funders the group page already keeps,
 * and the Erasmus+ unit costs a structure reads its grant from, a row per programme year and per change.
 * Amounts in integer cents, as group_funders already stores them: no floating point in money.
 */
const LINES = ['travel', 'stay', 'preparation', 'insurance', 'other'];

// The travel bands of the Erasmus+ youth exchanges, as src/budget/distance-band.ts names them.
const BANDS = ['10_99', '100_499', '500_1999', '2000_2999', '3000_3999', '4000_7999', '8000_plus'];
// Green travel has a rate of its own up to 3 999 km; past that, the guide gives the standard rate only.
const GREEN_BANDS = BANDS.slice(0, 5);

/**
 * The rates seeded for the programme year 2026, the guide's, read by every structure until it types its own.
 * Source: Erasmus+ Programme Guide (2024 onwards), Part B, "Mobility projects for young people – Youth
 * exchanges (KA152-YOU)", Funding rules: travel (per participant, by distance band from the place of origin
 * to the venue, the EU distance calculator's band; "green travel" the higher rate) and organisational support
 * (per participant per day of activity, the table of the host country, France). The guide sets no separate
 * individual support for youth exchanges: organisational support covers the participants' stay. Check them
 * against the year's guide on https://erasmus-plus.ec.europa.eu/programme-guide before a grant application:
 * a director corrects them on /budget/rates, which keeps every change.
 */
const GUIDE_2026 = {
  organisational_cents: 4_100,
  travel: { '10_99': 2_800, '100_499': 21_100, '500_1999': 30_900, '2000_2999': 39_500, '3000_3999': 58_000, '4000_7999': 118_800, '8000_plus': 173_500 },
  green: { '10_99': 5_600, '100_499': 28_500, '500_1999': 41_700, '2000_2999': 53_500, '3000_3999': 78_500 },
} as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('group_funders', (t) => {
    // Erasmus+, the region, a State scheme, the town, or another; what the funder said so far.
    t.string('kind', 16).notNullable().defaultTo('other');
    t.string('status', 12).notNullable().defaultTo('requested');
  });

  await knex.schema.createTable('budget_planned', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('line', 16).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.integer('updated_by').references('id').inTable('users');
    t.string('updated_at', 32).notNullable();
    t.unique(['group_id', 'line']);
  });
  await trackDataVersion(knex, 'budget_planned');

  await knex.schema.createTable('budget_spendings', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('id').inTable('groups').onDelete('CASCADE');
    t.string('line', 16).notNullable();
    t.string('spent_on', 10).notNullable();
    t.bigInteger('amount_cents').notNullable();
    t.string('label', 160).notNullable();
    t.integer('recorded_by').references('id').inTable('users');
    t.string('created_at', 32).notNullable();
    t.index(['group_id', 'spent_on']);
  });
  await trackDataVersion(knex, 'budget_spendings');

  // Which band and travel mode the group's Erasmus+ grant is computed with (one row per group, when set).
  await knex.schema.createTable('budget_erasmus', (t) => {
    t.integer('group_id').primary().references('id').inTable('groups').onDelete('CASCADE');
    t.string('distance_band', 12).notNullable();
    t.boolean('green_travel').notNullable().defaultTo(false);
    t.integer('updated_by').references('id').inTable('users');
    t.string('updated_at', 32).notNullable();
  });
  await trackDataVersion(knex, 'budget_erasmus');

  await knex.schema.createTable('erasmus_rates', (t) => {
    t.increments('id');
    // Null: the guide's rates as seeded, read by every structure that typed none for that year.
    t.integer('structure_id').references('id').inTable('structures').onDelete('CASCADE');
    t.integer('programme_year').notNullable();
    t.bigInteger('organisational_cents').notNullable();
    for (const b of BANDS) t.bigInteger(`travel_${b}_cents`).notNullable();
    for (const b of GREEN_BANDS) t.bigInteger(`green_${b}_cents`).notNullable();
    t.string('source', 300);
    t.integer('set_by').references('id').inTable('users');
    t.string('set_at', 32).notNullable();
    t.index(['structure_id', 'programme_year']);
  });
  await trackDataVersion(knex, 'erasmus_rates');
  await knex('erasmus_rates').insert({
    structure_id: null,
    programme_year: 2026,
    organisational_cents: GUIDE_2026.organisational_cents,
    ...Object.fromEntries(BANDS.map((b) => [`travel_${b}_cents`, GUIDE_2026.travel[b as keyof typeof GUIDE_2026.travel]])),
    ...Object.fromEntries(GREEN_BANDS.map((b) => [`green_${b}_cents`, GUIDE_2026.green[b as keyof typeof GUIDE_2026.green]])),
    source: 'Erasmus+ Programme Guide, Youth exchanges (KA152), funding rules',
    set_by: null,
    set_at: new Date().toISOString(),
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('erasmus_rates');
  await knex.schema.dropTable('budget_erasmus');
  await knex.schema.dropTable('budget_spendings');
  await knex.schema.dropTable('budget_planned');
  // Plain ALTER TABLE ... DROP COLUMN (see 20261206160000_funder_facts.ts for why not knex's dropColumn).
  await knex.raw('alter table group_funders drop column status');
  await knex.raw('alter table group_funders drop column kind');
}
