import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { groupFor, type GroupAction, type InGroup } from '../groups/scope.js';
import { findMeeting, type MeetingRow } from './meeting.js';
import type { VersionedCache } from '../db/data-version.js';

export interface MeetingInGroup extends InGroup {
  meeting: MeetingRow;
}

/**
 * The meeting named by `:meetingId` in the group named by `:id`: the group through the user's scope and
 * the question asked of it (`groupFor`), then the meeting inside it — another group's meeting is not found.
 */
export async function meetingFor(db: Db, req: Request, action: GroupAction, kept?: VersionedCache): Promise<MeetingInGroup> {
  const { user, group } = await groupFor(db, req, action);
  const id = parseId(req.params.meetingId);
  const load = () => findMeeting(db, group.id, id);
  // A page only reads it (a GET): kept until the next write, looked up once the group is in the user's scope.
  const meeting = found(await (kept ? (await kept.at(db, req)).get(JSON.stringify(['meeting', group.id, id]), load) : load()));
  return { user, group, meeting };
}
