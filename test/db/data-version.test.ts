import { expect } from 'chai';
import { readDataVersion, rememberDataVersion, trackedTables, UNTRACKED_TABLES, VersionedCache } from '../../src/db/data-version.js';
import { listTables, resetToDemo, testDb } from '../support/database.js';
import { buildApp, signIn } from '../support/http.js';
import { DEMO_LOGINS } from '../support/accounts.js';

describe('the data version', () => {
  it('is bumped by a trigger on every table of the data, on each of insert, update and delete', async () => {
    const data = (await listTables(testDb())).filter((t) => !t.startsWith('knex_') && t !== 'data_version' && !(UNTRACKED_TABLES as readonly string[]).includes(t));
    // A table a migration created without trackDataVersion, or one a SQLite migration rebuilt, is missing here.
    expect(await trackedTables(testDb())).to.deep.equal(data.sort());
  });

  it('grows with a write, inside the transaction that wrote, and not when it is rolled back', async () => {
    const ids = await resetToDemo();
    const db = testDb();
    const before = await readDataVersion(db);
    await db.transaction(async (trx) => {
      await trx('groups').where({ id: ids.groups.sadiola }).update({ theme: 'Un autre thème' });
      expect(await readDataVersion(trx)).to.be.above(before);
      await trx.rollback();
    }).catch(() => undefined);
    expect(await readDataVersion(db)).to.equal(before);
    await db('groups').where({ id: ids.groups.sadiola }).update({ theme: 'Un autre thème' });
    const updated = await readDataVersion(db);
    expect(updated).to.be.above(before);
    await db('group_funders').insert({ group_id: ids.groups.sadiola, name: 'Ville de Douai' });
    const inserted = await readDataVersion(db);
    expect(inserted).to.be.above(updated);
    await db('group_funders').where({ group_id: ids.groups.sadiola, name: 'Ville de Douai' }).del();
    expect(await readDataVersion(db)).to.be.above(inserted);
  });

  it('does not move when people sign in and open pages', async () => {
    const ids = await resetToDemo();
    const loaded = await readDataVersion(testDb());
    const karim = await signIn(buildApp(), DEMO_LOGINS.karim);
    for (const path of ['/groups', `/groups/${ids.groups.sadiola}`, '/reports']) expect((await karim.get(path)).status).to.equal(200);
    // Or every sign-in would throw the directors' cached figures away.
    expect(await readDataVersion(testDb())).to.equal(loaded);
  });

  it('is taken from the session query on a GET, and read again by a request that may write', async () => {
    const ids = await resetToDemo();
    const db = testDb();
    const cache = new VersionedCache();
    const version = await readDataVersion(db);
    const [get, post] = [{ method: 'GET' }, { method: 'POST' }];
    rememberDataVersion(get, version);
    rememberDataVersion(post, version);
    let made = 0;
    const make = async () => ++made;
    expect(await (await cache.at(db, get)).get('figure', make)).to.equal(1);
    // A write: the POST that made it shows what it wrote, not what was kept before it, though its session
    // was read at the older version.
    await db('groups').where({ id: ids.groups.sadiola }).update({ theme: 'Un autre thème' });
    expect(await (await cache.at(db, post)).get('figure', make)).to.equal(2);
    // A GET whose session was read before that write gets no entry kept at the newer version from it...
    const older = await cache.at(db, get);
    expect(await older.get('figure', make)).to.equal(3);
    // ...and one read after it, what was kept at its version.
    const after = { method: 'GET' };
    rememberDataVersion(after, await readDataVersion(db));
    expect(await (await cache.at(db, after)).get('figure', make)).to.equal(2);
  });
});

describe('VersionedCache', () => {
  it('keeps no more bytes than it is given: the oldest page parts go first, the newest stay', async () => {
    const db = testDb();
    const cache = new VersionedCache(500, 100_000);
    const at = await cache.at(db);
    let made = 0;
    const part = (letter: string) => async () => (made++, letter.repeat(30_000));
    for (const key of ['a', 'b', 'c', 'd', 'e']) await at.get(key, part(key));
    expect(made).to.equal(5);
    expect(cache.size).to.deep.equal({ entries: 3, bytes: 90_000 });
    // The three newest are served as kept; the two oldest are worked out again.
    for (const key of ['c', 'd', 'e']) expect(await at.get(key, part('x'))).to.equal(key.repeat(30_000));
    expect(made).to.equal(5);
    expect(await at.get('a', part('a'))).to.equal('a'.repeat(30_000));
    expect(made).to.equal(6);
  });

  it('counts a figure by the length of its JSON, and forgets what a newer version emptied', async () => {
    const ids = await resetToDemo();
    const db = testDb();
    const cache = new VersionedCache();
    const figures = { enrolled: 10, departed: 4, reasons: ['job', 'training'] };
    await (await cache.at(db)).get('figures', async () => figures);
    expect(cache.size).to.deep.equal({ entries: 1, bytes: JSON.stringify(figures).length });
    await db('groups').where({ id: ids.groups.sadiola }).update({ theme: 'Un autre thème' });
    await cache.at(db);
    expect(cache.size).to.deep.equal({ entries: 0, bytes: 0 });
  });

  it('runs a knex query it is handed once, however many requests await it between two writes', async () => {
    const ids = await resetToDemo();
    const db = testDb();
    const cache = new VersionedCache();
    let queries = 0;
    const counted = () => queries++;
    db.on('query', counted);
    try {
      // A builder, not a promise: each await of a builder runs its query again.
      const load = () => db('groups').where({ id: ids.groups.sadiola }).first() as unknown as Promise<{ name: string }>;
      const at = await cache.at(db);
      const seen = await Promise.all([at.get('group', load), at.get('group', load)]);
      expect(seen.map((g) => g.name)).to.deep.equal(['Rencontre des jeunes de Sadiola', 'Rencontre des jeunes de Sadiola']);
      expect((await (await cache.at(db)).get('group', load)).name).to.equal('Rencontre des jeunes de Sadiola');
    } finally {
      db.off('query', counted);
    }
    // One query for the group; each at() reads the data version (no session here to have read it).
    expect(queries).to.equal(1 + 2);
  });
});
