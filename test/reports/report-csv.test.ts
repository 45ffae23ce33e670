import { expect } from 'chai';
import { csvCell, csvLines, neutralise } from '../../src/reports/report-csv.js';

describe('CSV for funders', () => {
  it('turns what a spreadsheet would run as a formula into text', () => {
    for (const risky of ['=1+1', '+33 6 12', '-2+3', '@SUM(A1)', '\tx', '\rx']) expect(neutralise(risky)).to.equal(`'${risky}`);
    expect(neutralise('Mali')).to.equal('Mali');
  });

  it('quotes cells with a separator, a quote or a line break, and doubles the quotes', () => {
    expect(csvCell('MJC d’Halluin; Bafou')).to.equal('"MJC d’Halluin; Bafou"');
    expect(csvCell('le "Portel"')).to.equal('"le ""Portel"""');
    expect(csvCell('deux\r\nlignes')).to.equal('"deux\r\nlignes"');
    expect(csvCell('=A1;B1')).to.equal('"\'=A1;B1"');
  });

  it('starts with a BOM and ends every line with CRLF', () => {
    expect(csvLines([['a', 'b'], ['1', '2']])).to.equal('\uFEFFa;b\r\n1;2\r\n');
  });
});
