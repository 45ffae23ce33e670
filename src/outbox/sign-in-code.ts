import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { Refusal } from '../http/refusal.js';
import { openYouthAccount, type YouthFile } from '../participants/participant.js';
import { settingsOf } from '../structures/settings.js';
import { enqueue, newStopToken, optOutOf, type OptOut } from './outbox.js';
import { isMobile, toE164 } from './sms-rules.js';

/** What the youth's page says about texting them: the number SMS would go to, and whether it said STOP. */
export interface YouthSms {
  phone: string | null;
  optOut: OptOut | null;
}

export async function youthSms(db: Db, file: Pick<YouthFile, 'phone'>): Promise<YouthSms> {
  const e164 = toE164(file.phone);
  const phone = e164 && isMobile(e164) ? e164 : null;
  return { phone, optOut: (await optOutOf(db, phone)) ?? null };
}

/**
 * The one-time code by SMS instead of the printed sheet: opens the account if needed, issues a new code
 * (the older one stops working, as with a new sheet) and queues the text to the youth's mobile, in the
 * language of their account. The sheet stays for youths without a phone.
 */
export async function textSignInCode(db: Db, worker: Express.User, file: YouthFile, publicUrl: string, now = new Date()): Promise<{ phone: string; notBefore: string }> {
  const { phone, optOut } = await youthSms(db, file);
  if (!phone) throw new Refusal('_form', 'outbox.errors.noPhone');
  if (optOut) throw new Refusal('_form', 'outbox.errors.optedOut');
  const opened = await openYouthAccount(db, worker, file);
  const account = await db('users').where({ id: opened.userId }).first('locale');
  const group = await db('groups').where({ id: file.group_id }).first('structure_id');
  // The structure's own sender name when it chose one (its settings page), so the youth knows who writes.
  const sender = group?.structure_id ? (await settingsOf(db, group.structure_id)).smsSender : null;
  const stop = newStopToken();
  const data = {
    name: file.first_name,
    code: opened.issued.code,
    link: `${publicUrl}/redeem?code=${encodeURIComponent(opened.issued.code)}`,
    until: dayjs(opened.issued.expiresAt).format('DD/MM/YYYY'),
    stop: `${publicUrl}/sms/stop/${stop}`,
    ...(sender ? { sender } : {}),
  };
  const queued = await enqueue(db, {
    channel: 'sms', address: phone, locale: account?.locale ?? 'fr', key: 'signInCode', data,
    recipientUserId: opened.userId, recipientYouthId: file.youth_id, createdBy: worker.id,
  }, now, stop);
  return { phone, notBefore: queued.notBefore };
}
