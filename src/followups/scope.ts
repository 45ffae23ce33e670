import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { groupFor, type InGroup } from '../groups/scope.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findFollowUp, type FollowUpItem } from './followup.js';

/**
 * The follow-up named by `:followUpId`, in the group named by `:id` where the user may read the follow-ups
 * or record them: the group through the user's scope and the question asked of it (404, 403), then the
 * follow-up inside that group (another group's: 404).
 */
export async function followUpFor(db: Db, req: Request, action: 'viewFollowUps' | 'recordFollowUp'): Promise<InGroup & { followUp: FollowUpItem }> {
  const { user, group } = await groupFor(db, req, action);
  return { user, group, followUp: found(await findFollowUp(db, group.id, parseId(req.params.followUpId))) };
}
