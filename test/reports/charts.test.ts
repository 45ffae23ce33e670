import { expect } from 'chai';
import { chartLayout, chartSvg, seriesLayout } from '../../src/reports/charts.js';

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

describe('series chart layout (the trends across years)', () => {
  const plain = (v: number) => String(v);
  const columns = {
    kind: 'columns' as const, unit: 'count' as const, title: 'Évolution', desc: 'Colonnes', categories: ['2023', '2024', '2025'],
    series: [{ label: 'Groupes', values: [1, 4, 0] }, { label: 'Partis', values: [3, 8, null] }],
  };

  it('puts the columns of a year side by side, in proportion on one scale, with their numbers', () => {
    const l = seriesLayout(columns, plain);
    const [g23, g24, g25, d23, d24, d25] = l.columns;
    expect(g23!.x).to.be.below(d23!.x);
    expect(d23!.x).to.be.below(g24!.x);
    expect(d24!.height / g24!.height).to.be.closeTo(2, 1e-9);
    expect(d23!.height / g23!.height).to.be.closeTo(3, 1e-9);
    expect([g25!.height, d25!.height]).to.deep.equal([0, 0]);
    expect(l.columns.map((c) => c.text)).to.deep.equal(['1', '4', '0', '3', '8', '—']);
    // The axis ends on a round number above the largest value.
    expect(l.yTicks.map((t) => t.text)).to.deep.equal(['0', '2', '4', '6', '8']);
  });

  it('gives a hidden count no column, only "< 3", when the chart hides small counts', () => {
    const l = seriesLayout({ ...columns, hidesSmallCounts: true }, plain);
    expect(l.columns.map((c) => [c.height > 0, c.text])).to.deep.equal([
      [false, '< 3'], [true, '4'], [false, '0'], [true, '3'], [true, '8'], [false, '—'],
    ]);
  });

  it('leaves a gap in a line where nothing is known, or where the share is over a small count it hides', () => {
    const lines = {
      kind: 'lines' as const, unit: 'pct' as const, title: 'Parts', desc: 'Lignes', categories: ['2023', '2024', '2025', '2026'],
      series: [{ label: 'À 6 mois', values: [1, 0.5, null, 0.25], bases: [1, 8, 0, 4] }],
    };
    const points = (chart: Parameters<typeof seriesLayout>[0]) => seriesLayout(chart, plain).lines[0]!.points.map((p) => p !== null);
    expect(points(lines)).to.deep.equal([true, true, false, true]);
    expect(points({ ...lines, hidesSmallCounts: true })).to.deep.equal([false, true, false, true]);
    const [, half, , quarter] = seriesLayout(lines, plain).lines[0]!.points;
    const l = seriesLayout(lines, plain);
    expect((l.plot.y + l.plot.height - half!.y) / (l.plot.y + l.plot.height - quarter!.y)).to.be.closeTo(2, 1e-9);
  });

  it('draws an SVG image with its own title and description, series told apart by pattern and dash, not colour alone', () => {
    const svg = chartSvg({ ...columns, kind: 'columns' }, 'chart-trends', 'caption-trends', plain);
    expect(svg).to.match(/^<svg [^>]*role="img" aria-labelledby="chart-trends-title" aria-describedby="chart-trends-desc"/);
    expect(svg).to.include('<title id="chart-trends-title">Évolution</title><desc id="chart-trends-desc">Colonnes</desc>');
    expect(svg).to.include('fill="url(#chart-trends-hatch)"');
    expect(svg).not.to.include('style=');
  });
});
