import { smsLength } from './sms-rules.js';
import { TransportError, type Outgoing, type Transport } from './transports.js';

/**
 * SMS through Brevo's transactional SMS API (https://developers.brevo.com, "Send transactional SMS").
 * Brevo (formerly Sendinblue, a French company hosting in the EU) sells transactional SMS to French
 * public bodies and associations, routes French numbers directly, and documents a plain HTTPS API with
 * one key: no request signing to get wrong.
 *
 * Request: POST {api}/transactionalSMS/send, header `api-key`, JSON {sender, recipient, content, type,
 * tag, unicodeEnabled}; recipient is the number with its country code and no "+". Answer: 201
 * {"messageId": 1511882900176220}; errors {"code": "...", "message": "..."} with 400 (a parameter is
 * wrong: trying again will not help), 401 (key), 402 (no credits left), 429 and 5xx.
 *
 * Brevo takes no idempotency key on this call. The tag carries the outbox id instead, so that after a
 * crash mid-send the adapter asks the SMS events report (GET {api}/transactionalSMS/statistics/events
 * ?tags=…) whether Brevo took the message, and does not send it twice.
 */
export class BrevoSms implements Transport {
  readonly name = 'brevo';
  readonly keepsSecrets = false;
  constructor(private readonly api: string, private readonly apiKey: string, private readonly sender: string, private readonly timeoutMs = 15_000) {}

  static tagOf(outboxId: number): string {
    return `outbox-${outboxId}`;
  }

  async send(message: Outgoing): Promise<string> {
    const body = {
      sender: message.sender ?? this.sender,
      recipient: message.address.replace(/^\+/, ''),
      content: message.text,
      type: 'transactional',
      tag: BrevoSms.tagOf(message.outboxId),
      unicodeEnabled: smsLength(message.text).encoding === 'UCS-2',
    };
    const res = await this.call('POST', '/transactionalSMS/send', body);
    const answer = (await res.json().catch(() => ({}))) as { messageId?: unknown; code?: unknown; message?: unknown };
    if (res.status === 201 || res.status === 200) {
      if (answer.messageId === undefined || answer.messageId === null) throw new TransportError('Brevo accepted the SMS without a messageId', false);
      return String(answer.messageId);
    }
    const what = `Brevo ${res.status} ${String(answer.code ?? '')}: ${String(answer.message ?? '')}`.trim();
    throw new TransportError(what, res.status === 400);
  }

  async findAccepted(message: Outgoing): Promise<string | null> {
    const query = new URLSearchParams({ tags: BrevoSms.tagOf(message.outboxId), phoneNumber: message.address.replace(/^\+/, ''), limit: '10' });
    const res = await this.call('GET', `/transactionalSMS/statistics/events?${query}`);
    if (res.status !== 200) throw new TransportError(`Brevo ${res.status} when asking whether an interrupted SMS was sent`, false);
    const answer = (await res.json()) as { events?: { messageId?: unknown; event?: string; tag?: string }[] };
    const seen = (answer.events ?? []).find((e) => e.tag === BrevoSms.tagOf(message.outboxId) && e.messageId !== undefined);
    return seen ? String(seen.messageId) : null;
  }

  private async call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<Response> {
    try {
      return await fetch(`${this.api}${path}`, {
        method,
        headers: { 'api-key': this.apiKey, accept: 'application/json', ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new TransportError(`Brevo unreachable: ${(err as Error).message}`, false);
    }
  }
}

/**
 * What Brevo posts to the transactional SMS webhook ("Transactional webhooks", SMS events): the same
 * fields for every event — {id (the webhook's), to, sms_count, credits_used, messageId, remaining_credit,
 * msg_status, date, type, reference, tag} — with msg_status "sent", "delivered", "soft_bounce",
 * "hard_bounce", and "replied" with the answer's text in `reply` (the field the SMS events report names
 * so; the webhook page's table for "Replied" was not in the copy of the docs read). Brevo signs nothing: the webhook is
 * created with a bearer token (or user:password in its URL), which the route checks.
 */
export interface BrevoSmsEvent {
  messageId?: number | string;
  to?: string;
  msg_status?: string;
  event?: string;
  reply?: string;
  tag?: string;
}

export type SmsEventMeaning =
  | { kind: 'delivered'; providerId: string }
  | { kind: 'failed'; providerId: string; detail: string }
  | { kind: 'stop'; phone: string; providerId: string | null }
  | { kind: 'ignored' };

export function readBrevoEvent(event: BrevoSmsEvent, isStop: (text: string) => boolean): SmsEventMeaning {
  const status = String(event.msg_status ?? event.event ?? '').toLowerCase();
  const providerId = event.messageId === undefined ? null : String(event.messageId);
  const phone = event.to ? `+${String(event.to).replace(/^\+/, '')}` : null;
  if ((status === 'unsubscribe' || status === 'unsubscribed' || (status === 'replied' && isStop(event.reply ?? ''))) && phone) {
    return { kind: 'stop', phone, providerId };
  }
  if (!providerId) return { kind: 'ignored' };
  if (status === 'delivered') return { kind: 'delivered', providerId };
  if (status === 'hard_bounce' || status === 'hardbounce' || status === 'rejected' || status === 'blacklisted') return { kind: 'failed', providerId, detail: `Brevo: ${status}` };
  return { kind: 'ignored' };
}
