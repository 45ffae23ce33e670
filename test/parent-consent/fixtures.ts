import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/knex.js';
import { insertedId } from '../../src/db/knex.js';
import { hashToken } from '../../src/parent-consent/parent-consent.js';

/**
 * An open link to the parents of the group's first youth (or of `enrolmentId`), written as sendParentLink
 * writes it, for tests that need the token without reading it from a message.
 */
export async function newParentLink(db: Db, groupId: number, options: { enrolmentId?: number; expiresAt?: Date } = {}): Promise<{ linkId: number; token: string }> {
  const enrolmentId = options.enrolmentId ?? (await db('enrolments').where({ group_id: groupId }).orderBy('id').first('id')).id;
  const token = randomBytes(18).toString('base64url');
  const now = new Date();
  const [row] = await db('parent_consent_links').insert({
    enrolment_id: enrolmentId, token_hash: hashToken(token), channel: 'sms', address: '+33612345678',
    created_at: now.toISOString(), expires_at: (options.expiresAt ?? new Date(now.getTime() + 86_400_000)).toISOString(),
  }).returning('id');
  return { linkId: insertedId(row), token };
}
