import { randomUUID } from 'node:crypto';
import type { Lock, Locker, RequestRelease } from '@tus/server';
import { toNumber, type Db } from '../db/knex.js';

/**
 * The lock a tus request takes on an upload before it writes to it, held in the database so that it holds
 * across instances sharing the uploads folder (the library's MemoryLocker holds within one process only:
 * two instances could append to the same file at once and garble it).
 *
 * One `upload_locks` row per upload being written, with its holder and the end of its lease. It is taken by
 * an insert that does nothing when the row exists, or by an update that succeeds only on a lease already
 * over (the holder died: kill -9, a lost machine); then a read says whose it is. Each statement is atomic on
 * SQLite and PostgreSQL alike, so two takers never both win. The holder renews its lease every third of it.
 *
 * A waiter asks the holder to let go (`release_asked`), as the MemoryLocker calls the holder's
 * `requestRelease` in process: a phone whose connection dropped reconnects, often to another instance,
 * while its old PATCH still hangs on the first one until the socket times out. The holder sees the flag at
 * its next renewal and ends its request (the library then stops writing and unlocks). A waiter that does
 * not get the lock within `acquireMs` is answered 423 Locked, which tus clients retry.
 */
export interface UploadLockOptions {
  leaseMs?: number;
  pollMs?: number;
  acquireMs?: number;
}

export class DatabaseLocker implements Locker {
  readonly leaseMs: number;
  readonly pollMs: number;
  readonly acquireMs: number;

  constructor(readonly db: Db, opts: UploadLockOptions = {}) {
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.pollMs = opts.pollMs ?? 250;
    this.acquireMs = opts.acquireMs ?? 30_000;
  }

  newLock(id: string): Lock {
    return new DatabaseLock(this, id);
  }

  /**
   * The lock of an upload that nobody should be writing (a finish a killed process left half-done), for the
   * sweep: waited for no longer than a dead holder's lease takes to run out, and without asking a live holder
   * to let go (that one is finishing it: it is left alone). Undefined when it stays held.
   */
  async quietLock(id: string): Promise<Lock | undefined> {
    const lock = new DatabaseLock(this, id, false);
    try {
      await lock.lock(new AbortController().signal, () => undefined, this.leaseMs + this.pollMs);
      return lock;
    } catch (err) {
      if (err === LOCKED) return undefined;
      throw err;
    }
  }
}

/** What a request waiting too long for an upload's lock is answered: 423, which tus-js-client retries. */
export const LOCKED = { status_code: 423, body: 'This upload is being written by another request\n' };

class DatabaseLock implements Lock {
  private readonly holder = randomUUID();
  private renewal: NodeJS.Timeout | undefined;

  constructor(private readonly locker: DatabaseLocker, private readonly id: string, private readonly asksRelease = true) {}

  async lock(signal: AbortSignal, requestRelease: RequestRelease, withinMs = this.locker.acquireMs): Promise<void> {
    const { db, pollMs } = this.locker;
    const giveUpAt = Date.now() + withinMs;
    let asked = !this.asksRelease;
    for (;;) {
      if (await this.take()) break;
      if (signal.aborted || Date.now() >= giveUpAt) throw LOCKED;
      if (!asked) {
        await db('upload_locks').where({ upload_id: this.id }).update({ release_asked: true });
        asked = true;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    this.keepRenewing(requestRelease);
  }

  async unlock(): Promise<void> {
    clearInterval(this.renewal);
    this.renewal = undefined;
    await this.locker.db('upload_locks').where({ upload_id: this.id, holder: this.holder }).del();
  }

  /** One try: a free upload, or one whose holder's lease is over. True when the lock is now ours. */
  private async take(): Promise<boolean> {
    const { db, leaseMs } = this.locker;
    const now = Date.now();
    const mine = { holder: this.holder, lease_until: now + leaseMs, release_asked: false };
    await db('upload_locks').insert({ upload_id: this.id, ...mine }).onConflict('upload_id').ignore();
    await db('upload_locks').where({ upload_id: this.id }).andWhere('lease_until', '<', now).update(mine);
    const row = await db('upload_locks').where({ upload_id: this.id }).first('holder');
    return row?.holder === this.holder;
  }

  private keepRenewing(requestRelease: RequestRelease): void {
    const { db, leaseMs } = this.locker;
    let released = false;
    const letGo = () => {
      if (released) return;
      released = true;
      void Promise.resolve(requestRelease()).catch(() => undefined);
    };
    this.renewal = setInterval(() => {
      void (async () => {
        const renewed = await db('upload_locks').where({ upload_id: this.id, holder: this.holder }).update({ lease_until: Date.now() + leaseMs });
        const row = await db('upload_locks').where({ upload_id: this.id, holder: this.holder }).first('release_asked');
        // Lost (our lease ran out while the database was slow and someone took it) or asked for: stop writing.
        if (!toNumber(renewed) || (row && Boolean(row.release_asked))) letGo();
      })().catch(() => undefined);
    }, Math.max(50, Math.floor(leaseMs / 3)));
    this.renewal.unref();
  }
}
