import type { Db } from '../../../src/db/knex.js';
import { recordEvent } from '../../../src/restitution/restitution.js';
import { scheduleFollowUps } from '../../../src/followups/followup.js';
import { leadOf } from '../../support/accounts.js';

// Restitution events: everyone in the group reads them (the youth too); the lead records, edits and deletes
// them; the director reads; anyone outside the group finds nothing (404).
// :eventId is one of two events the matrix gives Sadiola in its before() (see afterProjectFixtures): the
// lead's delete removes one, and the empty forms change nothing.
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const restitutionRows: Record<string, readonly number[]> = {
  'GET /groups/:id/restitution':                         [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/restitution/new':                     [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/restitution':                        [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/restitution/:eventId/edit':           [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/restitution/:eventId':               [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/restitution/:eventId/delete':        [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
};

/**
 * Sadiola is in preparation, so it has no restitution event nor follow-up of its own: the matrix gives it
 * two events and a follow-up of Inès. Permissions do not depend on the phase, only on who asks. A group
 * that has events or follow-ups already keeps them; one that is back gets its follow-ups planned.
 */
export async function afterProjectFixtures(db: Db, groupId: number): Promise<void> {
  const now = new Date().toISOString();
  const day = now.slice(0, 10);
  if (!(await db('restitution_events').where({ group_id: groupId }).first('id'))) {
    const lead = await leadOf(db, groupId);
    for (const type of ['school', 'exhibition'] as const) {
      await recordEvent(db, lead, { id: groupId }, {
        heldOn: day, type, place: null, audienceTotal: 20, audienceYouths: null, audienceAdults: null, notes: null, presenter: [], medium: [],
      });
    }
  }
  const followed = await db('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', groupId).first('follow_ups.id');
  if (followed || (await scheduleFollowUps(db, groupId)) > 0) return;
  // A group not back yet: scheduleFollowUps plans nothing before the return.
  const ines = await db('enrolments').where({ group_id: groupId }).orderBy('id').first('id');
  await db('follow_ups').insert({ enrolment_id: ines.id, milestone_months: 1, due_on: day, created_at: now, updated_at: now });
}
