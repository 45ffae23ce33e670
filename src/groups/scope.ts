import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan, signedIn } from '../auth/guards.js';
import { can, type Action, type GroupRecord, type RecordOf } from '../auth/permissions.js';
import { loadVisibleGroup, type ScopedGroup } from './group.js';

/** The questions asked of a group itself (not of one youth's record in it). */
export type GroupAction = { [A in Action]: RecordOf<A> extends GroupRecord ? A : never }[Action];

export interface InGroup {
  user: Express.User;
  group: ScopedGroup;
}

/**
 * Every page under /groups/:id starts here: the group named in the URL, looked up through the signed-in
 * user's scope (`scopedGroups`, the one place that decides which groups a user reaches: outside it, 404),
 * then the question the page asks of it (403).
 */
export async function groupFor(db: Db, req: Request, action: GroupAction): Promise<InGroup> {
  const user = signedIn(req);
  const group = await loadVisibleGroup(db, user, req.params.id);
  assertCan(can(user, action, group));
  return { user, group };
}
