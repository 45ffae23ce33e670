import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup } from '../groups/group.js';
import type { InGroup } from '../groups/scope.js';
import { forbidden, found, notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';

/**
 * The group named by `:id`, for its budget: through the user's scope first (404), and to someone who may
 * not read the budget — a youth of the group — the budget does not exist either (404): money is not theirs
 * to see, and a 403 would tell them there is some. Reading but not editing (the director): 403.
 */
export async function budgetGroupFor(db: Db, req: Request, action: 'viewBudget' | 'editBudget'): Promise<InGroup> {
  const user = signedIn(req);
  const group = await loadVisibleGroup(db, user, req.params.id);
  if (!can(user, 'viewBudget', group)) throw notFound();
  if (!can(user, action, group)) throw forbidden();
  return { user, group };
}

/** A funder named by `:funderId` among the group's own, for the budget's editors: another group's is a 404. */
export async function budgetFunderFor(db: Db, req: Request): Promise<InGroup & { funderId: number }> {
  const { user, group } = await budgetGroupFor(db, req, 'editBudget');
  const funder: { id: unknown } | undefined = await db('group_funders').where({ id: parseId(req.params.funderId), group_id: group.id }).first('id');
  return { user, group, funderId: Number(found(funder).id) };
}
