import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { can } from '../auth/permissions.js';
import { forbidden } from '../http/errors.js';
import { groupFor, type InGroup } from '../groups/scope.js';
import { findOwnEnrolment, parseMoment, type AssessmentMoment, type OwnEnrolment } from './assessment.js';

export interface OwnAssessment extends InGroup {
  moment: AssessmentMoment;
  own: OwnEnrolment;
}

/**
 * The self-assessment of `:moment` in the group named by `:id`, for the signed-in youth: the group through
 * their scope (404 outside it), the moment (404 for any other word), and their own enrolment in the group,
 * found from their account, never from the URL. Anyone else may not fill it (403).
 */
export async function ownAssessmentFor(db: Db, req: Request): Promise<OwnAssessment> {
  const { user, group } = await groupFor(db, req, 'viewGroup');
  const moment = parseMoment(req.params.moment);
  const own = await findOwnEnrolment(db, user, group.id);
  if (!own || !can(user, 'fillAssessment', { group, youthUserId: own.user_id })) throw forbidden();
  return { user, group, moment, own };
}
