import type { Db } from '../../src/db/knex.js';
import { findById, toSessionUser } from '../../src/users/user.js';

/**
 * The user a signed-in request would carry, read from the real account: what a model operation called
 * without HTTP is given, so its role and name are the account's, never made up for the test.
 */
export async function userFor(db: Db, userId: number): Promise<Express.User> {
  const row = await findById(db, userId);
  if (!row) throw new Error(`no account ${userId}`);
  return toSessionUser(row);
}
