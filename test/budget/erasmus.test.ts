import { expect } from 'chai';
import { resetToDemo, testDb } from '../support/database.js';
import { erasmusGrant, ratesFor } from '../../src/budget/erasmus.js';
import { bandOfMeasured } from '../../src/budget/distance-band.js';
import { distanceBand } from '../../src/groups/distance-band.js';
import { parseEuros, formatEuros } from '../../src/budget/money.js';
import { activityDays } from '../../src/budget/budget.js';

describe('the Erasmus+ grant from its unit costs', () => {
  // The demo's structures; emptying the database between tests keeps the rates the migration seeded.
  before(resetToDemo);
  // The guide's 2026 rates as the migration seeds them: 41 € per participant per day, 309 € travel for
  // 500–1 999 km, 417 € green.
  const rates = async () => (await ratesFor(testDb(), -1, 2026))!;

  it('comes to 5 960 € for 8 youths and 2 leaders, 7 days, 500–1 999 km (computed by hand)', async () => {
    // Organisational support 41 € × 10 participants × 7 days = 2 870 €; travel 309 € × 10 = 3 090 €.
    const grant = erasmusGrant({ youths: 8, leaders: 2, days: 7, band: '500_1999', greenTravel: false }, await rates());
    expect(grant).to.deep.equal({ participants: 10, organisationalCents: 287_000, travelCents: 309_000, totalCents: 596_000, greenApplied: false });
  });

  it('pays green travel at its own rate: 7 040 € for the same group by train', async () => {
    // 2 870 € + 417 € × 10 = 4 170 €.
    const grant = erasmusGrant({ youths: 8, leaders: 2, days: 7, band: '500_1999', greenTravel: true }, await rates());
    expect(grant.travelCents).to.equal(417_000);
    expect(grant.totalCents).to.equal(704_000);
    expect(grant.greenApplied).to.equal(true);
  });

  it('pays the standard rate where the band has no green one (4 000 km and more)', async () => {
    const grant = erasmusGrant({ youths: 5, leaders: 1, days: 10, band: '4000_7999', greenTravel: true }, await rates());
    // 41 € × 6 × 10 = 2 460 €; 1 188 € × 6 = 7 128 €.
    expect(grant).to.deep.equal({ participants: 6, organisationalCents: 246_000, travelCents: 712_800, totalCents: 958_800, greenApplied: false });
  });

  it('reads a structure’s own rates for the year before the guide’s, and none for a year without', async () => {
    const structure = (await testDb()('structures').first('id')).id as number;
    expect((await ratesFor(testDb(), structure, 2026))!.structureId).to.equal(null);
    const [row] = await testDb()('erasmus_rates').whereNull('structure_id').where({ programme_year: 2026 }).select('*');
    const { id: _id, ...copy } = row;
    await testDb()('erasmus_rates').insert({ ...copy, structure_id: structure, organisational_cents: 4_500, set_at: new Date().toISOString() });
    const own = (await ratesFor(testDb(), structure, 2026))!;
    expect(own.structureId).to.equal(structure);
    expect(own.organisationalCents).to.equal(4_500);
    expect(await ratesFor(testDb(), structure, 2019)).to.equal(null);
    await testDb()('erasmus_rates').where({ structure_id: structure }).del();
  });

  it('counts the activity days with both travel days, and finds the band of a distance in the rates\' spelling', () => {
    expect(activityDays('2026-07-01', '2026-07-07')).to.equal(7);
    const band = (km: number) => bandOfMeasured(distanceBand(km));
    expect(band(9)).to.equal(null);
    expect(band(500)).to.equal('500_1999');
    expect(band(1999)).to.equal('500_1999');
    expect(band(4200)).to.equal('4000_7999');
    expect(band(9000)).to.equal('8000_plus');
  });
});

describe('amounts typed in euros', () => {
  it('reads the French and English ways of writing them, to cents', () => {
    expect(parseEuros('1 234,50')).to.equal(123_450);
    expect(parseEuros('1\u202f234,5 €')).to.equal(123_450);
    expect(parseEuros('1234.50')).to.equal(123_450);
    expect(parseEuros('1,234.50')).to.equal(123_450);
    expect(parseEuros('12')).to.equal(1_200);
    expect(parseEuros('0,07')).to.equal(7);
  });

  it('refuses what is not an amount rather than guessing', () => {
    for (const bad of ['', 'douze', '1,234', '12,345', '-5', '1.2.3', '12,5,0', '99999999999']) expect(parseEuros(bad), bad).to.equal(null);
  });

  it('writes cents back as each language writes euros', () => {
    expect(formatEuros(123_450, 'fr')).to.equal('1 234,50 €');
    expect(formatEuros(123_450, 'en')).to.equal('€1,234.50');
  });
});
