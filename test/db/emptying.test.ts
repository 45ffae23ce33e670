import { expect } from 'chai';
import { readDataVersion } from '../../src/db/data-version.js';
import { emptyDatabase, resetToDemo, testDb } from '../support/database.js';
import { loadLargeNetwork } from '../../scripts/large-network.js';

/*
 * A fixture or the large network's generator empties the data before writing its own: what the migrations
 * wrote must stay, or a test passes or fails by which file ran before it (the Erasmus+ guide's rates).
 */
describe('emptying the data', function () {
  this.timeout(60_000);
  const guideRates = () => testDb()('erasmus_rates').whereNull('structure_id').select('programme_year', 'organisational_cents');
  let seeded: { programme_year: number; organisational_cents: number | string }[];
  before(async () => {
    seeded = await guideRates();
    expect(seeded, 'the migration seeds the guide’s 2026 rates').to.have.length(1);
  });
  after(() => resetToDemo());

  for (const [name, empty] of [
    ['the tests’ cleanup', () => emptyDatabase(testDb())],
    ['the large network’s generator', () => loadLargeNetwork(testDb(), { groups: 3, youthsPerGroup: 2, meetingsPerGroup: 1 })],
  ] as const) {
    it(`keeps the guide’s rates and removes a structure’s own: ${name}`, async () => {
      const ids = await resetToDemo();
      const structure = Object.values(ids.structures)[0]!;
      await testDb()('erasmus_rates').insert({ ...(await testDb()('erasmus_rates').whereNull('structure_id').first()), id: undefined, structure_id: structure, programme_year: 2027, set_at: new Date().toISOString() });
      await empty();
      expect(await guideRates()).to.deep.equal(seeded);
      expect(await testDb()('erasmus_rates').whereNotNull('structure_id').select('id')).to.deep.equal([]);
    });

    it(`keeps counting writes in the data version: ${name}`, async () => {
      await empty();
      const before = await readDataVersion(testDb());
      expect(before, 'the count goes on from where it was').to.be.above(0);
      await testDb()('networks').insert({ name: 'Réseau de passage', created_at: new Date().toISOString() });
      expect(await readDataVersion(testDb())).to.be.above(before);
    });
  }
});
