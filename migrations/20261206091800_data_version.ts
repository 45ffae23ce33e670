import type { Knex } from 'knex';
import { createDataVersion, dropDataVersion, tablesToTrack, trackDataVersion, trackedTables, untrackDataVersion } from '../src/db/data-version.js';

/**
 * The data version (src/db/data-version.ts): a number every write bumps in its own transaction, by a trigger
 * on every table but the sessions and failed sign-ins, so that the directors' figures can be cached and still
 * never be served once a write on any instance changed them.
 */
export async function up(knex: Knex): Promise<void> {
  await createDataVersion(knex);
  for (const table of await tablesToTrack(knex)) await trackDataVersion(knex, table);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of await trackedTables(knex)) await untrackDataVersion(knex, table);
  await dropDataVersion(knex);
}
