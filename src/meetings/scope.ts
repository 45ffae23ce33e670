import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { groupFor, type GroupAction, type InGroup } from '../groups/scope.js';
import { findMeeting, type MeetingRow } from './meeting.js';

export interface MeetingInGroup extends InGroup {
  meeting: MeetingRow;
}

/**
 * The meeting named by `:meetingId` in the group named by `:id`: the group through the user's scope and
 * the question asked of it (`groupFor`), then the meeting inside it — another group's meeting is not found.
 */
export async function meetingFor(db: Db, req: Request, action: GroupAction): Promise<MeetingInGroup> {
  const { user, group } = await groupFor(db, req, action);
  const meeting = found(await findMeeting(db, group.id, parseId(req.params.meetingId)));
  return { user, group, meeting };
}
