import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { groupFor, type GroupAction, type InGroup } from '../groups/scope.js';
import { found } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { findIncident, type Incident } from './stay.js';

export interface IncidentInGroup extends InGroup {
  incident: Incident;
}

/** The incident named by `:incidentId` among the group's own, the group through the user's scope first (404, 403). */
export async function incidentFor(db: Db, req: Request, action: GroupAction): Promise<IncidentInGroup> {
  const { user, group } = await groupFor(db, req, action);
  return { user, group, incident: found(await findIncident(db, group.id, parseId(req.params.incidentId))) };
}
