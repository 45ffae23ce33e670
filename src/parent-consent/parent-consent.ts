import { createHash, randomBytes } from 'node:crypto';
import dayjs from 'dayjs';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { recordAudit } from '../documents/audit-log.js';
import { recordSignedOnline } from '../documents/youth-document.js';
import { Refusal } from '../http/refusal.js';
import { optionalText } from '../http/validation.js';
import { CONSENT_LEVELS, recordConsentIn, type ConsentLevel } from '../media/consent.js';
import { enqueue, newStopToken } from '../outbox/outbox.js';
import { isMobile, phoneForDisplay, toE164 } from '../outbox/sms-rules.js';
import { CHANNELS, type Channel } from '../outbox/templates.js';
import { isMinorAt, type YouthFile } from '../participants/participant.js';
import { settingsOf } from '../structures/settings.js';

/**
 * A minor's parents answer online what they used to sign on paper: how far their child's image may go, and
 * that they know the child needs the exit authorisation. The worker sends a link; the parent's answer is an
 * image consent "with the parents" and the image-rights paper "received", exactly as a scanned signed form.
 */

/**
 * The version of the text a parent is shown. Change it with any change to the parentConsent.page.* texts:
 * each answer keeps the version and a hash of the very words shown, so what a parent agreed to can be read
 * back after the texts moved on.
 */
export const PARENT_TEXT_VERSION = '2026-12-v1';

/** 144 bits: the link alone opens the page, so it must not be guessed. */
const newToken = (): string => randomBytes(18).toString('base64url');
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export interface ParentLinkRow {
  id: number;
  enrolment_id: number;
  channel: Channel;
  address: string;
  parent_name: string | null;
  outbox_message_id: number | null;
  created_by: number | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  revoked_at: string | null;
}

export interface ParentAnswerRow {
  id: number;
  link_id: number;
  parent_name: string;
  image_level: ConsentLevel;
  exit_acknowledged: boolean;
  text_version: string;
  text_hash: string;
  locale: string;
  answered_at: string;
}

export type LinkState = 'open' | 'answered' | 'expired' | 'revoked';

export const linkState = (link: ParentLinkRow, now = new Date()): LinkState =>
  link.used_at ? 'answered' : link.revoked_at ? 'revoked' : link.expires_at <= now.toISOString() ? 'expired' : 'open';

// ---------------------------------------------------------------------------------------------------
// The worker sends a link

export const SendForm = z.object({
  channel: z.enum(CHANNELS, { message: 'parentConsent.errors.channel' }),
  address: z.string().trim().min(1, { message: 'validation.required' }).max(254, { message: 'validation.tooLong' }),
  parentName: optionalText(120),
});
export type SendInput = z.infer<typeof SendForm>;

const emailAddress = z.email();

function recipientAddress(input: SendInput): string {
  if (input.channel === 'email') {
    if (!emailAddress.safeParse(input.address.toLowerCase()).success) throw new Refusal('address', 'validation.email');
    return input.address.toLowerCase();
  }
  const phone = toE164(input.address);
  if (!phone || !isMobile(phone)) throw new Refusal('address', 'parentConsent.errors.phone');
  return phone;
}

/** What the send form starts from: the emergency contact of the youth's file, usually a parent. */
export const sendFormValues = (file: YouthFile): Record<string, string> => ({
  channel: 'sms', address: phoneForDisplay(file.emergency_contact_phone), parentName: file.emergency_contact_name ?? '',
});

/**
 * A new link for the parents of a youth who is a minor today, queued by SMS or e-mail. Only the hash of its
 * token is kept; the token itself lives in the message. An SMS to a number that said STOP is refused by the
 * queue.
 */
export async function sendParentLink(
  db: Db, worker: Express.User, file: YouthFile, input: SendInput, options: { publicUrl: string; days: number }, now = new Date(),
): Promise<{ linkId: number; address: string; notBefore: string }> {
  if (isMinorAt(file.birth_date, dayjs(now).format('YYYY-MM-DD')) !== true) throw new Refusal('_form', 'parentConsent.errors.notMinor');
  const address = recipientAddress(input);
  const token = newToken();
  const expires = new Date(now.getTime() + options.days * 86_400_000);
  const group = await db('groups').where({ id: file.group_id }).first('structure_id');
  const sender = group?.structure_id ? (await settingsOf(db, group.structure_id)).smsSender : null;
  return db.transaction(async (trx) => {
    const [row] = await trx('parent_consent_links').insert({
      enrolment_id: file.enrolment_id, token_hash: hashToken(token), channel: input.channel, address, parent_name: input.parentName,
      created_by: worker.id, created_at: now.toISOString(), expires_at: expires.toISOString(),
    }).returning('id');
    const linkId = insertedId(row);
    const stop = newStopToken();
    const data = {
      name: file.first_name, link: `${options.publicUrl}/parents/${token}`, until: dayjs(expires).format('DD/MM/YYYY'),
      stop: `${options.publicUrl}/sms/stop/${stop}`, ...(sender ? { sender } : {}),
    };
    const queued = await enqueue(trx, { channel: input.channel, address, locale: 'fr', key: 'parentConsent', data, createdBy: worker.id }, now, stop);
    await trx('parent_consent_links').where({ id: linkId }).update({ outbox_message_id: queued.id });
    await recordAudit(trx, worker, 'parentConsent.sent', {
      groupId: file.group_id, subjectType: 'parent_consent_link', subjectId: linkId, details: { channel: input.channel, enrolmentId: file.enrolment_id },
    });
    return { linkId, address, notBefore: queued.notBefore };
  });
}

/** The worker takes a link back: it opens nothing any more, and its message, if still waiting, does not go. */
export async function revokeParentLink(db: Db, worker: Express.User, file: YouthFile, linkId: number, now = new Date()): Promise<boolean> {
  return db.transaction(async (trx) => {
    const link: ParentLinkRow | undefined = await trx('parent_consent_links').where({ id: linkId, enrolment_id: file.enrolment_id }).first();
    if (!link || linkState(link, now) !== 'open') return false;
    const at = now.toISOString();
    await trx('parent_consent_links').where({ id: link.id }).update({ revoked_at: at, revoked_by: worker.id });
    if (link.outbox_message_id) {
      await trx('outbox_messages').where({ id: link.outbox_message_id, status: 'queued' }).update({ status: 'cancelled', last_error: 'link revoked', updated_at: at });
    }
    await recordAudit(trx, worker, 'parentConsent.revoked', { groupId: file.group_id, subjectType: 'parent_consent_link', subjectId: link.id });
    return true;
  });
}

/** The links sent for one youth, latest first, each with its answer if the parent gave one. */
export async function linksOf(db: Db, enrolmentId: number): Promise<(ParentLinkRow & { answer: ParentAnswerRow | null })[]> {
  const [links, answers]: [ParentLinkRow[], ParentAnswerRow[]] = await Promise.all([
    db('parent_consent_links').where({ enrolment_id: enrolmentId }).orderBy('id', 'desc').select('*'),
    db('parent_consent_answers').where({ enrolment_id: enrolmentId }).select('*'),
  ]);
  return links.map((l) => {
    const answer = answers.find((a) => Number(a.link_id) === Number(l.id));
    return { ...l, answer: answer ? { ...answer, exit_acknowledged: Boolean(answer.exit_acknowledged) } : null };
  });
}

// ---------------------------------------------------------------------------------------------------
// The parent's page

/** What the parent's page shows: the youth's first name, the group and its dates, nothing else of the file. */
export interface ParentPage {
  link: ParentLinkRow;
  enrolment_id: number;
  group_id: number;
  youth_id: number;
  first_name: string;
  group_name: string;
  departure_date: string | null;
  return_date: string | null;
}

/** The page a token opens, only while its link is open: used, expired, revoked or unknown all look the same. */
export async function openLink(db: Db, token: string, now = new Date()): Promise<ParentPage | undefined> {
  if (!/^[\w-]{10,64}$/.test(token)) return undefined;
  const link: ParentLinkRow | undefined = await db('parent_consent_links').where({ token_hash: hashToken(token) }).first();
  if (!link || linkState(link, now) !== 'open') return undefined;
  const row = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .where('enrolments.id', link.enrolment_id)
    .first('enrolments.id as enrolment_id', 'enrolments.group_id', 'youths.id as youth_id', 'youths.first_name', 'groups.name as group_name', 'groups.departure_date', 'groups.return_date');
  return row ? { link, ...row } : undefined;
}

/** The paragraphs of the parent's page, as shown, and the hash that identifies those exact words. */
export interface ShownText {
  version: string;
  hash: string;
  paragraphs: Record<'intro' | 'image' | 'exit', string>;
  levels: Record<ConsentLevel, string>;
}

export function shownText(t: (key: string, values?: Record<string, string>) => string, page: ParentPage, dates: { from: string; to: string }): ShownText {
  const values = { name: page.first_name, group: page.group_name, ...dates };
  const paragraphs = {
    intro: t('parentConsent.page.intro', values), image: t('parentConsent.page.image', values), exit: t('parentConsent.page.exit', values),
  };
  const levels = Object.fromEntries(CONSENT_LEVELS.map((l) => [l, t(`parentConsent.page.levels.${l}`, values)])) as Record<ConsentLevel, string>;
  const words = [PARENT_TEXT_VERSION, paragraphs.intro, paragraphs.image, ...CONSENT_LEVELS.map((l) => levels[l]), paragraphs.exit].join('\n');
  return { version: PARENT_TEXT_VERSION, hash: createHash('sha256').update(words).digest('hex'), paragraphs, levels };
}

export const AnswerForm = z.object({
  parentName: z.string().trim().min(1, { message: 'parentConsent.errors.parentName' }).max(120, { message: 'validation.tooLong' }),
  level: z.enum(CONSENT_LEVELS, { message: 'parentConsent.errors.level' }),
  exit: z.string().optional().transform((v) => v === 'yes'),
  textHash: z.string().optional().default(''),
});
export type AnswerInput = z.infer<typeof AnswerForm>;

/**
 * The parent's answer, once: the link is closed in the same statement that checks it is still open, so two
 * posts of the same link record one answer. The image consent (with the parents) and the image-rights paper
 * are written as a worker's entry of a signed form would be, a refusal included; the consent narrows the
 * media that went further, as any consent does.
 */
export async function answerLink(db: Db, page: ParentPage, input: AnswerInput, text: ShownText, locale: string, now = new Date()): Promise<{ narrowedMedia: number }> {
  // The page changed between showing and answering (a new version of the text): the parent reads it again.
  if (input.textHash !== text.hash) throw new Refusal('_form', 'parentConsent.errors.textChanged');
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    const closed = await trx('parent_consent_links')
      .where({ id: page.link.id }).whereNull('used_at').whereNull('revoked_at').where('expires_at', '>', at)
      .update({ used_at: at });
    if (!closed) throw new Refusal('_form', 'parentConsent.errors.closed', 410);
    const consent = await recordConsentIn(trx, null, page, { level: input.level, parental: true });
    const paperId = await recordSignedOnline(trx, page.enrolment_id, 'image_rights');
    await trx('parent_consent_answers').insert({
      link_id: page.link.id, enrolment_id: page.enrolment_id, parent_name: input.parentName, image_level: input.level,
      exit_acknowledged: input.exit, text_version: text.version, text_hash: text.hash, locale, image_consent_id: consent.consentId, answered_at: at,
    });
    await recordAudit(trx, null, 'parentConsent.answered', {
      groupId: page.group_id, subjectType: 'parent_consent_link', subjectId: page.link.id,
      details: { parentName: input.parentName, level: input.level, exitAcknowledged: input.exit, textVersion: text.version, paperId },
    });
    return { narrowedMedia: consent.narrowedMedia };
  });
}
