import { expect } from 'chai';
import type { Db } from '../../src/db/knex.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { appOnDemo, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { enrolled, newGroup, youth } from '../participants/fixtures.js';

/**
 * The pages people open most make a fixed number of queries, however many youths and groups there are: a
 * query per youth (or per group) is what makes a page slow on a real structure while it looks fine on the
 * demo. Each page is counted after the data grew by N youths and N groups, then again after it grew by as
 * many more; the two counts must be equal, and under a bound that keeps the page near its count today.
 */

const GROWTH = 4;

/** Youths added to Sadiola (with their lines in its registers, a paper and a photo), and groups led by Karim, each with a youth. */
async function grow(db: Db, ids: DemoIds, n: number, round: number): Promise<void> {
  const sadiola = ids.groups.sadiola;
  const registers = await db('meetings').where({ group_id: sadiola }).whereNotNull('register_taken_at').pluck('id');
  const now = new Date().toISOString();
  for (let i = 0; i < n; i++) {
    const file = await enrolled(db, { id: sadiola }, youth(`Ajout${round}x${i}`, 'Nombreux'), '2020-01-01');
    for (const meetingId of registers) await db('attendance').insert({ meeting_id: meetingId, enrolment_id: file.enrolment_id, status: 'present', recorded_at: now });
    await db('youth_documents').insert({ enrolment_id: file.enrolment_id, kind: 'insurance', status: 'received', uploaded_at: now, updated_at: now });
    await db('media').insert({
      group_id: sadiola, kind: 'report', moment: 'before', body: 'Notre projet', youth_id: file.youth_id, use_level: 'group', created_at: now, updated_at: now,
    });
    const group = await newGroup(db, ids.users.karim, { name: `Groupe nombreux ${round}-${i}` });
    await enrolled(db, group, youth(`Autre${round}x${i}`, 'Nombreux'));
  }
}

/** The queries one page load makes, counted with knex's own `query` event (the session's included). */
async function queriesOf(db: Db, agent: Agent, path: string, shows: string | null): Promise<number> {
  let count = 0;
  const counted = () => count++;
  db.on('query', counted);
  try {
    const res = await agent.get(path);
    expect(res.status, `GET ${path}`).to.equal(200);
    // The rows added reach the page: a count that stays the same because the page ignores them proves nothing.
    if (shows) expect(res.text, `GET ${path}`).to.include(shows);
  } finally {
    db.off('query', counted);
  }
  return count;
}

describe('queries per page, as the data grows', () => {
  // The bound of each page: its count today, with a little room.
  // `shows`: what the page must show of the last rows added (the dashboard shows figures, not names).
  // `again`: the bound when it is loaded again with no write in between, what it keeps until the data
  // version changes (src/db/data-version.ts) then read from memory.
  const pages: { name: string; bound: number; again: number; path: (ids: DemoIds, registerId: number) => string; who: 'karim' | 'ines' | 'director'; shows: (round: number) => string | null }[] = [
    { name: 'the group list', bound: 3, again: 2, path: () => '/groups', who: 'karim', shows: (r) => `Groupe nombreux ${r}-${GROWTH - 1}` },
    // 14: the budget's planned, granted and spent (src/budget), one query of three sums, cached with the rest.
    { name: 'the group page', bound: 14, again: 2, path: (ids) => `/groups/${ids.groups.sadiola}`, who: 'karim', shows: (r) => `Ajout${r}x${GROWTH - 1}` },
    { name: 'the register form', bound: 4, again: 2, path: (ids, registerId) => `/groups/${ids.groups.sadiola}/meetings/${registerId}`, who: 'karim', shows: (r) => `Ajout${r}x${GROWTH - 1}` },
    // +1 each for what funders count (the youth's own answers; the dashboard's breakdowns), read inside the
    // cached loaders: the page loaded again makes no more queries than before.
    { name: "the youth's journey", bound: 18, again: 3, path: () => '/me', who: 'ines', shows: () => null },
    // 29: the serious incidents of the stays (src/stay) and the funders' breakdowns joined the figures, one aggregate each;
    // 30: the budget's totals (src/budget), one query of four sums;
    // 33: the trends across years (src/reports/trends.ts), grouped by year of departure, not a query per year.
    { name: 'the dashboard', bound: 33, again: 1, path: () => '/reports', who: 'director', shows: () => null },
  ];
  let counts: Map<string, [number, number, number]>;

  before(async function () {
    this.timeout(120_000);
    const { ids, karim, ines, director } = await appOnDemo('karim', 'ines', 'director');
    const agents = { karim, ines, director };
    const db = testDb();
    const registerId = (await db('meetings').where({ group_id: ids.groups.sadiola }).whereNotNull('register_taken_at').orderBy('id').first('id'))!.id as number;
    counts = new Map(pages.map((p) => [p.name, [0, 0, 0]]));
    for (const round of [0, 1]) {
      await grow(db, ids, GROWTH, round);
      for (const p of pages) counts.get(p.name)![round] = await queriesOf(db, agents[p.who], p.path(ids, registerId), p.shows(round));
    }
    for (const p of pages) counts.get(p.name)![2] = await queriesOf(db, agents[p.who], p.path(ids, registerId), p.shows(1));
  });

  for (const p of pages) {
    it(`${p.name}: as many queries with ${2 * GROWTH} more youths and groups as with ${GROWTH}, and at most ${p.bound}`, () => {
      const [once, twice] = counts.get(p.name)!;
      expect(twice, `queries after growing by ${GROWTH} then ${2 * GROWTH}`).to.equal(once);
      expect(twice).to.be.at.most(p.bound);
    });

    it(`${p.name}: at most ${p.again} queries when loaded again with no write in between`, () => {
      expect(counts.get(p.name)![2]).to.be.at.most(p.again);
    });
  }
});
