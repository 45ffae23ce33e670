import type { Transporter } from 'nodemailer';
import type { OutboxConfig } from '../config.js';
import { BrevoSms } from './brevo-sms.js';
import type { Channel } from './templates.js';

/** One message as a transport sees it: where, what, and the outbox id to recognise it by at the provider. */
export interface Outgoing {
  outboxId: number;
  address: string;
  subject: string | null;
  text: string;
  /** The SMS sender name to show, when the structure chose its own. */
  sender?: string | null;
}

/**
 * A way out for one channel. `send` resolves with the provider's id once the provider accepted the
 * message. `findAccepted`, where the provider can answer it, says whether an attempt cut off by a crash
 * was accepted after all (then it is not sent again).
 */
export interface Transport {
  readonly name: string;
  /** True for "log": nothing leaves, the admin page is where the message is read. */
  readonly keepsSecrets: boolean;
  send(message: Outgoing): Promise<string>;
  findAccepted?(message: Outgoing): Promise<string | null>;
  close?(): Promise<void>;
}

/** A send that failed; `permanent` when the provider says trying again will not help (an invalid number). */
export class TransportError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

/** Keeps the message in the outbox only: `npm start` needs no provider. */
export class LogTransport implements Transport {
  readonly keepsSecrets = true;
  constructor(readonly name: string) {}
  async send(message: Outgoing): Promise<string> {
    return `log-${message.outboxId}`;
  }
}

/**
 * E-mail over SMTP. SMTP has no idempotency key: the Message-ID is the outbox id, the same at every
 * attempt, so a receiving system that deduplicates (most do on Message-ID) shows a retried message once.
 */
export class SmtpTransport implements Transport {
  readonly name = 'smtp';
  readonly keepsSecrets = false;
  // Made at the first message: nodemailer is 2 MiB of every server's memory, and most installations
  // send their e-mails through an HTTP provider or not at all.
  private mailer?: Promise<Transporter>;
  private readonly url: string;
  constructor(url: string, private readonly from: string, private readonly domain = 'tremplin.outbox') {
    // Pooled: one SMTP connection carries many messages instead of a handshake each.
    const options = new URL(url);
    if (!options.searchParams.has('pool')) options.searchParams.set('pool', 'true');
    this.url = options.toString();
  }

  private transporter(): Promise<Transporter> {
    this.mailer ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(this.url));
    return this.mailer;
  }

  async send(message: Outgoing): Promise<string> {
    try {
      const info = await (await this.transporter()).sendMail({
        from: this.from, to: message.address, subject: message.subject ?? '', text: message.text,
        messageId: `<outbox-${message.outboxId}@${this.domain}>`,
      });
      return info.messageId;
    } catch (err) {
      const code = (err as { responseCode?: number }).responseCode;
      // 5xx: the server refuses this message for good (no such mailbox); 4xx and network errors may pass later.
      throw new TransportError((err as Error).message, code !== undefined && code >= 500 && code < 600);
    }
  }

  async close(): Promise<void> {
    if (this.mailer) (await this.mailer).close();
  }
}

export type Transports = Record<Channel, Transport>;

export function transportsFrom(config: OutboxConfig): Transports {
  return {
    sms: config.sms.provider === 'brevo' ? new BrevoSms(config.sms.apiUrl, config.sms.apiKey, config.smsSender) : new LogTransport('log'),
    email: config.email.transport === 'smtp' ? new SmtpTransport(config.email.url, config.mailFrom) : new LogTransport('log'),
  };
}
