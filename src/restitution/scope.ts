import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { groupFor, type GroupAction, type InGroup } from '../groups/scope.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findEvent, type EventItem } from './restitution.js';

export interface EventInGroup extends InGroup {
  event: EventItem;
}

/**
 * The restitution event named by `:eventId`, inside the group named by `:id`: the group through the user's
 * scope and the question asked of it first (404, 403), then the event among that group's own (another
 * group's event: 404).
 */
export async function eventFor(db: Db, req: Request, action: GroupAction): Promise<EventInGroup> {
  const { user, group } = await groupFor(db, req, action);
  return { user, group, event: found(await findEvent(db, group.id, parseId(req.params.eventId))) };
}
