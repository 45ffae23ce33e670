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

/** The worker who leads the group, as a signed-in request would carry them. */
export async function leadOf(db: Db, groupId: number): Promise<Express.User> {
  const lead = await db('group_workers').where({ group_id: groupId, role: 'lead' }).first('user_id');
  if (!lead) throw new Error(`group ${groupId} has no lead`);
  return userFor(db, lead.user_id);
}
