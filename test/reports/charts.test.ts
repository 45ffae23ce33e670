import { expect } from 'chai';
import { chartLayout } from '../../src/reports/charts.js';

describe('chart layout', () => {
  const chart = {
    kind: 'bars' as const, unit: 'count' as const, max: 10,
    bars: [{ label: 'Inscrits', value: 10 }, { label: 'Partis', value: 2 }, { label: 'Revenus', value: 1 }, { label: 'Restitution', value: 0 }],
  };
  const plain = (v: number) => String(v);

  it('draws each bar in proportion to the largest, with its number in words', () => {
    const rows = chartLayout(chart, plain).rows;
    const [ten, two, one, zero] = rows.map((r) => r.bars[0]!);
    expect(two!.width / ten!.width).to.be.closeTo(0.2, 1e-9);
    expect(one!.width / ten!.width).to.be.closeTo(0.1, 1e-9);
    expect(zero!.width).to.equal(0);
    expect(rows.map((r) => r.bars[0]!.text)).to.deep.equal(['10', '2', '1', '0']);
  });

  it('gives hidden values no bar, so an anonymised report does not tell 1 from 2 by its length', () => {
    const small = (v: number) => v > 0 && v < 3;
    const rows = chartLayout(chart, (v) => (small(v) ? '< 3' : String(v)), small).rows;
    expect(rows.map((r) => [r.bars[0]!.width > 0, r.bars[0]!.text])).to.deep.equal([[true, '10'], [false, '< 3'], [false, '< 3'], [false, '0']]);
  });
});
