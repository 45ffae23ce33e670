import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { forbidden, notFound } from '../http/errors.js';
import { signedIn } from '../auth/guards.js';
import { can, type Action, type RecordOf, type YouthRecord } from '../auth/permissions.js';
import { loadVisibleGroup } from '../groups/group.js';
import { groupFor, type GroupAction, type InGroup } from '../groups/scope.js';
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

/**
 * The youth named by `:enrolmentId` in a group where the user may `action`, a question asked of the group:
 * their file itself (birth date, phone, why they left) is the adults' business, not a record of the youth's
 * own. Outside the user's scope, or not of this group: 404; the question says no: 403.
 */
export async function enrolmentFor(db: Db, req: Request, action: GroupAction): Promise<InGroup & { file: YouthFile }> {
  const { user, group } = await groupFor(db, req, action);
  return { user, group, file: await loadYouthFile(db, group, req.params.enrolmentId) };
}
