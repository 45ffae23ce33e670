import { expect } from 'chai';
import { renderReportPdf } from '../../src/reports/report-pdf.js';
import { formatCell, type Cell, type ReportTable } from '../../src/reports/tables.js';
import { binary, pdfText } from './exports.js';
import { appOnReportFixture } from './fixture.js';

const situationHeaders = ['Moment', 'Connue', 'Emploi ou formation', 'Part', 'Cherche un emploi', 'En formation', 'Scolarisé·e', 'En emploi', 'Autre'];

/** The situations table of a group whose youths' situation at enrolment nobody recorded. */
const unknownSituations: ReportTable = {
  key: 'situations', title: 'Situation des jeunes', description: '', headers: situationHeaders,
  rows: [[{ value: 'À l’inscription', kind: 'text' }, { value: 0, kind: 'count' }, { value: 0, kind: 'count' }, { value: null, kind: 'pct' },
    ...situationHeaders.slice(4).map((): Cell => ({ value: 0, kind: 'count' }))]],
  chart: { kind: 'bars', unit: 'pct', max: 1, bars: [{ label: 'Au retour', value: null }] },
};

const pdfOf = async (table: ReportTable) => pdfText(await renderReportPdf({
  title: 'Rapport', subtitle: [], lang: 'fr', letterhead: null, tables: [table],
  chartValue: (v, unit) => formatCell({ value: v, kind: unit === 'pct' ? 'pct' : 'count' }, 'fr'),
}));

describe('the report PDF', () => {
  it('reads "—" on the chart where there is no data, as the table does, not "0 %"', async () => {
    // Bafou has no follow-up yet: no youth's situation is known at 6 or 12 months.
    const { fx, director } = await appOnReportFixture('director');
    const pdf = await pdfText((await director.get(`/reports/report.pdf?group=${fx.groups.bafou}`).buffer(true).parse(binary as never)).body as Buffer);
    const section = pdf.slice(pdf.indexOf('En emploi ou en formation, avant et après'));
    // The bars come between the sentence (which ends with the list of moments) and the table's headers.
    const chart = section.slice(section.indexOf('(0/0).') + 6, section.indexOf('Situation connue'));
    expect(chart).to.include('À l’inscription 0 %').and.include('À 6 mois —').and.include('À 12 mois —');
    expect(section).to.include('À 6 mois 0 0 —');
  });

  it('keeps "Scolarisé·e" whole in a narrow header column rather than breaking after the middle dot', async () => {
    const text = await pdfOf(unknownSituations);
    expect(text).to.include('Scolarisé·e').and.not.include('Scolarisé· e');
    // The headers of several words still wrap, at their spaces.
    expect(text).to.include('Cherche un emploi');
  });
});
