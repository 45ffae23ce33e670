import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { binary, csvRows, pageRows, pdfText } from '../reports/exports.js';
import { today } from '../../src/db/time.js';

describe('a group’s budget (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let director: Agent;
  let ines: Agent;
  let directorMjc: Agent;
  let sadiola: string;
  before(async () => {
    ({ ids, app, karim, director, ines } = await appOnDemo('karim', 'director', 'ines'));
    directorMjc = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
    sadiola = `/groups/${ids.groups.sadiola}`;
  });

  const planned = { planned_travel: '4 200', planned_stay: '1 234,50', planned_preparation: '', planned_insurance: '300', planned_other: '' };

  it('saves the planned lines typed the French way and shows them with their total', async () => {
    const res = await postForm(karim, `${sadiola}/budget/planned`, planned, `${sadiola}/budget`);
    expect(res.status).to.equal(303);
    const rows = await testDb()('budget_planned').where({ group_id: ids.groups.sadiola }).orderBy('line').select('line', 'amount_cents');
    expect(rows.map((r) => [r.line, Number(r.amount_cents)])).to.deep.equal([['insurance', 30_000], ['stay', 123_450], ['travel', 420_000]]);
    const page = visibleText((await karim.get(`${sadiola}/budget`)).text);
    expect(page).to.include('Séjour 1 234,50 €').and.include('Total 5 734,50 €');
    // Shown again in the form as typed the French way.
    expect((await karim.get(`${sadiola}/budget`)).text).to.include('value="1234,50"');
  });

  it('refuses an amount that is not one, with the message on its field and everything typed kept', async () => {
    const res = await postForm(karim, `${sadiola}/budget/planned`, { ...planned, planned_other: '12,345' }, `${sadiola}/budget`);
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('Un montant en euros, par exemple 1 234,50.');
    expect(res.text).to.include('value="12,345"').and.include('value="1 234,50"');
    const other = await testDb()('budget_planned').where({ group_id: ids.groups.sadiola, line: 'other' }).first();
    expect(other).to.equal(undefined);
  });

  it('records each spending as its own row, with who recorded it, never overwriting the one before', async () => {
    for (const [amount, label] of [['850,00', 'Billets de train Lille–Paris'], ['1 200', 'Acompte hébergement']]) {
      const res = await postForm(karim, `${sadiola}/budget/spendings`, { spendingLine: amount === '850,00' ? 'travel' : 'stay', spentOn: today(), spendingAmount: amount!, spendingLabel: label! }, `${sadiola}/budget`);
      expect(res.status).to.equal(303);
    }
    const rows = await testDb()('budget_spendings').where({ group_id: ids.groups.sadiola }).orderBy('id').select('amount_cents', 'label', 'recorded_by', 'created_at');
    expect(rows.map((r) => Number(r.amount_cents))).to.deep.equal([85_000, 120_000]);
    expect(rows.every((r) => r.recorded_by === ids.users.karim && r.created_at)).to.equal(true);
    const page = visibleText((await karim.get(`${sadiola}/budget`)).text);
    expect(page).to.include('Billets de train Lille–Paris').and.include(`notée par ${DEMO_ACCOUNTS.karim.displayName}`).and.include('Dépensé 2 050,00 €');
  });

  it('refuses a spending dated in the future and keeps what was typed', async () => {
    const res = await postForm(karim, `${sadiola}/budget/spendings`, { spendingLine: 'other', spentOn: '2099-01-01', spendingAmount: '15', spendingLabel: 'Goûter' }, `${sadiola}/budget`);
    expect(res.status).to.equal(422);
    expect(visibleText(res.text)).to.include('pas de date à venir');
    expect(res.text).to.include('value="Goûter"').and.include('value="2099-01-01"');
  });

  it('counts as granted only what funders granted or paid, side by side on the group page', async () => {
    await testDb()('group_funders').where({ group_id: ids.groups.sadiola }).del();
    expect((await postForm(karim, `${sadiola}/budget/funders`, { funderName: 'Région Hauts-de-France', funderKind: 'region', funderAmount: '2 000', funderStatus: 'granted' }, `${sadiola}/budget`)).status).to.equal(303);
    expect((await postForm(karim, `${sadiola}/budget/funders`, { funderName: 'Erasmus+', funderKind: 'erasmus', funderAmount: '5 960', funderStatus: 'requested' }, `${sadiola}/budget`)).status).to.equal(303);
    const group = visibleText((await karim.get(sadiola)).text);
    expect(group).to.include('Prévu 5 734,50 € Accordé 2 000,00 € Dépensé 2 050,00 €');
    const erasmus = await testDb()('group_funders').where({ group_id: ids.groups.sadiola, kind: 'erasmus' }).first('id');
    expect((await postForm(karim, `${sadiola}/budget/funders/${erasmus.id}/status`, { status: 'paid' }, `${sadiola}/budget`)).status).to.equal(303);
    expect(visibleText((await karim.get(sadiola)).text)).to.include('Accordé 7 960,00 €');
  });

  it('computes the Erasmus+ grant with the band measured to the destination until a worker chooses one', async () => {
    await testDb()('groups').where({ id: ids.groups.sadiola }).update({ departure_date: '2026-07-01', return_date: '2026-07-07' });
    await testDb()('budget_erasmus').where({ group_id: ids.groups.sadiola }).del();
    const page = visibleText((await karim.get(`${sadiola}/budget`)).text);
    // Douai to Sadiola (Mali), about 4 270 km: the group page's band.
    expect(visibleText((await karim.get(sadiola)).text)).to.match(/tranche 4\s000 à 7\s999 km/);
    expect(page).to.match(/4\s000 à 7\s999 km \(mesurée de la ville de la structure à la destination/).and.include('Total Erasmus+');
  });

  it('computes the Erasmus+ grant from the group’s youths, leaders, dates and the band chosen', async () => {
    await testDb()('groups').where({ id: ids.groups.sadiola }).update({ departure_date: '2026-07-01', return_date: '2026-07-07' });
    const youths = Number((await testDb()('enrolments').where({ group_id: ids.groups.sadiola, status: 'enrolled' }).count({ n: '*' }))[0]!.n);
    // The leads and co-leads, and the accompanying adults who are not workers of the group.
    const workers = Number((await testDb()('group_workers').where({ group_id: ids.groups.sadiola }).count({ n: '*' }))[0]!.n);
    const others = Number((await testDb()('group_companions').where({ group_id: ids.groups.sadiola }).whereNull('user_id').count({ n: '*' }))[0]!.n);
    const leaders = workers + others;
    expect(workers).to.be.greaterThan(0);
    expect((await postForm(karim, `${sadiola}/budget/erasmus`, { distanceBand: '4000_7999' }, `${sadiola}/budget`)).status).to.equal(303);
    const page = visibleText((await karim.get(`${sadiola}/budget`)).text);
    // 41 € a participant a day for 7 days, and 1 188 € of travel each (2026 rates, 4 000–7 999 km).
    const total = (41 * 7 + 1188) * (youths + leaders);
    expect(page).to.include(`Participants : ${youths + leaders} (jeunes : ${youths}, accompagnateurs : ${leaders})`);
    expect(page).to.include(`Total Erasmus+ ${total.toLocaleString('fr-FR').replace(/\u202f/g, ' ')},00 €`);
  });

  it('estimates a group leaving next year with the latest year’s rates, saying so, and none before the first year', async () => {
    await testDb()('groups').where({ id: ids.groups.sadiola }).update({ departure_date: '2027-07-01', return_date: '2027-07-07' });
    expect(visibleText((await karim.get(`${sadiola}/budget`)).text)).to.include('Taux 2026 (ceux de 2027 ne sont pas encore saisis)');
    await testDb()('groups').where({ id: ids.groups.sadiola }).update({ departure_date: '2019-07-01', return_date: '2019-07-07' });
    const page = visibleText((await karim.get(`${sadiola}/budget`)).text);
    expect(page).to.include('Pas de taux Erasmus+ pour 2019').and.not.include('Total Erasmus+');
  });

  it('is read by the director, who edits nothing of it', async () => {
    expect((await director.get(`${sadiola}/budget`)).status).to.equal(200);
    expect((await director.get(`${sadiola}/budget`)).text).not.to.include('budget/planned');
    expect((await postForm(director, `${sadiola}/budget/planned`, planned, `${sadiola}/budget`)).status).to.equal(403);
  });

  it('does not exist for a youth of the group, nor for another structure’s director', async () => {
    expect((await ines.get(`${sadiola}/budget`)).status).to.equal(404);
    expect(visibleText((await ines.get(sadiola)).text)).not.to.include('Prévu');
    expect((await directorMjc.get(`${sadiola}/budget`)).status).to.equal(404);
  });

  it('lets the director set a year’s rates, keeping who changed them, and refuses a rate that is not an amount', async () => {
    const form = (await director.get('/budget/rates?year=2027')).text;
    expect(visibleText(form)).to.include('Pas encore de taux pour 2027');
    const fields = Object.fromEntries([...form.matchAll(/name="((?:organisational|travel_|green_)[\w]*)"[^>]*value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
    expect(fields.travel_500_1999).to.equal('309,00');
    const bad = await postForm(director, '/budget/rates', { ...fields, year: '2027', organisational: 'quarante' }, '/budget/rates');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('value="quarante"');
    expect((await postForm(director, '/budget/rates', { ...fields, year: '2027', organisational: '43,50' }, '/budget/rates')).status).to.equal(303);
    const row = await testDb()('erasmus_rates').where({ programme_year: 2027 }).first();
    expect(Number(row.organisational_cents)).to.equal(4_350);
    expect(row.set_by).to.equal(ids.users.director);
    expect(visibleText((await director.get('/budget/rates?year=2027')).text)).to.include(DEMO_ACCOUNTS.director.displayName);
  });

  it('leads the director from the dashboard’s budget to the Erasmus+ rates, and nobody who may not set them', async () => {
    const sectionOf = (html: string) => /<section class="card report-section" aria-labelledby="title-budget">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    const budget = sectionOf((await director.get('/reports')).text);
    expect(budget, 'the dashboard has its budget section').to.include('id="title-budget"');
    expect(budget).to.match(/<a href="\/budget\/rates">Taux Erasmus\+<\/a>/);
    expect((await director.get('/budget/rates')).status).to.equal(200);
    const karimsDashboard = await karim.get('/reports');
    expect(karimsDashboard.status).to.equal(200);
    expect(sectionOf(karimsDashboard.text), 'the worker’s dashboard has the budget too').to.include('id="title-budget"');
    expect(karimsDashboard.text).not.to.include('href="/budget/rates"');
  });

  it('totals planned, granted and spent on the dashboard, its CSV and its PDF, with the filters', async () => {
    const page = (await director.get('/reports')).text;
    expect(pageRows(page, 'budget')).to.deep.equal([['Prévu', '5 734,50 €'], ['Accordé', '7 960,00 €'], ['Dépensé', '2 050,00 €']]);
    expect(visibleText(page)).to.include('(1 groupe avec un budget prévu)').and.include('Budget des groupes').and.not.include('reports.sections.budget');
    const csv = csvRows((await director.get('/reports/export/budget.csv')).text);
    expect(csv.slice(1)).to.deep.equal([['Prévu', '5734,50'], ['Accordé', '7960,00'], ['Dépensé', '2050,00']]);
    const pdf = await pdfText((await director.get('/reports/report.pdf').buffer(true).parse(binary as never)).body as Buffer);
    expect(pdf).to.include('Budget des groupes').and.include('5 734,50 €');
    // Another group: none of Sadiola's money.
    const other = (await director.get(`/reports?group=${ids.groups.dispensaire}`)).text;
    expect(pageRows(other, 'budget')).to.deep.equal([['Prévu', '0,00 €'], ['Accordé', '0,00 €'], ['Dépensé', '0,00 €']]);
  });
});
