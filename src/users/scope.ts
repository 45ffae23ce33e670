import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan, signedIn } from '../auth/guards.js';
import { can, type AccountRecord, type Action, type RecordOf } from '../auth/permissions.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findInStructure, type UserRow } from './user.js';

/** The questions asked of one account (not of the account list as a whole). */
export type AccountAction = { [A in Action]: RecordOf<A> extends AccountRecord ? A : never }[Action];

/**
 * The account named by `:userId` on the admin's pages (guarded by `requireCan('manageAccounts')`): an
 * account of another structure, like an unknown id, is a 404; then the question asked of that account, if
 * the page asks one (403).
 */
export async function accountFor(db: Db, req: Request, action?: AccountAction): Promise<{ user: Express.User; account: UserRow }> {
  const user = signedIn(req);
  const account = found(await findInStructure(db, user.structureId, parseId(req.params.userId)));
  if (action) assertCan(can(user, action, account));
  return { user, account };
}
