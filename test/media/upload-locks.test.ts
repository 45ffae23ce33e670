import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { DatabaseLocker, LOCKED } from '../../src/http/upload-locks.js';

/**
 * The lock of a resumable upload, as two instances sharing the database take it: each instance has its own
 * locker (its own process, in production), and only the database is shared.
 */
describe('upload locks in the database (two instances)', function () {
  this.timeout(30_000);
  const never = new AbortController().signal;
  beforeEach(async () => void (await testDb()('upload_locks').del()));

  it('lets one instance write at a time: the other asks it to let go, waits, then takes the lock', async () => {
    const one = new DatabaseLocker(testDb(), { leaseMs: 600, pollMs: 20 });
    const two = new DatabaseLocker(testDb(), { leaseMs: 600, pollMs: 20 });
    const events: string[] = [];
    const first = one.newLock('upload-1');
    await first.lock(never, async () => {
      events.push('one asked to let go');
      await first.unlock();
      events.push('one unlocked');
    });
    events.push('one holds');
    const second = two.newLock('upload-1');
    await second.lock(never, () => undefined);
    events.push('two holds');
    expect(events).to.deep.equal(['one holds', 'one asked to let go', 'one unlocked', 'two holds']);
    await second.unlock();
    expect(await testDb()('upload_locks').count('* as n').first().then((r) => Number(r!.n))).to.equal(0);
  });

  it('answers 423 (which tus clients retry) to a waiter when the holder does not let go in time', async () => {
    const one = new DatabaseLocker(testDb(), { leaseMs: 5_000, pollMs: 20 });
    const two = new DatabaseLocker(testDb(), { leaseMs: 5_000, pollMs: 20, acquireMs: 300 });
    const held = one.newLock('upload-2');
    await held.lock(never, () => undefined);
    let refused: unknown;
    await two.newLock('upload-2').lock(never, () => undefined).catch((err: unknown) => (refused = err));
    expect(refused).to.equal(LOCKED);
    await held.unlock();
  });

  it('takes over the lock of an instance that died (its lease ran out without renewal)', async () => {
    // A holder killed with -9 leaves its row; nobody renews it.
    await testDb()('upload_locks').insert({ upload_id: 'upload-3', holder: 'dead-instance', lease_until: Date.now() - 1, release_asked: false });
    const two = new DatabaseLocker(testDb(), { leaseMs: 5_000, pollMs: 20, acquireMs: 1_000 });
    const lock = two.newLock('upload-3');
    await lock.lock(never, () => undefined);
    const row = await testDb()('upload_locks').where({ upload_id: 'upload-3' }).first();
    expect(row.holder).not.to.equal('dead-instance');
    await lock.unlock();
  });
});
