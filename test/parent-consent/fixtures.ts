import { randomBytes } from 'node:crypto';
import dayjs from 'dayjs';
import type { Db } from '../../src/db/knex.js';
import { insertedId } from '../../src/db/knex.js';
import { hashToken } from '../../src/parent-consent/parent-consent.js';
import { storedPhoto } from '../media/fixtures.js';

/**
 * An open link to the parents of the group's first youth (or of `enrolmentId`), written as sendParentLink
 * writes it, for tests that need the token without reading it from a message.
 */
export async function newParentLink(db: Db, groupId: number, options: { enrolmentId?: number; expiresAt?: Date; token?: string } = {}): Promise<{ linkId: number; token: string }> {
  const enrolmentId = options.enrolmentId ?? (await db('enrolments').where({ group_id: groupId }).orderBy('id').first('id')).id;
  const token = options.token ?? randomBytes(18).toString('base64url');
  const now = new Date();
  const [row] = await db('parent_consent_links').insert({
    enrolment_id: enrolmentId, token_hash: hashToken(token), channel: 'sms', address: '+33612345678',
    created_at: now.toISOString(), expires_at: (options.expiresAt ?? new Date(now.getTime() + 86_400_000)).toISOString(),
  }).returning('id');
  return { linkId: insertedId(row), token };
}

/** The token of the open link the route matrices open for a group: known without reading the database. */
export const matrixParentToken = (groupId: number): string => `matrice-parents-${groupId}`;

/**
 * For the route matrices: a link the worker may revoke, and one whose token is matrixParentToken, kept open
 * (the matrices post it an empty form, which records nothing).
 */
export async function parentLinksForEveryRoute(db: Db, groupId: number): Promise<void> {
  await newParentLink(db, groupId);
  await newParentLink(db, groupId, { token: matrixParentToken(groupId) });
}

/** The link parentLinksForEveryRoute made to be revoked. */
export async function revocableParentLink(db: Db, groupId: number): Promise<number | undefined> {
  const first = await db('enrolments').where({ group_id: groupId }).orderBy('id').first('id');
  const row = await db('parent_consent_links').where({ enrolment_id: first?.id }).whereNot({ token_hash: hashToken(matrixParentToken(groupId)) }).orderBy('id').first('id');
  return row?.id;
}

/**
 * Mamadou of the Sadiola group made 16, his mother as the file's emergency contact, and a photo of him alone
 * (cleared for the group only): his own "restitution" consent, given without his parents, counts for the group.
 */
export async function minorWithPhoto(db: Db, uploadDir: string, groupId: number, workerId: number): Promise<{ enrolmentId: number; youthId: number; mediumId: number }> {
  const row = await db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': groupId, 'youths.first_name': 'Mamadou' }).first('enrolments.id as enrolment_id', 'youths.id as youth_id');
  const youthId = Number(row.youth_id);
  await db('youths').where({ id: youthId }).update({
    birth_date: dayjs().subtract(16, 'year').format('YYYY-MM-DD'), emergency_contact_name: 'Awa Diallo', emergency_contact_phone: '+33612345678',
  });
  const mediumId = await storedPhoto(db, uploadDir, groupId, workerId, 'Mamadou au chantier');
  await db('media_youths').insert({ medium_id: mediumId, youth_id: youthId });
  return { enrolmentId: Number(row.enrolment_id), youthId, mediumId };
}
