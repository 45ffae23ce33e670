import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { documentsDue, type DueItem } from '../documents/readiness.js';
import { paths } from '../http/paths.js';
import { localToday } from '../meetings/meeting.js';
import { settingsOf } from '../structures/settings.js';
import { enqueueOnce, newStopToken, type NewMessage } from './outbox.js';
import { youthSms } from './sign-in-code.js';
import type { Channel, MessageKey } from './templates.js';

/**
 * The reminders the app sends youths by itself, decided by a pass the server process runs now and then
 * (server.ts, beside the dispatcher; REMINDERS=0 turns it off on an instance). Each reminder is sent once:
 * its key (kind, enrolment, what it is about, the day it is about) is a unique row of youth_reminders,
 * inserted in the transaction that queues the message, so two passes — of one instance or of two — queue
 * it once. The queue then does the rest: no SMS between 20:00 and 08:00 (it waits), none to a number that
 * said STOP. Each rule below has a day of grace (the server may have been down on the day itself): the key
 * names the day the reminder is about, not the day it went, so the grace never sends it twice.
 */

export const REMINDER_KINDS = ['meetingReminder', 'papersDue', 'papersOverdue', 'beforeVideo', 'afterVideo'] as const satisfies readonly MessageKey[];
export type ReminderKind = (typeof REMINDER_KINDS)[number];

/** When each reminder goes, in days from what it is about (negative: before it). */
export const REMINDER_DAYS = { meetingReminder: -1, papersDue: -7, papersOverdue: 1, beforeVideo: -7, afterVideo: 3 } as const;

export interface ReminderPolicy {
  publicUrl: string;
}

/** The youth as the reminders read them: how to reach them, in which language, in which group. */
interface Recipient {
  enrolment_id: number;
  youth_id: number;
  group_id: number;
  structure_id: number;
  first_name: string;
  phone: string | null;
  user_id: number | null;
  email: string | null;
  active: boolean | number | null;
  locale: string | null;
}

/**
 * SMS to the mobile on the youth's file; without one, e-mail to their account's address if they have one.
 * Nothing to a number that said STOP: that youth asked for no more messages, and an e-mail instead would
 * go around it.
 */
export async function reachOf(db: Db, y: Pick<Recipient, 'phone' | 'email' | 'active'>): Promise<{ channel: Channel; address: string } | null> {
  const { phone, optOut } = await youthSms(db, y);
  if (phone) return optOut ? null : { channel: 'sms', address: phone };
  if (y.email && y.active) return { channel: 'email', address: y.email };
  return null;
}

/** Enrolled youths (not withdrawn) with what reaching them takes; `departing` narrows to those who leave. */
function recipients(db: Db, groupIds: number[], departing = false) {
  return db('enrolments as e')
    .join('youths as y', 'y.id', 'e.youth_id')
    .join('groups as g', 'g.id', 'e.group_id')
    .leftJoin('users as u', 'u.id', 'y.user_id')
    .whereIn('e.group_id', groupIds)
    .where('e.status', 'enrolled')
    .modify((q) => { if (departing) q.where('e.departing', true); })
    .orderBy('e.id')
    .select('e.id as enrolment_id', 'y.id as youth_id', 'e.group_id', 'g.structure_id', 'y.first_name', 'y.phone', 'y.user_id', 'u.email', 'u.active', 'u.locale');
}

interface ReminderKey {
  kind: ReminderKind;
  enrolmentId: number;
  subjectId: number;
  day: string;
}

/** Queues one reminder unless its key (kind, enrolment, subject, day) was taken already: see enqueueOnce. */
export async function sendOnce(db: Db, key: ReminderKey, message: NewMessage, now: Date, stopToken: string): Promise<boolean> {
  const row = { kind: key.kind, enrolment_id: key.enrolmentId, subject_id: key.subjectId, day: key.day };
  return (await enqueueOnce(db, { table: 'youth_reminders', columns: ['kind', 'enrolment_id', 'subject_id', 'day'], row }, message, now, stopToken)) !== null;
}

const plusDays = (day: string, n: number) => dayjs(day).add(n, 'day').format('YYYY-MM-DD');
const shortDate = (day: string) => dayjs(day).format('DD/MM');

/** Sends the reminder to one youth if it can reach them; the senders' common part. */
async function remind(db: Db, policy: ReminderPolicy, y: Recipient, key: Omit<ReminderKey, 'enrolmentId'>, link: string, data: Record<string, string>, now: Date): Promise<boolean> {
  const row = { kind: key.kind, enrolment_id: y.enrolment_id, subject_id: key.subjectId, day: key.day };
  // Most passes find the reminder sent already: one read, rather than the reach, the settings and a transaction.
  if (await db('youth_reminders').where(row).first('id')) return false;
  const reach = await reachOf(db, y);
  if (!reach) return false;
  const stop = newStopToken();
  const sender = (await settingsOf(db, y.structure_id)).smsSender;
  return sendOnce(db, { ...key, enrolmentId: y.enrolment_id }, {
    ...reach, locale: y.locale ?? 'fr', key: key.kind,
    data: { name: y.first_name, link: `${policy.publicUrl}${link}`, stop: `${policy.publicUrl}/sms/stop/${stop}`, ...data, ...(sender ? { sender } : {}) },
    recipientUserId: y.user_id, recipientYouthId: y.youth_id,
  }, now, stop);
}

/**
 * The day before a group session, to each enrolled youth of the group. No day of grace: the text says
 * "tomorrow", and the passes run all the eve long.
 */
async function meetingReminders(db: Db, policy: ReminderPolicy, now: Date): Promise<number> {
  const tomorrow = plusDays(localToday(now), 1);
  const meetings: { id: number; group_id: number; starts_at: string; place: string | null }[] = await db('meetings')
    .where('starts_at', '>=', tomorrow)
    .where('starts_at', '<', plusDays(tomorrow, 1))
    .orderBy('starts_at')
    .select('id', 'group_id', 'starts_at', 'place');
  let sent = 0;
  for (const m of meetings) {
    const day = m.starts_at.slice(0, 10);
    for (const y of (await recipients(db, [m.group_id])) as Recipient[]) {
      const data = { date: shortDate(day), time: m.starts_at.slice(11, 16), place: m.place ? `, ${m.place}` : '' };
      if (await remind(db, policy, y, { kind: 'meetingReminder', subjectId: m.id, day }, paths.groupMeeting(m.group_id, m.id), data, now)) sent++;
    }
  }
  return sent;
}

/**
 * Papers: one message per youth and kind — "due in 7 days" when one of their papers' deadlines is a week
 * away (or 6 days, the day of grace), counting every paper due within the week; "late" the day after a
 * deadline passed (or the next), counting every late paper. Only papers still to hand in (missing or
 * refused): one handed in is no longer asked for. Groups that have not left (documentsDue).
 */
async function paperReminders(db: Db, policy: ReminderPolicy, now: Date): Promise<number> {
  const today = localToday(now);
  const groups = await db('groups').where('departure_date', '>=', today).select('id', 'name', 'destination_country', 'phase', 'departure_date', 'return_date');
  if (!groups.length) return 0;
  const items = await documentsDue(db, groups, 7, today);
  const byEnrolment = new Map<number, DueItem[]>();
  for (const item of items) byEnrolment.set(item.enrolmentId, [...(byEnrolment.get(item.enrolmentId) ?? []), item]);
  const who = new Map(((await recipients(db, groups.map((g) => g.id), true)) as Recipient[]).map((y) => [y.enrolment_id, y]));
  let sent = 0;
  for (const [enrolmentId, papers] of byEnrolment) {
    const y = who.get(enrolmentId);
    if (!y) continue;
    const coming = papers.filter((p) => !p.overdue);
    const late = papers.filter((p) => p.overdue);
    // The deadline that makes it today: a week away (or six days), for "due"; yesterday (or the day before), for "late".
    const dueTrigger = coming.map((p) => p.deadline).filter((d) => d >= plusDays(today, 6)).sort().pop();
    const lateTrigger = late.map((p) => p.deadline).filter((d) => d >= plusDays(today, -2)).sort().pop();
    const link = paths.groupYouthDocuments(y.group_id, enrolmentId);
    if (dueTrigger && (await remind(db, policy, y, { kind: 'papersDue', subjectId: 0, day: dueTrigger }, link, { until: shortDate(dueTrigger), count: String(coming.length) }, now))) sent++;
    if (lateTrigger && (await remind(db, policy, y, { kind: 'papersOverdue', subjectId: 0, day: lateTrigger }, link, { count: String(late.length) }, now))) sent++;
  }
  return sent;
}

/** A video of this moment the youth made or appears in: then they need no reminder to film one. */
function hasVideo(db: Db, moment: 'before' | 'after') {
  return db('media')
    .whereRaw('media.group_id = e.group_id')
    .where({ 'media.moment': moment, 'media.kind': 'video' })
    .where((w) => w.whereRaw('media.youth_id = y.id').orWhereExists(db('media_youths').whereRaw('media_youths.medium_id = media.id and media_youths.youth_id = y.id')))
    .select(db.raw('1'));
}

/**
 * "Film your before video" a week before the departure (or six days), "film your after video" three days
 * after the return (or four), to the departing youths of the group who have no video of that moment yet.
 */
async function videoReminders(db: Db, policy: ReminderPolicy, now: Date): Promise<number> {
  const today = localToday(now);
  let sent = 0;
  for (const moment of ['before', 'after'] as const) {
    const kind = moment === 'before' ? 'beforeVideo' : 'afterVideo';
    const column = moment === 'before' ? 'departure_date' : 'return_date';
    const offset = REMINDER_DAYS[kind];
    // The trip day that makes it today, and the one of the day of grace.
    const days = [plusDays(today, -offset), plusDays(today, -offset - 1)];
    const groups: { id: number; day: string }[] = await db('groups').whereIn(column, days).select('id', `${column} as day`);
    for (const g of groups) {
      const youths = (await recipients(db, [g.id], true).whereNotExists(hasVideo(db, moment))) as Recipient[];
      for (const y of youths) {
        if (await remind(db, policy, y, { kind, subjectId: 0, day: g.day }, paths.groupMediumNew(g.id), { until: shortDate(g.day) }, now)) sent++;
      }
    }
  }
  return sent;
}

/** One pass over every rule; returns how many reminders it queued. */
export async function sendDueReminders(db: Db, policy: ReminderPolicy, now = new Date()): Promise<number> {
  return (await meetingReminders(db, policy, now)) + (await paperReminders(db, policy, now)) + (await videoReminders(db, policy, now));
}

/** What was sent to a youth, for their file: kind, channel, when, status — the text stays on /admin/outbox. */
export interface SentToYouth {
  id: number;
  message_key: string;
  channel: Channel;
  status: string;
  created_at: string;
  sent_at: string | null;
}

export function messagesToYouth(db: Db, youthId: number, limit = 10): Promise<SentToYouth[]> {
  return db('outbox_messages').where({ recipient_youth_id: youthId }).orderBy('id', 'desc').limit(limit).select('id', 'message_key', 'channel', 'status', 'created_at', 'sent_at');
}
