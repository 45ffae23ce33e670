import type { Db } from '../db/knex.js';
import type { GroupRecord } from '../auth/permissions.js';
import { besideVideos, type BesideVideos } from './assessment.js';
import { assessmentWording } from './wording.js';

/** The one local views/assessments/_beside-videos.ejs takes. */
export interface SelfAssessmentBesideVideos {
  beside: BesideVideos;
  w: ReturnType<typeof assessmentWording>;
}

/**
 * For the media module's before/after pages: the self-assessment to show beside the videos, for this
 * user — a youth's own (on their page, or on the group's page when a youth reads it), or the group's
 * averages for the adults in charge. Null when there is nothing they may see; the partial then shows
 * nothing. Usage in a route: `selfAssessment: await selfAssessmentBesideVideos(db, req.user, res.locals.lang, group, enrolmentId)`,
 * and in the view: `include('../assessments/_beside-videos', { selfAssessment })`.
 */
export async function selfAssessmentBesideVideos(
  db: Db, user: Express.User, lang: string, group: GroupRecord, enrolmentId?: number,
): Promise<SelfAssessmentBesideVideos | null> {
  const beside = await besideVideos(db, user, group, enrolmentId);
  return beside ? { beside, w: assessmentWording(lang) } : null;
}
