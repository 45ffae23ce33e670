import session, { type SessionData } from 'express-session';
import type { Db } from '../db/knex.js';

type Callback<T = void> = (err?: unknown, value?: T | null) => void;
type StoredSession = SessionData & { [EXPIRES]?: number };
const EXPIRES = '__expires';

/**
 * Sessions in our own table (created by a migration, so SQLite and PostgreSQL get the same schema).
 * Written by us rather than taken from connect-session-knex for two reasons: a database error must reach
 * the callback (which becomes a 503) and never be thrown past it, and an unchanged session must not be
 * written back on every request. The expiry slides, but is only pushed forward once half the idle time
 * has gone, so a busy user costs one write per few hours instead of one per page.
 */
export class KnexSessionStore extends session.Store {
  private lastSweep = 0;

  constructor(private readonly db: Db, private readonly idleMs: number) {
    super();
  }

  override get(sid: string, cb: Callback<SessionData>): void {
    this.db('sessions')
      .where({ sid })
      .first('sess', 'expires')
      .then((row: { sess: string; expires: number | string } | undefined) => {
        if (!row || Number(row.expires) <= Date.now()) return cb(null, null);
        const data = JSON.parse(row.sess) as StoredSession;
        data[EXPIRES] = Number(row.expires);
        cb(null, data);
      })
      .catch((err: unknown) => cb(err));
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    const { [EXPIRES]: _ignored, ...data } = sess as StoredSession;
    const userId = (data as { passport?: { user?: unknown } }).passport?.user;
    const row = {
      sid,
      sess: JSON.stringify(data),
      expires: Date.now() + this.idleMs,
      user_id: typeof userId === 'number' ? userId : null,
    };
    this.db('sessions')
      .insert(row)
      .onConflict('sid')
      .merge(['sess', 'expires', 'user_id'])
      .then(() => {
        cb?.();
        this.sweepNowAndThen();
      })
      .catch((err: unknown) => cb?.(err));
  }

  override touch(sid: string, sess: SessionData, cb?: Callback): void {
    const stored = (sess as StoredSession)[EXPIRES];
    if (stored !== undefined && stored - Date.now() > this.idleMs / 2) {
      cb?.();
      return;
    }
    this.db('sessions')
      .where({ sid })
      .update({ expires: Date.now() + this.idleMs })
      .then(() => cb?.())
      .catch((err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: Callback): void {
    this.db('sessions')
      .where({ sid })
      .del()
      .then(() => cb?.())
      .catch((err: unknown) => cb?.(err));
  }

  /** Deletes every session of a user, e.g. when an admin deactivates the account. */
  async destroyForUser(userId: number): Promise<void> {
    await this.db('sessions').where({ user_id: userId }).del();
  }

  // Expired rows are removed at most once a minute per instance, piggybacking on a write.
  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.db('sessions').where('expires', '<=', now).del().catch(() => undefined);
  }
}
