import { createHash } from 'node:crypto';
import { isPostgres, type Db } from '../db/knex.js';

/**
 * When tries have to wait, for one kind of counter (failed sign-ins per address, per address and account,
 * code tries per address). The rule is written as SQL so that counting a try and deciding whether it may
 * go ahead are one statement, on every instance at once.
 */
export interface AttemptRule {
  /** Part of the key: the same address counts separately under each rule. */
  name: string;
  /** Failures allowed before tries wait. */
  max: number;
  /** Values of a first failure. */
  first(now: number): { nextTryAt: number; expiresAt: number };
  /** SQL for the row after one more failure, given the SQL of the new failure count. */
  next(now: number, failures: string): { nextTryAt: string; expiresAt: string };
  /** What a try that was no failure (right password, good code, not tried at all) gives back. */
  release: 'one' | 'all';
}

const T = 'failed_attempts';

/** At most `max` failures per window; then tries wait for the window's end. */
export function windowRule(name: string, max: number, windowMs: number): AttemptRule {
  return {
    name, max, release: 'one',
    first: (now) => ({ nextTryAt: 1 >= max ? now + windowMs : 0, expiresAt: now + windowMs }),
    next: (now, failures) => {
      const expiresAt = `case when ${T}.expires_at <= ${now} then ${now + windowMs} else ${T}.expires_at end`;
      return { expiresAt, nextTryAt: `case when ${failures} >= ${max} then ${expiresAt} else 0 end` };
    },
  };
}

/**
 * After `max` failures each further try waits, twice as long as the one before, from `waitsMs[0]` up to
 * the last wait: a slower and slower guesser, but never a wall in front of the owner. The count is
 * forgotten after `memoryMs` without a failure, or at the first try that is no failure.
 */
export function backoffRule(name: string, max: number, { firstWaitMs, longestWaitMs, memoryMs }: { firstWaitMs: number; longestWaitMs: number; memoryMs: number }): AttemptRule {
  const waits: number[] = [];
  for (let w = firstWaitMs; w < longestWaitMs; w *= 2) waits.push(w);
  // A SQL CASE rather than a power: SQLite has no pow() unless built with its math functions.
  const waitFor = (extra: string) => `case ${extra} ${waits.map((w, i) => `when ${i} then ${w}`).join(' ')} else ${longestWaitMs} end`;
  return {
    name, max, release: 'all',
    first: (now) => ({ nextTryAt: 1 >= max ? now + (waits[0] ?? longestWaitMs) : 0, expiresAt: now + memoryMs }),
    next: (now, failures) => ({
      expiresAt: String(now + memoryMs),
      nextTryAt: `case when ${failures} < ${max} then 0 else ${now} + ${waitFor(`${failures} - ${max}`)} end`,
    }),
  };
}

export type Claim = { ok: true; release: () => Promise<void> } | { ok: false; retryAfterMs: number };

/**
 * The failures counted in the database. A try is counted as a failure before it is made, and given back
 * when it turns out not to be one: so a burst of tries sent at the same moment, to one instance or
 * several, gets no more of them through than tries sent one after the other.
 */
export class FailedAttempts {
  private lastSweep = 0;

  constructor(private readonly db: Db) {}

  async claim(rule: AttemptRule, subject: string): Promise<Claim> {
    const key = `${rule.name}:${createHash('sha256').update(subject).digest('hex')}`;
    const now = Date.now();
    const first = rule.first(now);
    // A row past its expiry counts from one again.
    const failures = `case when ${T}.expires_at <= ${now} then 1 else ${T}.failures + 1 end`;
    const next = rule.next(now, failures);
    // Every number in this statement is made here (the clock, the rule), only the key comes from outside.
    const result = await this.db.raw(
      `insert into ${T} (attempt_key, failures, next_try_at, expires_at) values (?, 1, ${first.nextTryAt}, ${first.expiresAt})
       on conflict (attempt_key) do update set failures = ${failures}, next_try_at = ${next.nextTryAt}, expires_at = ${next.expiresAt}
       where ${T}.expires_at <= ${now} or ${T}.next_try_at <= ${now}
       returning failures`,
      [key],
    );
    this.sweepNowAndThen(now);
    const rows: unknown[] = isPostgres(this.db) ? result.rows : result;
    if (rows.length) return { ok: true, release: () => this.release(rule, key) };
    const row = await this.db(T).where({ attempt_key: key }).first('next_try_at');
    return { ok: false, retryAfterMs: Math.max(1000, Number(row?.next_try_at ?? 0) - now) };
  }

  private async release(rule: AttemptRule, key: string): Promise<void> {
    if (rule.release === 'all') {
      await this.db(T).where({ attempt_key: key }).del();
      return;
    }
    await this.db(T)
      .where({ attempt_key: key })
      .where('failures', '>', 0)
      .update({
        failures: this.db.raw('failures - 1'),
        next_try_at: this.db.raw(`case when failures - 1 >= ${rule.max} then next_try_at else 0 end`),
      });
  }

  // Rows past their expiry are removed at most once a minute per instance, piggybacking on a try.
  private sweepNowAndThen(now: number): void {
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.db(T).where('expires_at', '<=', now).del().catch(() => undefined);
  }
}
