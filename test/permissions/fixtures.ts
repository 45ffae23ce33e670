import { parentLinksForEveryRoute } from '../parent-consent/fixtures.js';
import type { Db } from '../../src/db/knex.js';
import { addCoLead, addCompanion, addFunder, type GroupRow } from '../../src/groups/group.js';
import { leadOf } from '../support/accounts.js';
import { createAccount } from '../../src/users/user.js';
import { testDatabase } from '../support/database.js';
import { storedPhoto } from '../media/fixtures.js';
import { afterProjectFixtures } from './rows/restitution.js';
import { enqueue } from '../../src/outbox/outbox.js';
import { recordIncident } from '../../src/stay/stay.js';

/**
 * A record of every kind a group route can name, made as the app's pages make them: a co-lead (a worker
 * account of its own), two funders (one to remove, one whose status the budget changes) and an accompanying
 * adult for the routes that remove them; restitution
 * events and follow-ups (see afterProjectFixtures); a photo with its file, uploaded by `photographer`, and an upload of theirs under way (a medium, a scan); an
 * SMS in the outbox and a serious incident of the stay.
 */
export async function recordsForEveryRoute(db: Db, groupId: number, photographer: number): Promise<void> {
  const group: GroupRow = await db('groups').where({ id: groupId }).first();
  const coLead = await createAccount(db, { role: 'worker', displayName: `Co-référent ${groupId}`, email: `co.${groupId}@tremplin.test`, password: 'co-referent-1' }, { structureId: group.structure_id });
  await addCoLead(db, await leadOf(db, groupId), group, { workerUserId: coLead.id, lentEmail: null });
  await addFunder(db, groupId, { funderName: 'Région', scheme: 'DRAPP', amount: 150000 });
  // A second one, for the budget's status route, asked about after the groups' rows removed the first.
  await addFunder(db, groupId, { funderName: 'Ville de Douai', scheme: null, amount: 50000 });
  await addCompanion(db, group, { companionName: 'Élu Jeunesse', companionRole: 'élu' });
  await afterProjectFixtures(db, groupId);
  await storedPhoto(db, testDatabase().config.uploadDir, groupId, photographer);
  // A resumable upload the photographer began, for the routes that carry on with one.
  // One per group: the forged-requests test gives two groups their records.
  await db('resumable_uploads').insert({ id: groupId.toString(16).padStart(32, 'a'), user_id: photographer, group_id: groupId, purpose: 'media', declared_size: 1000, created_at: new Date().toISOString() });
  // And a scan of theirs under way, for the passport of the group's first enrolment (the matrix's :enrolmentId and :kind).
  const first = await db('enrolments').where({ group_id: groupId }).orderBy('id').first('id');
  await db('resumable_uploads').insert({
    id: groupId.toString(16).padStart(32, 'b'), user_id: photographer, group_id: groupId, purpose: 'scan', target: `${first.id}/passport_or_id`,
    declared_size: 1000, created_at: new Date().toISOString(),
  });
  // An SMS to a youth of the group, for its opt-out link (sent by the lead, so the structure's admin lists it).
  const lead = await leadOf(db, groupId);
  await enqueue(db, { channel: 'sms', address: '+33639980000', locale: 'fr', key: 'signInCode', data: {}, createdBy: lead.id });
  // A serious incident of the stay, for its page and the director's acknowledgement.
  await recordIncident(db, lead, groupId, {
    occurredAt: '2026-01-10T10:00', place: null, what: 'Malaise', severity: 'serious', actionTaken: null, youth: [],
    toldParentsAt: null, toldDirectorAt: null, toldInsurerAt: null, toldConsulateAt: null,
  });
  await parentLinksForEveryRoute(db, groupId);
}
