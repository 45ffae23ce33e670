import { expect } from 'chai';
import { buildApp, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { binary, csvRows, pdfText } from '../reports/exports.js';
import { DEMO_ACCOUNTS, DEMO_GROUPS, type DemoIds } from '../../src/demo/demo-data.js';
import { computeDashboard } from '../../src/reports/dashboard.js';
import { insertedId } from '../../src/db/knex.js';
import { letterFor, networkFigures } from '../../src/structures/network.js';
import { countShown } from '../../src/reports/small-counts.js';

const DOUAISIS = 'Mission locale du Douaisis';
const MJC = "MJC d'Halluin";
/** Every youth's and group's name of the demo. */
const NAMES = DEMO_GROUPS.flatMap((g) => [g.name, ...g.youths.map(([first, last]) => `${first} ${last}`)]);

/** The cells of a structure's row on the page, by its label. */
const pageRow = (html: string, label: string) => {
  const row = new RegExp(`<tr>\\s*<th scope="row">${label.replace(/'/g, '&#39;')}</th>([\\s\\S]*?)</tr>`).exec(html);
  expect(row, label).to.not.equal(null);
  return [...row![1]!.matchAll(/<td class="num"[^>]*>([\s\S]*?)<\/td>/g)].map((m) => visibleText(m[1]!));
};

describe('the network compared and exported', () => {
  let ids: DemoIds;
  let coordinator: Agent;
  let year: number;
  before(async () => {
    ids = await resetToDemo();
    coordinator = await signIn(buildApp(), DEMO_ACCOUNTS.coordinator.email);
    // A year in which the mission locale had youths depart, and another year's groups besides.
    const groups: { departure_date: string }[] = await testDb()('groups').where({ structure_id: ids.structures[DOUAISIS] }).whereNotNull('departure_date').select('departure_date');
    const years = [...new Set(groups.map((g) => Number(g.departure_date.slice(0, 4))))].sort();
    expect(years.length).to.be.greaterThan(1);
    for (const y of years) {
      const d = await computeDashboard(testDb(), { role: 'director', userId: ids.users.director, structureId: ids.structures[DOUAISIS]! }, { year: y });
      if (d.funnel.departed > 2) year = y;
    }
    expect(year).to.be.a('number');
  });

  const dashboardOf = (structure: string, filters: Parameters<typeof computeDashboard>[2]) =>
    computeDashboard(testDb(), { role: 'director', userId: ids.users.director, structureId: ids.structures[structure]! }, filters);

  for (const filters of [{}, { year: 0 }] as const) {
    it(`reads the whole network at once, each line as the structure's own dashboard${'year' in filters ? ' (one year)' : ''}`, async () => {
      const f = 'year' in filters ? { year } : {};
      const lines = await networkFigures(testDb(), { id: ids.users.coordinator, role: 'coordinator' }, ids.network, f);
      expect(lines.map((l) => l.name)).to.have.members([DOUAISIS, MJC]);
      for (const line of lines) {
        const d = await dashboardOf(line.name!, f);
        const six = d.situations.find((x) => x.at === '6')!;
        expect(line, line.name!).to.deep.equal({
          name: line.name, letter: null, groups: d.groups.total, departed: d.funnel.departed, reachedPerDeparted: d.restitution.perDeparted,
          atSixMonths: { known: six.known, jobOrTraining: six.jobOrTraining, share: six.share, bySituation: six.bySituation },
        });
      }
      // Unfiltered, the demo has something to compare in every column.
      if (!('year' in filters)) expect(lines.some((l) => l.atSixMonths.known > 0 && l.reachedPerDeparted !== null)).to.equal(true);
    });
  }

  it('narrows every structure to the year of departure, as its own dashboard does', async () => {
    const res = await coordinator.get(`/network?year=${year}`);
    expect(res.status).to.equal(200);
    const [all, narrowed] = await Promise.all([dashboardOf(DOUAISIS, {}), dashboardOf(DOUAISIS, { year })]);
    expect(narrowed.funnel.departed).to.be.lessThan(all.funnel.departed);
    const cells = pageRow(res.text, DOUAISIS);
    // The counts as the coordinator reads them: 1 or 2 as "< 3".
    expect(cells.slice(0, 2)).to.deep.equal([countShown(true)(narrowed.groups.total), String(narrowed.funnel.departed)]);
    expect(visibleText(res.text)).to.include(String(year));
  });

  it('ignores a structure, group or worker filter: those would name what the network never names', async () => {
    const res = await coordinator.get(`/network?structure=${ids.structures[MJC]}&group=1&worker=${ids.users.karim}`);
    expect(res.status).to.equal(200);
    expect(pageRow(res.text, DOUAISIS)[0]).to.equal(countShown(true)((await dashboardOf(DOUAISIS, {})).groups.total));
  });

  it('says what was wrong with a filter (422) and shows the figures without it', async () => {
    const res = await coordinator.get('/network?year=20x4');
    expect(res.status).to.equal(422);
    expect(pageRow(res.text, DOUAISIS)[0]).to.equal(countShown(true)((await dashboardOf(DOUAISIS, {})).groups.total));
    const before = await testDb()('audit_log').where({ action: 'network.export' }).count({ n: '*' });
    expect((await coordinator.get('/network/export.csv?year=20x4')).status).to.equal(422);
    expect((await coordinator.get('/network/report.pdf?year=20x4')).status).to.equal(422);
    expect(await testDb()('audit_log').where({ action: 'network.export' }).count({ n: '*' })).to.deep.equal(before);
  });

  it('exports the page\'s figures as CSV, and logs who took them with which filters', async () => {
    const page = await coordinator.get(`/network?year=${year}`);
    const res = await coordinator.get(`/network/export.csv?year=${year}`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    expect(res.headers['content-disposition']).to.match(/attachment; filename="tremplin-reseau-[\d-]+\.csv"/);
    const rows = csvRows(res.text);
    expect(rows[0]!.length).to.equal(11);
    const douaisis = rows.find((r) => r[0] === DOUAISIS)!;
    expect(douaisis.slice(1, 3)).to.deep.equal(pageRow(page.text, DOUAISIS).slice(0, 2));
    expect(rows.map((r) => r[0])).to.include(MJC);
    expect(NAMES.filter((n) => res.text.includes(n))).to.deep.equal([]);
    const [line] = await testDb()('audit_log').where({ action: 'network.export' }).orderBy('id', 'desc').limit(1);
    expect(line).to.include({ user_id: ids.users.coordinator, subject_type: 'network', subject_id: ids.network });
    expect(JSON.parse(line.details)).to.deep.equal({ format: 'csv', filters: { year } });
  });

  it('exports them as a PDF, logged the same way', async () => {
    const res = await coordinator.get(`/network/report.pdf?year=${year}`).buffer(true).parse(binary as never);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    const text = await pdfText(res.body as Buffer);
    expect(text).to.include(DOUAISIS).and.include(MJC).and.include(String(year));
    expect(NAMES.filter((n) => text.includes(n))).to.deep.equal([]);
    const [line] = await testDb()('audit_log').where({ action: 'network.export' }).orderBy('id', 'desc').limit(1);
    expect(JSON.parse(line.details)).to.deep.equal({ format: 'pdf', filters: { year } });
  });

  it('shows an opted-out structure by its letter and hides small counts in every format', async () => {
    const admin = await signIn(buildApp(), DEMO_ACCOUNTS.admin.email);
    expect((await postForm(admin, '/admin/structure', { namedInNetwork: 'no' }, '/admin/structure')).status).to.equal(303);
    const now = new Date().toISOString();
    const small = insertedId((await testDb()('structures').insert({ name: 'Ville du Portel', town: 'Le Portel', network_id: ids.network, created_at: now }).returning('id'))[0]);
    const group = insertedId((await testDb()('groups').insert({
      name: 'Petit groupe', structure_id: small, destination_country: 'BF', departure_date: '2025-01-10', return_date: '2025-01-20', phase: 'return', created_at: now, updated_at: now,
    }).returning('id'))[0]);
    for (const last of ['Un', 'Deux']) {
      const youth = insertedId((await testDb()('youths').insert({ first_name: 'Jeune', last_name: last, birth_date: '2005-01-01', created_at: now }).returning('id'))[0]);
      await testDb()('enrolments').insert({ group_id: group, youth_id: youth, enrolled_on: '2024-06-01', created_at: now });
    }
    await testDb()('restitution_events').insert({ group_id: group, held_on: '2025-02-01', type: 'school', audience_total: 30, created_at: now, updated_at: now });
    try {
      const anonymous = `Structure ${letterFor(0)}`;
      const csv = (await coordinator.get('/network/export.csv')).text;
      const pdf = await pdfText((await coordinator.get('/network/report.pdf').buffer(true).parse(binary as never)).body as Buffer);
      const page = await coordinator.get('/network');
      for (const [format, text] of [['csv', csv], ['pdf', pdf], ['page', visibleText(page.text)]] as const) {
        expect(text, format).not.to.include(DOUAISIS);
        expect(text, format).to.include(anonymous).and.include('Ville du Portel');
      }
      // One group and two who departed: "< 3", and no ratio over them.
      expect(csvRows(csv).find((r) => r[0] === 'Ville du Portel')!.slice(1, 4)).to.deep.equal(['< 3', '< 3', '']);
      expect(pageRow(page.text, 'Ville du Portel').slice(0, 3)).to.deep.equal(['< 3', '< 3', '—']);
      expect(pdf).to.match(/Ville du Portel < 3 < 3 —/);
    } finally {
      await testDb()('restitution_events').where({ group_id: group }).del();
      await testDb()('enrolments').where({ group_id: group }).del();
      await testDb()('groups').where({ id: group }).del();
      await testDb()('structures').where({ id: small }).del();
      await testDb()('structures').where({ id: ids.structures[DOUAISIS] }).update({ named_in_network: true });
    }
  });
});
