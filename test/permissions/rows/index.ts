import type { Db } from '../../../src/db/knex.js';
import type { DemoIds } from '../../../src/demo/demo-data.js';
import { foundationRows } from './foundation.js';
import { groupsRows } from './groups.js';
import { phasesRows } from './phases.js';
import { meetingsRows } from './meetings.js';
import { participantsRows } from './participants.js';
import { restitutionRows } from './restitution.js';
import { followUpsRows } from './followups.js';
import { documentsRows } from './documents.js';
import { mediaRows } from './media.js';
import { resumableUploadRows } from './resumable-uploads.js';
import { assessmentsRows } from './assessments.js';
import { journeyRows } from './journey.js';
import { reportsRows } from './reports.js';
import { structuresRows } from './structures.js';
import { outboxRows } from './outbox.js';
import { stayRows } from './stay.js';
import { parentConsentRows } from './parent-consent.js';
import { budgetRows } from './budget.js';
import { certificatesRows } from './certificates.js';
import { matrixParentToken, revocableParentLink } from '../../parent-consent/fixtures.js';

/**
 * The admin, the director, the worker and the youth are of the mission locale (structure A), whose Sadiola
 * group every record belongs to. The other worker, the other youth, the other director and the other admin
 * are of the MJC (structure B, in the same network): on every record of A they find nothing (404), as a
 * director or an admin of A would on B's. The coordinator (of the network) and the platform's admin belong
 * to no structure: no group, no youth, no account of a structure is theirs to open.
 */
export const ROLES = ['anonymous', 'admin', 'director', 'worker', 'otherWorker', 'youth', 'otherYouth', 'otherDirector', 'otherAdmin', 'coordinator', 'platformAdmin'] as const;
export type Who = (typeof ROLES)[number];

// The worker who leads the group goes last: an action they are allowed to do (deleting a session, say)
// must not change what the others are asked about before their turn.
export const ITERATION_ORDER: Who[] = ['anonymous', 'admin', 'director', 'otherWorker', 'youth', 'otherYouth', 'otherDirector', 'otherAdmin', 'coordinator', 'platformAdmin', 'worker'];

export const ROW_TABLES: Record<string, readonly number[]>[] = [foundationRows, structuresRows, groupsRows, phasesRows, meetingsRows, participantsRows, restitutionRows, followUpsRows, documentsRows, mediaRows, resumableUploadRows, assessmentsRows, journeyRows, reportsRows, outboxRows, stayRows, parentConsentRows, budgetRows, certificatesRows];

/**
 * Called by a provider's server, not a browser: no session, so no CSRF token; it answers to its own secret
 * (test/outbox/brevo.test.ts). The CSRF tests leave these out.
 */
export const SERVER_TO_SERVER = new Set(['POST /webhooks/brevo/sms']);

export interface MatrixContext {
  ids: DemoIds;
  targetUserId: number;
  /** Parameters filled differently for one table (a withdrawn youth's own medium and enrolment). */
  overrides?: Record<string, () => Promise<unknown>>;
}

/**
 * Fills a route's parameters with records of the Sadiola group (led by the worker, with the youth in it),
 * looked up when the route is asked about, so a record deleted by an earlier row is replaced by another.
 */
export async function resolvePath(db: Db, path: string, ctx: MatrixContext): Promise<string> {
  const group = ctx.ids.groups.sadiola;
  const lookups: Record<string, () => Promise<unknown>> = {
    id: async () => group,
    userId: async () => ctx.targetUserId,
    enrolmentId: async () => (await db('enrolments').where({ group_id: group }).orderBy('id').first('id'))?.id,
    meetingId: async () => (await db('meetings').where({ group_id: group }).orderBy('id').first('id'))?.id,
    funderId: async () => (await db('group_funders').where({ group_id: group }).orderBy('id').first('id'))?.id,
    companionId: async () => (await db('group_companions').where({ group_id: group }).orderBy('id').first('id'))?.id,
    workerId: async () => (await db('group_workers').where({ group_id: group, role: 'co_lead' }).first('user_id'))?.user_id,
    // A medium with a file (the matrix's own, made in its before()), so its file and thumbnail routes answer.
    // An upload under way of Inès's (recordsForEveryRoute), a scan under a paper's address, else a medium: only she may resume it.
    uploadId: async () => (await db('resumable_uploads').where({ group_id: group, purpose: path.includes('/documents/') ? 'scan' : 'media' }).orderBy('id').first('id'))?.id,
    mediumId: async () => (await db('media').where({ group_id: group }).whereNotNull('stored_path').orderBy('id').first('id'))?.id,
    moment: async () => 'before',
    competenceId: async () => (await db('competences').orderBy([{ column: 'position' }, { column: 'id' }]).first('id'))?.id,
    kind: async () => 'passport_or_id',
    eventId: async () => (await db('restitution_events').where({ group_id: group }).orderBy('id').first('id'))?.id,
    followUpId: async () => (await db('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', group).orderBy('follow_ups.id').first('follow_ups.id'))?.id,
    table: async () => 'funnel',
    structureId: async () => (await db('groups').where({ id: group }).first('structure_id'))?.structure_id,
    networkId: async () => ctx.ids.network,
    token: async () => (await db('groups').where({ id: group }).first('calendar_token'))?.calendar_token,
    // Tokens are stored hashed: the matrix has none that opens a page, and asks with one that opens nothing.
    answerToken: async () => 'AbCdEfGhIjKlMnOpQrStUv',
    incidentId: async () => (await db('stay_incidents').where({ group_id: group }).orderBy('id').first('id'))?.id,
    // The links recordsForEveryRoute made: looking them up writes nothing (the forged-request tests compare tables).
    linkId: async () => revocableParentLink(db, group),
    consentToken: async () => matrixParentToken(group),
    stopToken: async () => (await db('outbox_messages').orderBy('id').first('stop_token'))?.stop_token,
  };
  let out = path;
  for (const [, name] of path.matchAll(/:(\w+)/g)) {
    const lookup = ctx.overrides?.[name!] ?? lookups[name!];
    if (!lookup) throw new Error(`the matrix does not know how to fill :${name} (add it to resolvePath)`);
    const value = await lookup();
    if (value === undefined || value === null) throw new Error(`no fixture for :${name} in the Sadiola group`);
    out = out.replace(`:${name}`, String(value));
  }
  return out;
}
