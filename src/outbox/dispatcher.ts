import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { OutboxConfig } from '../config.js';
import type { Db } from '../db/knex.js';
import { cancel, claimDue, optOutOf, postpone, recordFailure, recordSent, type Claimed } from './outbox.js';
import { nextSmsWindow } from './sms-rules.js';
import { render } from './templates.js';
import { TransportError, type Outgoing, type Transports } from './transports.js';

type Policy = Pick<OutboxConfig, 'leaseMs' | 'retryBaseMs' | 'maxAttempts' | 'pollMs'>;

/**
 * Sends what the outbox holds, outside any request: claims due rows with a lease, renders each in its
 * recipient's language, hands it to its channel's transport, records the outcome. Several dispatchers
 * (one per instance) share the queue; the lease is what keeps them off each other's rows, so it must
 * outlast a send (transports time out in 15 s; the lease is 60 s by default).
 */
export class Dispatcher {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = true;

  constructor(
    private readonly db: Db,
    private readonly transports: Transports,
    private readonly policy: Policy,
    private readonly log: (msg: string) => void = (m) => console.error(`[outbox] ${m}`),
    private readonly batch = 25,
    // What time it is for the queue: a test sets a daytime clock, SMS keeping quiet at night.
    private readonly clock: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.stopped = false;
    const loop = async () => {
      if (this.stopped) return;
      let sent = 0;
      try {
        sent = await (this.running = this.runOnce(this.clock()));
      } catch (err) {
        // The database away for a moment: the next round tries again.
        this.log(`round failed: ${(err as Error).message}`);
      }
      // A full batch means more is waiting: go on at once rather than after the poll interval.
      if (!this.stopped) this.timer = setTimeout(loop, sent >= this.batch ? 0 : this.policy.pollMs);
    };
    this.timer = setTimeout(loop, 0);
  }

  /** Finishes the round under way (a message half-sent is not abandoned), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running.catch(() => undefined);
  }

  /** One round: the rows due now, sent side by side. Returns how many were claimed. */
  async runOnce(now = new Date()): Promise<number> {
    const rows = await claimDue(this.db, this.id, this.batch, this.policy.leaseMs, now);
    await Promise.all(rows.map((row) => this.deliver(row, now)));
    return rows.length;
  }

  private async deliver(row: Claimed, now: Date): Promise<void> {
    const transport = this.transports[row.channel];
    try {
      if (row.channel === 'sms') {
        // Quiet hours may have begun since the row was queued (a retry, a backlog): it waits for 08:00.
        const window = nextSmsWindow(now);
        if (window.getTime() > now.getTime()) return await postpone(this.db, row, window);
        if (await optOutOf(this.db, row.address)) return await cancel(this.db, row, 'opted out');
      }
      const data = JSON.parse(row.data) as Record<string, string>;
      const rendered = render(row.message_key, row.channel, row.locale, data);
      const outgoing: Outgoing = { outboxId: row.id, address: row.address, subject: rendered.subject, text: rendered.text, sender: data.sender ?? null };
      const shown = rendered.subject ? `${rendered.subject}\n\n${rendered.text}` : rendered.text;
      // The last dispatcher died while sending this one: if the provider took it, it is not sent again.
      const already = row.interrupted && transport.findAccepted ? await transport.findAccepted(outgoing) : null;
      const providerId = already ?? (await transport.send(outgoing));
      await recordSent(this.db, row, providerId, shown, transport.keepsSecrets);
    } catch (err) {
      const permanent = err instanceof TransportError && err.permanent;
      const status = await recordFailure(this.db, row, (err as Error).message, permanent, this.policy, now);
      if (status === 'failed') this.log(`message ${row.id} (${row.channel}) failed: ${(err as Error).message}`);
    }
  }
}
