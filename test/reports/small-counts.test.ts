import { expect } from 'chai';
import type { Express } from 'express';
import { signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { recordEvent } from '../../src/restitution/restitution.js';
import { appOnReportFixture, LOGINS, type ReportFixture } from './fixture.js';
import { binary, csvRows, pageRows, pdfText } from './exports.js';
import { reportTablesFor, shareCell } from '../../src/reports/small-counts.js';
import type { ReportTable } from '../../src/reports/tables.js';

/**
 * The admin reads the figures without the names behind them: a count of 1 or 2 could point at one youth
 * ("Grossesse : 1" in a group of ten), so it reads "< 3" on the page, in the CSV and in the PDF alike. In
 * the fixture's Sadiola, five youths left: 2 for a job, 1 pregnancy, 2 lost contact.
 */
describe('small counts for whoever may not read names', () => {
  let app: Express;
  let fx: ReportFixture;
  let admin: Agent;

  before(async () => ({ fx, app, admin } = await appOnReportFixture('admin')));

  it('an admin reads "< 3" for the withdrawals of one group in the page, the CSV and the PDF alike', async () => {
    const query = `group=${fx.groups.sadiola}`;
    const page = await admin.get(`/reports?${query}`);
    expect(page.status).to.equal(200);
    const csv = await admin.get(`/reports/export/withdrawals.csv?${query}`);
    expect(csv.status).to.equal(200);
    const pdf = await admin.get(`/reports/report.pdf?${query}`).buffer(true).parse(binary as never);
    expect(pdf.status).to.equal(200);
    const pdfLines = await pdfText(pdf.body as Buffer);

    const fromCsv = csvRows(csv.text).slice(1);
    const fromPage = pageRows(page.text, 'withdrawals');
    expect(fromCsv.find((r) => r[0] === 'Grossesse')).to.deep.equal(['Grossesse', '< 3', '< 3']);
    expect(fromCsv.find((r) => r[0] === 'A trouvé un emploi')).to.deep.equal(['A trouvé un emploi', '< 3', '< 3']);
    expect(fromPage).to.deep.equal(fromCsv);
    for (const row of fromCsv) expect(pdfLines, row.join(' ')).to.include(row.join(' '));
  });

  it('the anonymised PDF says above a table why its small counts are hidden, and gives the total that is not small', async () => {
    const pdf = await pdfText((await admin.get(`/reports/report.pdf?group=${fx.groups.sadiola}`).buffer(true).parse(binary as never)).body as Buffer);
    const withdrawals = pdf.slice(pdf.indexOf('Pourquoi des jeunes ont quitté le projet'));
    const note = 'Les nombres inférieurs à 3 sont remplacés par « < 3 » : si petits, ils pourraient désigner une personne.';
    expect(withdrawals.indexOf(note), 'the note, above the table').to.be.within(0, withdrawals.indexOf('Grossesse'));
    // 2 + 1 + 2 who left: each reason reads "< 3", their total does not.
    expect(withdrawals).to.match(/Total 5 /);
  });

  it('an admin finds no exact small count on the page: not in the sentences, nor in the charts', async () => {
    const html = (await admin.get(`/reports?group=${fx.groups.sadiola}`)).text;
    const text = visibleText(html);
    // The sentence under the withdrawals said "… Grossesse 1, Perdu de vue 2".
    expect(text).not.to.match(/Grossesse 1\b/);
    expect(text).to.include('les effectifs de 1 ou 2 sont affichés « < 3 »');
    const chart = /<section class="card report-section" aria-labelledby="title-withdrawals">[\s\S]*?<svg[\s\S]*?<\/svg>/.exec(html)![0];
    expect(chart).to.include('&lt; 3');
    expect(chart).not.to.match(/>[12]<\/text>/);
  });

  it('the same group in the other tables: a CSV holds no count the PDF hides', async () => {
    const query = `group=${fx.groups.sadiola}`;
    const pdf = await pdfText((await admin.get(`/reports/report.pdf?${query}`).buffer(true).parse(binary as never)).body as Buffer);
    const page = (await admin.get(`/reports?${query}`)).text;
    for (const key of ['funnel', 'withdrawal-phases', 'followups', 'engagement', 'missing']) {
      const rows = csvRows((await admin.get(`/reports/export/${key}.csv?${query}`)).text).slice(1);
      const shown = pageRows(page, key);
      for (const row of rows) for (const cell of row) expect(cell, `${key}: ${row.join(';')}`).not.to.match(/^[12]$/);
      // The CSV writes a percentage as a number a spreadsheet can compute with: "50" for "50 %".
      expect(shown.map((r) => r.map((c) => c.replace(/ %$/, ''))), key).to.deep.equal(rows);
      for (const row of shown) expect(pdf, `${key} in the PDF`).to.include(row.join(' '));
    }
  });

  it('an admin reads "< 3" on the page of the groups behind a figure as in the groups CSV', async () => {
    // Kawara presented the project once, to two people.
    await recordEvent(testDb(), await userFor(testDb(), fx.users.elodie), { id: fx.groups.kawara }, {
      heldOn: '2023-10-01', type: 'school', place: null, audienceTotal: 2, audienceYouths: null, audienceAdults: null, notes: null, presenter: [], medium: [],
    });
    try {
      const csv = csvRows((await admin.get('/reports/export/groups.csv')).text);
      const kawara = csv.find((r) => r[0] === 'Jumelage Kawara')!;
      expect(kawara.slice(-2)).to.deep.equal(['< 3', '< 3']);
      const page = visibleText((await admin.get('/reports/groups?figure=all')).text);
      expect(page).to.include('Jumelage Kawara').and.include('Restitutions < 3 · Personnes touchées < 3');
      expect(page).not.to.match(/Restitutions 1\b/);
      const director = await signIn(app, LOGINS.director);
      expect(visibleText((await director.get('/reports/groups?figure=all')).text)).to.include('Restitutions 1 · Personnes touchées 2');
    } finally {
      await testDb()('restitution_events').where({ group_id: fx.groups.kawara }).del();
    }
  });

  it('a director still reads the exact counts everywhere', async () => {
    const director = await signIn(app, LOGINS.director);
    const query = `group=${fx.groups.sadiola}`;
    const rows = csvRows((await director.get(`/reports/export/withdrawals.csv?${query}`)).text).slice(1);
    expect(rows.find((r) => r[0] === 'Grossesse')).to.deep.equal(['Grossesse', '1', '1']);
    expect(pageRows((await director.get(`/reports?${query}`)).text, 'withdrawals')).to.deep.equal(rows);
  });
});

describe('a share that would give a small count away', () => {
  const table = (cells: ReturnType<typeof shareCell>[]): ReportTable => ({
    key: 'situations', title: 'Situations', description: '', headers: ['moment', 'share'],
    rows: cells.map((c, i) => [{ value: String(i), kind: 'text' }, c]),
    chart: { kind: 'bars', unit: 'pct', max: 1, bars: cells.map((c, i) => ({ label: String(i), value: c.value as number | null, base: c.base })) },
  });

  it('is hidden over one or two youths, and where the part or the rest is one or two: "10 %" of ten is one youth', () => {
    const cells = [shareCell(1, 1), shareCell(1, 10), shareCell(9, 10), shareCell(5, 10), shareCell(0, 10), shareCell(0, 0)];
    const [hidden] = reportTablesFor([table(cells)], true);
    expect(hidden!.rows.map((r) => r[1]!.value)).to.deep.equal([null, null, null, 0.5, 0, null]);
    const chart = hidden!.chart as { bars: { value: number | null }[] };
    expect(chart.bars.map((b) => b.value)).to.deep.equal([null, null, null, 0.5, 0, null]);
  });

  it('is shown as it is to whoever may read the names', () => {
    const [shown] = reportTablesFor([table([shareCell(1, 10), shareCell(9, 10)])], false);
    expect(shown!.rows.map((r) => r[1]!.value)).to.deep.equal([0.1, 0.9]);
  });
});
