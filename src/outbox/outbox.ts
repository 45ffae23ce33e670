import { randomBytes } from 'node:crypto';
import type { Db } from '../db/knex.js';
import { insertedId, isPostgres, toNumber } from '../db/knex.js';
import { Refusal } from '../http/refusal.js';
import { nextSmsWindow } from './sms-rules.js';
import { redacted, type Channel, type MessageKey } from './templates.js';

export const STATUSES = ['queued', 'sending', 'sent', 'delivered', 'failed', 'cancelled'] as const;
export type Status = (typeof STATUSES)[number];

export interface OutboxRow {
  id: number;
  recipient_user_id: number | null;
  recipient_youth_id: number | null;
  channel: Channel;
  address: string;
  locale: string;
  message_key: string;
  data: string;
  status: Status;
  attempts: number;
  next_try_at: string;
  claimed_by: string | null;
  lease_until: string | null;
  provider_id: string | null;
  last_error: string | null;
  rendered: string | null;
  stop_token: string;
  created_by: number | null;
  created_at: string;
  sent_at: string | null;
  delivered_at: string | null;
  updated_at: string;
}

export interface NewMessage {
  channel: Channel;
  /** E.164 for an SMS, an e-mail address for an e-mail. */
  address: string;
  locale: string;
  key: MessageKey;
  data: Record<string, string>;
  recipientUserId?: number | null;
  recipientYouthId?: number | null;
  createdBy?: number | null;
}

/** Short enough for an SMS link, random enough (72 bits) that nobody stops someone else's texts by guessing. */
export const newStopToken = (): string => randomBytes(9).toString('base64url');

/**
 * Queues one message; a dispatcher sends it. An SMS to a number that said STOP is refused; one queued
 * during quiet hours waits for 08:00 Paris time. `stopToken` lets the caller put the opt-out link in the
 * data before the row exists.
 */
export async function enqueue(db: Db, message: NewMessage, now = new Date(), stopToken = newStopToken()): Promise<{ id: number; notBefore: string }> {
  if (message.channel === 'sms' && (await optOutOf(db, message.address))) throw new Refusal('_form', 'outbox.errors.optedOut');
  const at = now.toISOString();
  const notBefore = (message.channel === 'sms' ? nextSmsWindow(now) : now).toISOString();
  const [row] = await db('outbox_messages')
    .insert({
      recipient_user_id: message.recipientUserId ?? null, recipient_youth_id: message.recipientYouthId ?? null,
      channel: message.channel, address: message.address, locale: message.locale, message_key: message.key,
      data: JSON.stringify(message.data), status: 'queued', attempts: 0, next_try_at: notBefore, stop_token: stopToken,
      created_by: message.createdBy ?? null, created_at: at, updated_at: at,
    })
    .returning('id');
  return { id: insertedId(row), notBefore };
}

/**
 * Queues a message the app sends by itself once only: `key` is a row of a table with a unique index on
 * `columns` (youth_reminders, morning_emails), written in the transaction that queues the message. A second
 * insert of the same key does nothing — on PostgreSQL it waits for the first transaction, then finds the
 * key; SQLite has one writer — so two passes, or two instances, queue it once. Returns the message's id,
 * or null when the key was already taken.
 */
export async function enqueueOnce(
  db: Db, key: { table: string; columns: string[]; row: Record<string, string | number> }, message: NewMessage | null, now = new Date(), stopToken = newStopToken(),
): Promise<number | null> {
  return db.transaction(async (trx) => {
    const inserted = await trx(key.table).insert({ ...key.row, created_at: now.toISOString() }).onConflict(key.columns).ignore().returning('id');
    if (!inserted.length || !message) return null;
    const queued = await enqueue(trx, message, now, stopToken);
    await trx(key.table).where({ id: insertedId(inserted[0]) }).update({ message_id: queued.id });
    return queued.id;
  });
}

/** A row claimed by a dispatcher, with whether an earlier attempt was cut off mid-send (the process died). */
export interface Claimed extends OutboxRow {
  interrupted: boolean;
}

/**
 * Takes up to `limit` due rows for this dispatcher: each gets a lease, and no other dispatcher takes it
 * until the lease ends. A row still "sending" whose lease ran out was being sent by a dispatcher that
 * died: it is taken again, marked `interrupted`, so the sender first asks the provider whether it went.
 * On PostgreSQL, rows another instance is claiming are skipped (FOR UPDATE SKIP LOCKED) instead of waited
 * for; SQLite has one writer at a time, and the transaction takes the write lock first (sqlite-immediate.ts).
 */
export async function claimDue(db: Db, dispatcher: string, limit: number, leaseMs: number, now = new Date()): Promise<Claimed[]> {
  const at = now.toISOString();
  return db.transaction(async (trx) => {
    let due = trx<OutboxRow>('outbox_messages')
      .where((w) => w.where('status', 'queued').orWhere((s) => s.where('status', 'sending').where('lease_until', '<', at)))
      .where('next_try_at', '<=', at)
      .orderBy([{ column: 'next_try_at' }, { column: 'id' }])
      .limit(limit)
      .select('*');
    if (isPostgres(trx)) due = due.forUpdate().skipLocked();
    const rows = await due;
    if (!rows.length) return [];
    await trx('outbox_messages')
      .whereIn('id', rows.map((r) => r.id))
      .update({ status: 'sending', claimed_by: dispatcher, lease_until: new Date(now.getTime() + leaseMs).toISOString(), attempts: trx.raw('attempts + 1'), updated_at: at });
    return rows.map((r) => ({ ...r, attempts: r.attempts + 1, interrupted: r.status === 'sending' }));
  });
}

/**
 * The provider took the message: its id and the text are written in the same statement that says "sent",
 * so a message the provider accepted is never sent again (a row "sent" is never claimed). The secrets of
 * the data (a one-time code) go once a real transport has the message; the log transport keeps them, as
 * the admin page is then the only way the message is read.
 */
export async function recordSent(db: Db, row: OutboxRow, providerId: string, rendered: string, keepSecrets: boolean): Promise<void> {
  const data = JSON.parse(row.data) as Record<string, string>;
  const at = new Date().toISOString();
  await db('outbox_messages').where({ id: row.id }).update({
    status: 'sent', provider_id: providerId, sent_at: at, lease_until: null, last_error: null, updated_at: at,
    rendered: keepSecrets ? rendered : maskSecrets(rendered, row.message_key, data), data: JSON.stringify(keepSecrets ? data : redacted(row.message_key, data)),
  });
}

function maskSecrets(text: string, key: string, data: Record<string, string>): string {
  const masked = redacted(key, data);
  let out = text;
  for (const [field, value] of Object.entries(data)) if (masked[field] !== value && value) out = out.split(value).join(masked[field]!);
  return out;
}

/**
 * A failed attempt: tried again after `retryBaseMs`, then twice as long each time, until `maxAttempts`;
 * an error the provider says will not change (an invalid number) fails the message at once.
 */
export async function recordFailure(db: Db, row: OutboxRow, error: string, permanent: boolean, policy: { retryBaseMs: number; maxAttempts: number }, now = new Date()): Promise<Status> {
  const giveUp = permanent || row.attempts >= policy.maxAttempts;
  const status: Status = giveUp ? 'failed' : 'queued';
  const next = new Date(now.getTime() + policy.retryBaseMs * 2 ** Math.max(0, row.attempts - 1));
  await db('outbox_messages').where({ id: row.id }).update({
    status, last_error: error.slice(0, 1000), lease_until: null, updated_at: now.toISOString(),
    ...(giveUp ? {} : { next_try_at: (row.channel === 'sms' ? nextSmsWindow(next) : next).toISOString() }),
  });
  return status;
}

/** Put back without counting an attempt: quiet hours began between the claim and the send. */
export async function postpone(db: Db, row: OutboxRow, until: Date): Promise<void> {
  await db('outbox_messages').where({ id: row.id }).update({
    status: 'queued', next_try_at: until.toISOString(), attempts: Math.max(0, row.attempts - 1), lease_until: null, updated_at: new Date().toISOString(),
  });
}

export async function cancel(db: Db, row: OutboxRow, reason: string): Promise<void> {
  await db('outbox_messages').where({ id: row.id }).update({ status: 'cancelled', last_error: reason, lease_until: null, updated_at: new Date().toISOString() });
}

/** A delivery receipt from the provider, by its id. A receipt never takes a message back from "delivered". */
export async function recordReceipt(db: Db, providerId: string, outcome: 'delivered' | 'failed', detail: string | null): Promise<number> {
  const at = new Date().toISOString();
  return db('outbox_messages')
    .where({ provider_id: providerId })
    .whereIn('status', outcome === 'delivered' ? ['sending', 'sent', 'failed'] : ['sending', 'sent'])
    .update(outcome === 'delivered' ? { status: 'delivered', delivered_at: at, updated_at: at } : { status: 'failed', last_error: detail ?? 'undelivered', updated_at: at });
}

// ---------------------------------------------------------------------------------------------------
// Opting out

export interface OptOut {
  phone: string;
  source: 'stop_reply' | 'link';
  created_at: string;
}

export async function optOutOf(db: Db, phone: string | null): Promise<OptOut | undefined> {
  if (!phone) return undefined;
  return db<OptOut>('sms_opt_outs').where({ phone }).first('phone', 'source', 'created_at');
}

/**
 * The number gets no more SMS: recorded once (the first STOP says when), and what was still queued for it
 * is cancelled, so a reminder queued yesterday does not go out after the STOP.
 */
export async function optOut(db: Db, phone: string, source: OptOut['source'], messageId: number | null): Promise<void> {
  const at = new Date().toISOString();
  await db.transaction(async (trx) => {
    await trx('sms_opt_outs').insert({ phone, source, message_id: messageId, created_at: at }).onConflict('phone').ignore();
    await trx('outbox_messages').where({ channel: 'sms', address: phone, status: 'queued' }).update({ status: 'cancelled', last_error: 'opted out', updated_at: at });
  });
}

export async function messageByStopToken(db: Db, token: string): Promise<OutboxRow | undefined> {
  return db<OutboxRow>('outbox_messages').where({ stop_token: token, channel: 'sms' }).first();
}

export async function messageByProviderId(db: Db, providerId: string): Promise<OutboxRow | undefined> {
  return db<OutboxRow>('outbox_messages').where({ provider_id: providerId }).first();
}

// ---------------------------------------------------------------------------------------------------
// Reading

/**
 * The messages of a structure for its admin: those its staff queued and those to its youths. The text is
 * the one sent (secrets masked once a real transport took it), or, not yet sent, nothing.
 */
export async function structureMessages(db: Db, structureId: number, limit = 200): Promise<OutboxRow[]> {
  return db<OutboxRow>('outbox_messages')
    .where((w) => w
      .whereIn('created_by', db('users').where({ structure_id: structureId }).select('id'))
      // What the app sent the structure's accounts by itself (the morning e-mail): created by nobody.
      .orWhereIn('recipient_user_id', db('users').where({ structure_id: structureId }).select('id'))
      .orWhereIn('recipient_youth_id', db('youths').join('enrolments', 'enrolments.youth_id', 'youths.id').join('groups', 'groups.id', 'enrolments.group_id').where('groups.structure_id', structureId).select('youths.id')))
    .orderBy('id', 'desc')
    .limit(limit)
    .select('*');
}

export async function countByStatus(db: Db): Promise<Record<string, number>> {
  const rows: { status: string; n: unknown }[] = await db('outbox_messages').groupBy('status').select('status').count({ n: '*' });
  return Object.fromEntries(rows.map((r) => [r.status, toNumber(r.n)]));
}

/** What a provider's webhook said, applied: a receipt to its message, a STOP to its number. */
export async function applySmsEvent(db: Db, meaning: import('./brevo-sms.js').SmsEventMeaning): Promise<void> {
  if (meaning.kind === 'delivered') await recordReceipt(db, meaning.providerId, 'delivered', null);
  else if (meaning.kind === 'failed') await recordReceipt(db, meaning.providerId, 'failed', meaning.detail);
  else if (meaning.kind === 'stop') {
    const message = meaning.providerId ? await messageByProviderId(db, meaning.providerId) : undefined;
    await optOut(db, meaning.phone, 'stop_reply', message?.id ?? null);
  }
}
