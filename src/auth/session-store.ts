import type { Request } from 'express';
import session, { type SessionData } from 'express-session';
import type { Db } from '../db/knex.js';
import type { UserRow } from '../users/user.js';
import { DATA_VERSION_SQL, rememberDataVersion } from '../db/data-version.js';

type Callback<T = void> = (err?: unknown, value?: T | null) => void;
type StoredSession = SessionData & { [EXPIRES]?: number; [OWNER]?: Owner; [DATA_VERSION]?: unknown };
const EXPIRES = '__expires';

// Performance: the account a session belongs to is read with the session, in the same query, instead of
// by a second query when Passport deserializes the user right after (see prefetchedOwner). It travels from
// get() to createSession() under a symbol, which neither express-session (copy, hash) nor JSON sees, and
// from there to Passport in a WeakMap keyed by the request.
const OWNER = Symbol('session owner');
// The data version, read in the same query for the request's caches (src/db/data-version.ts), the same way.
const DATA_VERSION = Symbol('data version');
const owners = new WeakMap<Request, Owner>();
/** The owner row as read with the session; `row` is undefined when the account no longer exists. */
interface Owner {
  userId: number;
  row: UserRow | undefined;
}

/**
 * The account row read with this request's session, when it is the row of account `id`; otherwise
 * undefined, and the caller reads the account itself.
 */
export function prefetchedOwner(req: Request, id: number): Owner | undefined {
  const owner = owners.get(req);
  return owner && owner.userId === id ? owner : undefined;
}

/**
 * Signs an account out everywhere: every session row of the account goes. Also takes a transaction, so a
 * password change and the end of the sessions opened with the old one are one change.
 */
export async function endSessionsOf(db: Db, userId: number): Promise<void> {
  await db('sessions').where({ user_id: userId }).del();
}

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
      .leftJoin('users', 'users.id', 'sessions.user_id')
      .where('sessions.sid', sid)
      // Aliased so that no column of users can shadow them.
      .first(
        'sessions.sess as session_sess', 'sessions.expires as session_expires', 'sessions.user_id as session_user_id',
        this.db.raw(`${DATA_VERSION_SQL} as session_data_version`), 'users.*',
      )
      .then((row: ({ session_sess: string; session_expires: number | string; session_user_id: number | null; session_data_version: unknown } & UserRow) | undefined) => {
        if (!row || Number(row.session_expires) <= Date.now()) return cb(null, null);
        const { session_sess: sess, session_expires: expires, session_user_id: userId, session_data_version: version, ...user } = row;
        const data = JSON.parse(sess) as StoredSession;
        data[EXPIRES] = Number(expires);
        Object.defineProperty(data, DATA_VERSION, { value: version, enumerable: false, configurable: true });
        if (userId !== null && userId !== undefined) {
          const owner: Owner = { userId: Number(userId), row: user.id === null || user.id === undefined ? undefined : user };
          Object.defineProperty(data, OWNER, { value: owner, enumerable: false, configurable: true });
        }
        cb(null, data);
      })
      .catch((err: unknown) => cb(err));
  }

  override createSession(req: Request, sess: SessionData): session.Session & SessionData {
    const version = (sess as StoredSession)[DATA_VERSION];
    if (version !== undefined) rememberDataVersion(req, version);
    const owner = (sess as StoredSession)[OWNER];
    if (owner) owners.set(req, owner);
    else owners.delete(req);
    return super.createSession(req, sess);
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
  destroyForUser(userId: number): Promise<void> {
    return endSessionsOf(this.db, userId);
  }

  // Expired rows are removed at most once a minute per instance, piggybacking on a write.
  private sweepNowAndThen(): void {
    const now = Date.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    this.db('sessions').where('expires', '<=', now).del().catch(() => undefined);
  }
}
