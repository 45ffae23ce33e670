import { expect } from 'chai';
import { dateFormatter } from '../../src/http/i18n.js';

// The servers run in UTC (containers, most hosts); the people reading are in France.
describe('times the server wrote read as the clock in France', () => {
  const fr = dateFormatter('fr');
  const en = dateFormatter('en');

  it('shows an instant in Paris time, winter and summer, whatever the server’s zone', () => {
    expect(fr('2026-12-03T18:45:12.345Z', 'datetime')).to.equal('3 déc. 2026 à 19:45');
    expect(en('2026-12-03T18:45:12.345Z', 'datetime')).to.equal('Dec 3, 2026 7:45 PM');
    expect(fr('2026-07-01T10:00:00.000Z', 'datetime')).to.equal('1 juil. 2026 à 12:00');
    expect(fr('2026-12-03T20:45:00+01:00', 'datetime')).to.equal('3 déc. 2026 à 20:45');
  });

  it('gives the day in France, which is the next one late in the evening UTC', () => {
    expect(fr('2026-07-01T22:30:00.000Z', 'date')).to.equal('2 juil. 2026');
    expect(fr('2026-12-31T23:30:00.000Z', 'long')).to.equal('vendredi 1 janvier 2027');
  });

  it('leaves a wall-clock time or a day typed by a person as typed', () => {
    expect(fr('2027-04-02T18:00', 'datetime')).to.equal('2 avr. 2027 à 18:00');
    expect(fr('2027-04-02', 'date')).to.equal('2 avr. 2027');
  });
});
