import type { Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { findById, toSessionUser } from '../../src/users/user.js';
import { resetToDemo, testDb } from './database.js';

/** The demo people tests act as, by first name, with their login: the staff, and the two youths who have an account. */
export const DEMO_LOGINS = {
  admin: DEMO_ACCOUNTS.admin.email,
  director: DEMO_ACCOUNTS.director.email,
  karim: DEMO_ACCOUNTS.karim.email,
  elodie: DEMO_ACCOUNTS.elodie.email,
  ines: 'ines.d',
  lucas: 'lucas.v',
} as const;
export type DemoPerson = keyof typeof DEMO_LOGINS;

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

/**
 * Where most model tests start: the demo data loaded afresh, and the people named as a signed-in request
 * would carry them: `({ ids, karim } = await usersOnDemo('karim'))`.
 */
export async function usersOnDemo<P extends DemoPerson>(...people: P[]): Promise<{ ids: DemoIds } & Record<P, Express.User>> {
  const ids = await resetToDemo();
  const users = {} as Record<P, Express.User>;
  for (const who of people) {
    users[who] = await userFor(testDb(), who in ids.users ? ids.users[who as keyof DemoIds['users']] : ids.youthUsers[DEMO_LOGINS[who]]!);
  }
  return { ids, ...users };
}
