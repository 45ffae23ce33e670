import { createHash, randomBytes } from 'node:crypto';
import dayjs from 'dayjs';
import { z } from 'zod';
import { isPostgres, type Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { recordAudit } from '../documents/audit-log.js';
import { isRefusal, Refusal } from '../http/refusal.js';
import { optionalText } from '../http/validation.js';
import { enqueue, newStopToken } from '../outbox/outbox.js';
import { youthSms } from '../outbox/sign-in-code.js';
import { SITUATIONS } from '../participants/participant.js';
import { settingsOf } from '../structures/settings.js';
import { ENGAGEMENTS, engagementList, choice, countsSql, type FollowUpRow } from './followup.js';

/**
 * A youth answers their own follow-up: at each round a link goes to their phone; the page it opens asks
 * their situation, their engagement and a free word, and fills the follow-up as "answered by the youth",
 * which the worker then confirms or completes. The token in the link is the only key (no sign-in): it is
 * stored hashed, works once, expires after `followUpLinkDays`, and a new link or the worker revokes it.
 */

/** 128 bits: the token alone opens the page, so it must not be guessable. */
const newToken = (): string => randomBytes(16).toString('base64url');
const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface AnswerLink {
  id: number;
  follow_up_id: number;
  sent_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export interface LinkPolicy {
  publicUrl: string;
  days: number;
}

/**
 * Sends the youth a link to answer this follow-up, by SMS to the mobile on their file, in their account's
 * language (French without one). An earlier link still open stops working: one link per follow-up is live.
 * `worker` is null when the app sends it by itself at the round's date.
 */
export async function sendAnswerLink(db: Db, worker: Express.User | null, followUp: Pick<FollowUpRow, 'id' | 'done_on'>, policy: LinkPolicy, now = new Date()): Promise<{ phone: string; notBefore: string } | null> {
  if (followUp.done_on) throw new Refusal('_form', 'followups.link.alreadyDone');
  const youth = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .leftJoin('users', 'users.id', 'youths.user_id')
    .where('follow_ups.id', followUp.id)
    .first('youths.id as youth_id', 'youths.first_name', 'youths.phone', 'youths.user_id', 'users.locale', 'groups.id as group_id', 'groups.structure_id');
  const { phone, optOut } = await youthSms(db, youth);
  if (!phone) throw new Refusal('_form', 'outbox.errors.noPhone');
  if (optOut) throw new Refusal('_form', 'outbox.errors.optedOut');
  const token = newToken();
  const stop = newStopToken();
  const expiresAt = dayjs(now).add(policy.days, 'day');
  const sender = (await settingsOf(db, youth.structure_id)).smsSender;
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    // The app's own round (worker null) sends one link per follow-up, even with two instances at it: the
    // follow-up is locked (PostgreSQL; SQLite has one writer) and a link sent meanwhile ends it.
    if (!worker) {
      if (isPostgres(trx)) await trx('follow_ups').where({ id: followUp.id }).forUpdate().first('id');
      if (await trx('follow_up_links').where({ follow_up_id: followUp.id }).first('id')) return null;
    }
    await trx('follow_up_links').where({ follow_up_id: followUp.id }).whereNull('used_at').whereNull('revoked_at').update({ revoked_at: at, revoked_by: worker?.id ?? null });
    const queued = await enqueue(trx, {
      channel: 'sms', address: phone, locale: youth.locale ?? 'fr', key: 'followUpAnswer',
      data: { name: youth.first_name, link: `${policy.publicUrl}/suivi/${token}`, until: expiresAt.format('DD/MM/YYYY'), stop: `${policy.publicUrl}/sms/stop/${stop}`, ...(sender ? { sender } : {}) },
      recipientUserId: youth.user_id ?? null, recipientYouthId: youth.youth_id, createdBy: worker?.id ?? null,
    }, now, stop);
    await trx('follow_up_links').insert({
      follow_up_id: followUp.id, token_hash: hashToken(token), sent_by: worker?.id ?? null, sent_at: at, expires_at: expiresAt.toISOString(), message_id: queued.id,
    });
    await recordAudit(trx, worker, 'followUp.linkSent', { groupId: youth.group_id, subjectType: 'follow_up', subjectId: followUp.id, details: { message: queued.id } });
    return { phone, notBefore: queued.notBefore };
  });
}

/** The worker takes the open link back (sent to the wrong number, the youth answered by phone). */
export async function revokeAnswerLink(db: Db, worker: Express.User, followUp: Pick<FollowUpRow, 'id'>, groupId: number): Promise<number> {
  const at = new Date().toISOString();
  return db.transaction(async (trx) => {
    const revoked = await trx('follow_up_links').where({ follow_up_id: followUp.id }).whereNull('used_at').whereNull('revoked_at').update({ revoked_at: at, revoked_by: worker.id });
    if (revoked) await recordAudit(trx, worker, 'followUp.linkRevoked', { groupId, subjectType: 'follow_up', subjectId: followUp.id });
    return revoked;
  });
}

/** The latest link of a follow-up, for its page: sent when, open, answered, expired or revoked. */
export async function latestLink(db: Db, followUpId: number): Promise<AnswerLink | undefined> {
  return db<AnswerLink>('follow_up_links').where({ follow_up_id: followUpId }).orderBy('id', 'desc').first('id', 'follow_up_id', 'sent_at', 'expires_at', 'used_at', 'revoked_at');
}

export type LinkState = 'open' | 'answered' | 'expired' | 'revoked';
export const linkState = (link: AnswerLink, now = new Date()): LinkState =>
  link.used_at ? 'answered' : link.revoked_at ? 'revoked' : link.expires_at <= now.toISOString() ? 'expired' : 'open';

/** What the answer page may show: the youth's first name and the group's name, nothing else of theirs. */
export interface OpenLink {
  id: number;
  follow_up_id: number;
  group_id: number;
  first_name: string;
  group_name: string;
  /** The language of the youth's account, if they have one: the page speaks it. */
  locale: string | null;
}

/** The link a token opens: unknown, used, revoked, expired, or its follow-up done meanwhile — none, alike. */
export async function openLink(db: Db, token: string, now = new Date()): Promise<OpenLink | undefined> {
  return db('follow_up_links as l')
    .join('follow_ups as f', 'f.id', 'l.follow_up_id')
    .join('enrolments as e', 'e.id', 'f.enrolment_id')
    .join('youths as y', 'y.id', 'e.youth_id')
    .join('groups as g', 'g.id', 'e.group_id')
    .leftJoin('users as u', 'u.id', 'y.user_id')
    .where('l.token_hash', hashToken(token))
    .whereNull('l.used_at')
    .whereNull('l.revoked_at')
    .where('l.expires_at', '>', now.toISOString())
    .whereNull('f.done_on')
    .first('l.id', 'l.follow_up_id', 'e.group_id', 'y.first_name', 'g.name as group_name', 'u.locale');
}

/** The youth's form: a situation (required), engagements (none is an answer), a free word. */
export const AnswerForm = z.object({
  situation: choice(SITUATIONS, 'followups.answer.situationRequired').refine((v) => v !== null, { message: 'followups.answer.situationRequired' }),
  engagement: engagementList,
  note: optionalText(500),
});
export type AnswerInput = z.infer<typeof AnswerForm>;

/**
 * Records the youth's answer: the link is used up in the statement that checks it is still open, so two
 * taps on "send" record one answer; the follow-up is reached today with what they said, through an attempt
 * that says it came from the youth (no account recorded it). Returns false when the link was no longer open.
 */
export async function answerFollowUp(db: Db, link: OpenLink, input: AnswerInput, now = new Date()): Promise<boolean> {
  const at = now.toISOString();
  const on = today();
  return db.transaction(async (trx) => {
    const used = await trx('follow_up_links').where({ id: link.id }).whereNull('used_at').whereNull('revoked_at').update({ used_at: at });
    if (!used) return false;
    const updated = await trx('follow_ups').where({ id: link.follow_up_id }).whereNull('done_on').update({
      done_on: on, reached: true, situation: input.situation, contract: null, note: input.note, recorded_by: null, updated_at: at,
      ...Object.fromEntries(ENGAGEMENTS.map((e) => [e, input.engagement.includes(e)])),
    });
    if (!updated) throw new Refusal('_form', 'followups.answer.closed');
    await trx('follow_up_attempts').insert({ follow_up_id: link.follow_up_id, tried_on: on, reached: true, by_youth: true, note: null, recorded_by: null, created_at: at });
    await recordAudit(trx, null, 'followUp.answeredByYouth', { groupId: link.group_id, subjectType: 'follow_up', subjectId: link.follow_up_id });
    return true;
  });
}

/** The worker confirms what the youth answered, as it stands: written on the youth's attempt (who, when). */
export async function confirmYouthAnswer(db: Db, worker: Express.User, followUp: Pick<FollowUpRow, 'id'>, groupId: number): Promise<void> {
  await db.transaction(async (trx) => {
    const confirmed = await trx('follow_up_attempts').where({ follow_up_id: followUp.id, by_youth: true }).whereNull('confirmed_at')
      .update({ confirmed_by: worker.id, confirmed_at: new Date().toISOString() });
    if (!confirmed) throw new Refusal('_form', 'followups.answer.nothingToConfirm');
    await recordAudit(trx, worker, 'followUp.confirmed', { groupId, subjectType: 'follow_up', subjectId: followUp.id });
  });
}

/**
 * At the round's date the app sends each youth their link by itself: the follow-ups that fell due within
 * the link's life (a round missed long ago gets a call, not a text), not done, that never had a link, of
 * youths with a number on their file. Run by the server process now and then; returns how many links went.
 */
export async function sendDueAnswerLinks(db: Db, policy: LinkPolicy, now = new Date()): Promise<number> {
  const due: { id: number }[] = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .join('structures', 'structures.id', 'groups.structure_id')
    .whereNull('follow_ups.done_on')
    // A round the structure does not run is owed to nobody: no text for it either.
    .whereRaw(countsSql('follow_ups', 'structures'))
    .whereBetween('follow_ups.due_on', [dayjs(now).subtract(policy.days, 'day').format('YYYY-MM-DD'), dayjs(now).format('YYYY-MM-DD')])
    .whereNotNull('youths.phone')
    .whereNotExists(db('follow_up_links').whereRaw('follow_up_links.follow_up_id = follow_ups.id'))
    .orderBy('follow_ups.id')
    .limit(100)
    .select('follow_ups.id');
  let sent = 0;
  for (const f of due) {
    try {
      if (await sendAnswerLink(db, null, { id: f.id, done_on: null }, policy, now)) sent++;
    } catch (err) {
      // No mobile, or it said STOP: this one is the worker's to call.
      if (!isRefusal(err)) throw err;
    }
  }
  return sent;
}
