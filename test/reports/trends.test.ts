import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Express } from 'express';
import { testDb, emptyDatabase } from '../support/database.js';
import type { Agent } from '../support/http.js';
import { computeDashboard, type Dashboard } from '../../src/reports/dashboard.js';
import type { ReportFilters, ReportScope } from '../../src/reports/filters.js';
import { trendsByYear, type TrendYear } from '../../src/reports/trends.js';
import { LARGE_NETWORK_LOGINS, loadLargeNetwork } from '../../scripts/large-network.js';
import { appOnReportFixture, loadReportFixture, type ReportFixture } from './fixture.js';
import { binary, csvRows, pageRows, pdfText } from './exports.js';

const TODAY = '2026-12-01';

/** One youth of Kawara (2023) followed at 6 months, in a job: a share of 100 % over one youth. */
async function followOneOfKawara(fx: ReportFixture): Promise<void> {
  const e = await testDb()('enrolments').where({ group_id: fx.groups.kawara }).orderBy('id').first('id');
  const now = '2024-01-25T09:00:00.000Z';
  await testDb()('follow_ups').insert({
    enrolment_id: e.id, milestone_months: 6, due_on: '2024-01-20', done_on: '2024-01-25', reached: true, situation: 'employed',
    recorded_by: fx.users.elodie, created_at: now, updated_at: now,
  });
}

/** What a year's line of the trends must equal: the same figures on the dashboard filtered on that year. */
function yearOf(d: Dashboard, year: number): TrendYear {
  const at = (m: '6' | '12') => d.situations.find((s) => s.at === m)!;
  return {
    year, groups: d.groups.total, departed: d.funnel.departed, peopleReached: d.restitution.peopleReached, perDeparted: d.restitution.perDeparted,
    situations: (['6', '12'] as const).map((m) => ({ at: m, known: at(m).known, jobOrTraining: at(m).jobOrTraining, share: at(m).share })),
    engagement: { followed: d.engagement.followed, any: d.engagement.any, share: d.engagement.followed ? d.engagement.any / d.engagement.followed : null },
  };
}

async function eachYearAsFiltered(scope: ReportScope, filters: ReportFilters, today: string): Promise<void> {
  const trends = (await computeDashboard(testDb(), scope, filters, today)).trends;
  for (const y of trends) {
    expect(y, String(y.year)).to.deep.equal(yearOf(await computeDashboard(testDb(), scope, { ...filters, year: y.year }, today), y.year));
  }
}

describe('trends across years on the known fixture', () => {
  let fx: ReportFixture;
  let director: ReportScope;

  before(async () => {
    fx = await loadReportFixture(testDb());
    await followOneOfKawara(fx);
    director = { role: 'director', userId: fx.users.director, structureId: fx.structure };
  });

  it('gives each year of departure its groups, departed, reach, shares at 6 and 12 months and engagement', async () => {
    const trends = await trendsByYear({ db: testDb(), scope: director, filters: {}, today: TODAY });
    const line = (year: number, groups: number, departed: number, peopleReached: number, perDeparted: number | null,
      six: [number, number], twelve: [number, number], engagement: [number, number]): TrendYear => ({
      year, groups, departed, peopleReached, perDeparted,
      situations: [
        { at: '6', jobOrTraining: six[0], known: six[1], share: six[1] ? six[0] / six[1] : null },
        { at: '12', jobOrTraining: twelve[0], known: twelve[1], share: twelve[1] ? twelve[0] / twelve[1] : null },
      ],
      engagement: { any: engagement[0], followed: engagement[1], share: engagement[1] ? engagement[0] / engagement[1] : null },
    });
    expect(trends).to.deep.equal([
      // Kawara: 3 back, no restitution yet, one of them known at 6 months (in a job).
      line(2023, 1, 3, 0, 0, [1, 1], [0, 0], [0, 1]),
      // Sadiola: 5 departed, 125 people reached; 4 of 7 in a job or training at 6 months, 2 of 3 at 12; 3 of 7 engaged.
      line(2024, 1, 5, 125, 25, [4, 7], [2, 3], [3, 7]),
      // Bafou, in preparation: nobody departed yet, so nothing per departed youth.
      line(2025, 1, 0, 0, null, [0, 0], [0, 0], [0, 0]),
    ]);
  });

  it('counts each year as the dashboard filtered on that year counts it', async () => {
    await eachYearAsFiltered(director, {}, TODAY);
  });

  it('follows the filters and the scope: a country, a worker\'s own groups', async () => {
    const years = async (scope: ReportScope, filters: ReportFilters) => (await trendsByYear({ db: testDb(), scope, filters, today: TODAY })).map((y) => y.year);
    expect(await years(director, { country: 'CM' })).to.deep.equal([2025]);
    expect(await years({ role: 'worker', userId: fx.users.karim, structureId: fx.structure }, {})).to.deep.equal([2024]);
    expect(await years(director, { year: 2023 })).to.deep.equal([2023]);
  });
});

describe('the trend section on the page, in the CSV and in the PDF', () => {
  let app: Express;
  let director: Agent;
  let admin: Agent;

  before(async () => {
    let fx: ReportFixture;
    ({ fx, app, director, admin } = await appOnReportFixture('director', 'admin'));
    await followOneOfKawara(fx);
    void app;
  });

  /** The section's rows as the page, the CSV and the PDF give them to one reader. */
  async function threeWays(agent: Agent, key: string): Promise<{ page: string[][]; csv: string[][]; pdf: string }> {
    const page = pageRows((await agent.get('/reports')).text, key);
    const csv = csvRows((await agent.get(`/reports/export/${key}.csv`)).text);
    const pdf = await pdfText((await agent.get('/reports/report.pdf').buffer(true).parse(binary as never)).body as Buffer);
    return { page, csv, pdf };
  }

  it('gives the director the exact figures per year, the same on the page, in the CSV and in the PDF', async () => {
    const { page, csv, pdf } = await threeWays(director, 'trends');
    expect(page).to.deep.equal([
      ['2023', '1', '3', '0', '0,0'],
      ['2024', '1', '5', '125', '25,0'],
      ['2025', '1', '0', '0', '—'],
    ]);
    expect(csv[0]).to.deep.equal(['Année de départ', 'Groupes', 'Partis', 'Personnes touchées', 'Par jeune parti']);
    expect(csv.slice(1)).to.deep.equal([['2023', '1', '3', '0', '0,0'], ['2024', '1', '5', '125', '25,0'], ['2025', '1', '0', '0', '']]);
    expect(pdf).to.include('Évolution d’une année à l’autre');
    for (const row of page) expect(pdf).to.include(row.join(' '));

    const outcomes = await threeWays(director, 'trend-outcomes');
    expect(outcomes.page).to.deep.equal([
      ['2023', '1', '100 %', '0', '—', '1', '0 %'],
      ['2024', '7', '57 %', '3', '67 %', '7', '43 %'],
      ['2025', '0', '—', '0', '—', '0', '—'],
    ]);
    // Percentages as numbers a spreadsheet computes with, to the tenth.
    expect(outcomes.csv.slice(1)).to.deep.equal([
      ['2023', '1', '100', '0', '', '1', '0'],
      ['2024', '7', '57,1', '3', '66,7', '7', '42,9'],
      ['2025', '0', '', '0', '', '0', ''],
    ]);
    for (const row of outcomes.page) expect(outcomes.pdf).to.include(row.join(' '));
  });

  it('hides from the admin a count of 1 or 2 and any share over one, on the page, in the CSV and in the PDF alike', async () => {
    const { page, csv, pdf } = await threeWays(admin, 'trend-outcomes');
    // 2023: one youth known at 6 months, in a job: "100 %" would be that youth's situation.
    expect(page[0]).to.deep.equal(['2023', '< 3', '—', '0', '—', '< 3', '—']);
    expect(csv[1]).to.deep.equal(['2023', '< 3', '', '0', '', '< 3', '']);
    // Over 7 youths (4 in a job or training, 3 engaged), the shares stay; 2 of 3 at 12 months is hidden: "67 %"
    // of the 3 shown beside it tells that one youth is not in a job or training.
    expect(page[1]).to.deep.equal(['2024', '7', '57 %', '3', '—', '7', '43 %']);
    for (const row of page) expect(pdf).to.include(row.join(' '));
    expect(pdf).not.to.include('2023 1 100 %');

    const trends = await threeWays(admin, 'trends');
    expect(trends.page.map((r) => r[1])).to.deep.equal(['< 3', '< 3', '< 3']);
    expect(trends.csv.slice(1).map((r) => r[1])).to.deep.equal(['< 3', '< 3', '< 3']);
  });

  it('draws the years as grouped columns and the shares as lines, each an image with its title and description, with no mark for a hidden value', async () => {
    const svgOf = (html: string, key: string) => new RegExp(`aria-labelledby="title-${key}">[\\s\\S]*?(<svg[\\s\\S]*?</svg>)`).exec(html)![1]!;
    const directorPage = (await director.get('/reports')).text;
    const columns = svgOf(directorPage, 'trends');
    expect(columns).to.match(/role="img" aria-labelledby="chart-trends-title" aria-describedby="chart-trends-desc"/);
    expect(columns).to.include('<title id="chart-trends-title">Évolution d’une année à l’autre</title>');
    expect(columns).to.include('colonnes hachurées');
    // Three years of two series: a column for each non-zero value (3 groups, and the departed of 2023 and 2024), each with its number.
    // (The legend's swatches stand at x="1", the hatch pattern's rectangles have no x.)
    expect(columns.match(/<rect x="(?!1")[\d.]+" y="[\d.]+" width="[\d.]+" height="[\d.]+"/g)!.length).to.equal(5);
    expect(columns).to.match(/>125<\/text>|>5<\/text>/);
    const lines = svgOf(directorPage, 'trend-outcomes');
    expect(lines).to.include('<desc id="chart-trend-outcomes-desc">');
    // Job or training at 6 months: 2023 (100 %) and 2024 (57 %), one stroke; nothing known of 2025.
    expect(lines.match(/<path d="M[\d. ]+L[\d. ]+" fill="none" stroke="#0b5d4b"/g)!.length).to.equal(1);

    const adminLines = svgOf((await admin.get('/reports')).text, 'trend-outcomes');
    // For the admin, 2023's share over one youth is a gap: the 6-month line is a single point, no stroke.
    expect(adminLines).not.to.match(/<path d="M[\d. ]+L[\d. ]+" fill="none" stroke="#0b5d4b"/);
  });
});

describe('trends over ten years of a regional network (demo:large\'s generator, smaller)', function () {
  this.timeout(120_000);
  let director: ReportScope;

  before(async () => {
    await emptyDatabase(testDb());
    // The generator of `npm run demo:large` with its 1,000 groups over ten years (and eight months ahead), but
    // fewer youths and meetings per group; bench:dashboard times the whole of it.
    await loadLargeNetwork(testDb(), { groups: 1000, youthsPerGroup: 3, meetingsPerGroup: 1 }, dayjs(TODAY));
    const user = await testDb()('users').where({ email: LARGE_NETWORK_LOGINS.director }).first('id', 'structure_id');
    director = { role: 'director', userId: Number(user.id), structureId: Number(user.structure_id) };
  });

  it('has a line for each calendar year the ten years touch, oldest first, up to the groups leaving next year', async () => {
    const years = (await computeDashboard(testDb(), director, {}, TODAY)).trends.map((y) => y.year);
    const departures: { departure_date: string }[] = await testDb()('groups').where({ structure_id: director.structureId }).select('departure_date');
    const expected = [...new Set(departures.map((g) => Number(g.departure_date.slice(0, 4))))].sort((a, b) => a - b);
    expect(years).to.deep.equal(expected);
    // December 2016 to the groups in preparation for 2027: at least ten whole years.
    expect(years.length).to.be.at.least(11);
    expect(years.at(-1)).to.equal(2027);
  });

  it('counts each of the ten years as the dashboard filtered on that year counts it', async () => {
    await eachYearAsFiltered(director, {}, TODAY);
  });

  it('adds the years up to the whole dashboard\'s groups and people reached', async () => {
    const d = await computeDashboard(testDb(), director, {}, TODAY);
    expect(d.trends.reduce((n, y) => n + y.groups, 0)).to.equal(d.groups.total);
    expect(d.trends.reduce((n, y) => n + y.peopleReached, 0)).to.equal(d.restitution.peopleReached);
    expect(d.trends.some((y) => y.situations[0]!.known > 0 && y.engagement.followed > 0)).to.equal(true);
  });
});
