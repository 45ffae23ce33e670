import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { forbidden, notFound } from '../http/errors.js';
import { signedIn } from '../auth/guards.js';
import { can, type Action, type RecordOf, type YouthRecord } from '../auth/permissions.js';
import { loadVisibleGroup } from '../groups/group.js';
import type { InGroup } from '../groups/scope.js';
import { loadYouthFile, type YouthFile } from './participant.js';

/** The questions asked of one youth's record in a group: their papers, their consent, their answers. */
export type YouthAction = { [A in Action]: RecordOf<A> extends YouthRecord ? A : never }[Action];

export interface YouthInGroup extends InGroup {
  file: YouthFile;
  record: YouthRecord;
}

/**
 * The youth named by `:enrolmentId` in the group named by `:id`, both through the user's scope, then the
 * question asked of that youth's record. `hidden` answers a refusal with 404 rather than 403: for records
 * whose very existence is personal (another youth's papers), not being allowed is not being there.
 */
export async function youthFileFor(db: Db, req: Request, action: YouthAction, refusal: 'forbidden' | 'hidden' = 'forbidden'): Promise<YouthInGroup> {
  const user = signedIn(req);
  const group = await loadVisibleGroup(db, user, req.params.id);
  const file = await loadYouthFile(db, group, req.params.enrolmentId);
  const record: YouthRecord = { group, youthUserId: file.user_id };
  if (!can(user, action, record)) throw refusal === 'hidden' ? notFound() : forbidden();
  return { user, group, file, record };
}
