import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan } from '../auth/guards.js';
import { can, type Action, type MediumRecord, type RecordOf } from '../auth/permissions.js';
import { groupFor, type InGroup } from '../groups/scope.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findMedium, mediumRecord, type MediumItem } from './medium.js';

/** The questions asked of one medium itself (editing it, deciding how far it goes). */
export type MediumAction = { [A in Action]: RecordOf<A> extends MediumRecord ? A : never }[Action];

export interface MediumInGroup extends InGroup {
  medium: MediumItem;
  record: MediumRecord;
}

/**
 * The medium named by `:mediumId` in the group named by `:id`: the group through the user's scope and only
 * if they may see its media, the medium inside it (another group's: 404), then the question asked of the
 * medium itself, if any (403).
 */
export async function mediumFor(db: Db, req: Request, action?: MediumAction): Promise<MediumInGroup> {
  const { user, group } = await groupFor(db, req, 'viewMedia');
  const medium = found(await findMedium(db, group.id, parseId(req.params.mediumId)));
  const record = mediumRecord(group, medium);
  if (action) assertCan(can(user, action, record));
  return { user, group, medium, record };
}
