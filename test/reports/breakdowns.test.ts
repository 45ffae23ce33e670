import { expect } from 'chai';
import { visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { appOnReportFixture, type ReportFixture } from './fixture.js';
import { binary, csvRows, pageRows, pdfText } from './exports.js';

/**
 * The fixture's Sadiola (fixture.ts; it leaves on 2024-03-01): youths 0–4 departed, 5–9 withdrew; 0–5 and 7
 * were reached at a follow-up; 0, 1 and 4 are engaged. Their files get the answers below, and each
 * breakdown was counted by hand from them.
 */
const ANSWERS: { gender: string | null; birth?: string; barriers?: string[]; qpv: boolean | null; rural?: boolean }[] = [
  { gender: 'female', birth: '2006-03-02', barriers: ['economic', 'social'], qpv: true }, // 17 the day the group leaves
  { gender: 'male', birth: '2006-03-01', barriers: ['economic'], qpv: true }, // 18 that day
  { gender: 'female', birth: '2002-03-01', qpv: true }, // 22
  { gender: 'male', birth: '2002-03-02', qpv: true }, // 21
  { gender: 'female', birth: '1998-03-01', qpv: false }, // 26
  { gender: 'female', barriers: ['geographical'], qpv: false },
  { gender: 'male', qpv: false },
  { gender: 'female', qpv: null },
  { gender: 'another', barriers: ['health'], qpv: null },
  { gender: null, qpv: null, rural: true },
];

async function giveAnswers(fx: ReportFixture): Promise<void> {
  for (const [i, a] of ANSWERS.entries()) {
    const { youth_id } = await testDb()('enrolments').where({ id: fx.sadiola[i] }).first('youth_id');
    await testDb()('youths').where({ id: youth_id }).update({
      gender: a.gender, lives_in_qpv: a.qpv, lives_in_rural_area: a.rural ?? null,
      ...(a.birth ? { birth_date: a.birth } : {}),
      ...Object.fromEntries((a.barriers ?? []).map((b) => [`barrier_${b}`, true])),
    });
  }
}

// Columns: enrolled, departed, withdrawn, reached at follow-up, engaged.
const BY_GENDER = [
  ['Femme', '5', '3', '2', '5', '2'],
  ['Homme', '3', '2', '1', '2', '1'],
  ['Autre', '1', '0', '1', '0', '0'],
  ['Ne souhaite pas le dire', '0', '0', '0', '0', '0'],
  ['Non renseigné', '1', '0', '1', '0', '0'],
];
const BY_AGE = [
  ['Moins de 18 ans', '1', '1', '0', '1', '1'],
  ['18 à 21 ans', '7', '2', '5', '4', '1'],
  ['22 à 25 ans', '1', '1', '0', '1', '0'],
  ['26 ans et plus', '1', '1', '0', '1', '1'],
  ['Date de départ pas encore fixée', '0', '0', '0', '0', '0'],
];
const BY_OPPORTUNITIES = [
  ['Au moins un obstacle', '4', '2', '2', '3', '2'],
  ['Aucun obstacle indiqué', '6', '3', '3', '4', '1'],
  ['· Handicap', '0', '0', '0', '0', '0'],
  ['· Santé', '1', '0', '1', '0', '0'],
  ['· Éducation et formation', '0', '0', '0', '0', '0'],
  ['· Différences culturelles', '0', '0', '0', '0', '0'],
  ['· Obstacles sociaux', '1', '1', '0', '1', '1'],
  ['· Obstacles économiques', '2', '2', '0', '2', '2'],
  ['· Discrimination', '0', '0', '0', '0', '0'],
  ['· Obstacles géographiques', '1', '0', '1', '1', '0'],
];
const BY_QPV = [
  ['Oui', '4', '4', '0', '4', '2'],
  ['Non', '3', '1', '2', '2', '1'],
  ['Non renseigné', '3', '0', '3', '1', '0'],
];
const BY_RURAL = [
  ['Oui', '1', '0', '1', '0', '0'],
  ['Non', '0', '0', '0', '0', '0'],
  ['Non renseigné', '9', '5', '4', '7', '3'],
];
const EXPECTED: Record<string, string[][]> = { 'by-gender': BY_GENDER, 'by-age': BY_AGE, 'by-opportunities': BY_OPPORTUNITIES, 'by-qpv': BY_QPV, 'by-rural': BY_RURAL };

const small = (rows: string[][]) => rows.map((r) => r.map((c) => (c === '1' || c === '2' ? '< 3' : c)));

describe('the dashboard’s breakdowns for funders', () => {
  let fx: ReportFixture;
  let director: Agent;
  let admin: Agent;
  const query = () => `group=${fx.groups.sadiola}`;

  before(async () => {
    ({ fx, director, admin } = await appOnReportFixture('director', 'admin'));
    await giveAnswers(fx);
  });

  it('counts each figure by gender, age band, fewer opportunities, QPV and rural area as counted by hand', async () => {
    for (const [key, rows] of Object.entries(EXPECTED)) {
      const csv = await director.get(`/reports/export/${key}.csv?${query()}`);
      expect(csv.status, key).to.equal(200);
      expect(csvRows(csv.text).slice(1), key).to.deep.equal(rows);
    }
  });

  it('adds up, in each split, to the dashboard’s own figures: 10 enrolled, 5 departed, 5 withdrawn, 7 reached, 3 engaged', async () => {
    const html = (await director.get(`/reports?${query()}`)).text;
    for (const key of ['by-gender', 'by-age', 'by-qpv', 'by-rural']) {
      const totals = [1, 2, 3, 4, 5].map((col) => pageRows(html, key).reduce((sum, r) => sum + Number(r[col]), 0));
      expect(totals, key).to.deep.equal([10, 5, 5, 7, 3]);
    }
    const summary = visibleText(html);
    expect(summary).to.include('10 Inscrits');
  });

  it('agrees between the page, the CSV and the PDF, with counts of 1 and 2 read "< 3" in all three for the admin', async () => {
    const page = (await admin.get(`/reports?${query()}`)).text;
    const pdf = await pdfText((await admin.get(`/reports/report.pdf?${query()}`).buffer(true).parse(binary as never)).body as Buffer);
    for (const [key, rows] of Object.entries(EXPECTED)) {
      const csv = csvRows((await admin.get(`/reports/export/${key}.csv?${query()}`)).text).slice(1);
      expect(csv.slice(0, rows.length), key).to.deep.equal(small(rows));
      expect(pageRows(page, key), key).to.deep.equal(csv);
      for (const row of csv) expect(pdf, `${key} in the PDF: ${row.join(' ')}`).to.include(row.join(' '));
    }
    // A split's total, not small, is given under it in the anonymised PDF: 10 enrolled, 5, 5, 7, 3.
    const gender = pdf.slice(pdf.indexOf('Par genre'));
    expect(gender).to.match(/Total 10 5 5 7 3/);
  });

  it('the director reads the exact counts on the page and in the PDF too', async () => {
    const page = (await director.get(`/reports?${query()}`)).text;
    const pdf = await pdfText((await director.get(`/reports/report.pdf?${query()}`).buffer(true).parse(binary as never)).body as Buffer);
    for (const [key, rows] of Object.entries(EXPECTED)) {
      expect(pageRows(page, key), key).to.deep.equal(rows);
      for (const row of rows) expect(pdf, `${key} in the PDF`).to.include(row.join(' '));
    }
  });
});
