import { expect } from 'chai';
import type { Express } from 'express';
import { signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { appOnReportFixture, FIXTURE_YOUTH_NAMES, LOGINS, SADIOLA_NAME, type ReportFixture } from './fixture.js';
import { binary, csvRows, pdfText } from './exports.js';

describe('GET /reports and its exports', () => {
  let app: Express;
  let fx: ReportFixture;
  let director: Agent;

  before(async () => ({ fx, app, director } = await appOnReportFixture('director')));

  it('shows the figures of the year with links to the youths behind them', async () => {
    const res = await director.get('/reports?year=2024');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.include('10 Inscrits').and.include('5 Partis').and.include('5 Ont quitté le projet').and.include('125 Personnes touchées');
    expect(text).to.include('Présence : 86 % (12 présences sur 14 attendues');
    expect(text).to.include('À 6 mois 57 % (4/7)');
    expect(res.text).to.include('href="/reports/youths?year=2024&amp;figure=withdrawn&amp;reason=lost_contact"');
    // Each chart is a figure with its caption, and the same data as a table.
    expect(res.text).to.match(/<figure class="report-figure">\s*<figcaption id="caption-funnel">/);
    expect(res.text).to.include('<svg xmlns="http://www.w3.org/2000/svg" class="chart"');
    expect(res.text).to.include('aria-labelledby="caption-funnel"');
  });

  it('opens the list behind a figure: the two youths lost from view', async () => {
    const res = await director.get('/reports/youths?year=2024&figure=withdrawn&reason=lost_contact');
    expect(res.status).to.equal(200);
    const text = visibleText(res.text);
    expect(text).to.include('2 jeunes').and.include('Kevin Lemaire').and.include('Jordan Petit');
    expect(text).not.to.include('Inès Diallo');
  });

  it('re-renders with a message when a filter makes no sense, and keeps the others', async () => {
    const res = await director.get('/reports?year=20x4&country=ML&from=2024-02-31');
    expect(res.status).to.equal(422);
    const text = visibleText(res.text);
    expect(text).to.include('Certains filtres n’ont pas été compris').and.include('Une année sur 4 chiffres').and.include('Une date valide');
    expect(text).to.include('10 Inscrits');
    expect((await director.get('/reports/youths?figure=nonsense')).status).to.equal(404);
  });

  it('writes a CSV for French Excel: BOM, semicolons, CRLF, the same numbers as the page', async () => {
    const res = await director.get('/reports/export/funnel.csv?year=2024');
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv; charset=utf-8/);
    expect(res.text.startsWith('\uFEFF')).to.equal(true);
    expect(res.text).to.include('\r\n');
    const rows = csvRows(res.text);
    expect(rows[0]).to.deep.equal(['Étape', 'Jeunes', 'Part des inscrits']);
    expect(rows.slice(1).map((r) => [r[0], r[1]])).to.deep.equal([
      ['Inscrits', '10'], ['Ont suivi la préparation', '5'], ['Partis', '5'], ['Revenus', '5'], ['Ont présenté une restitution', '4'],
    ]);
    const withdrawals = csvRows((await director.get('/reports/export/withdrawals.csv?year=2024')).text);
    expect(withdrawals.find((r) => r[0] === 'A trouvé un emploi')).to.deep.equal(['A trouvé un emploi', '2', '2']);
    expect((await director.get('/reports/export/nothing.csv')).status).to.equal(404);
  });

  it('says, on the page, in the CSV and in the PDF, that of 8 youths called at 6 months 7 were reached and 1 was not: not "8 done"', async () => {
    const page = visibleText((await director.get('/reports?year=2024')).text);
    expect(page).to.include('Jeunes joints sur attendus, par suivi : 6 mois 7/8 (répondu par le jeune : 0, pas joints : 1, pas encore essayés : 0), 12 mois 3/7 (répondu par le jeune : 0, pas joints : 0, pas encore essayés : 4).');
    expect(page).to.include('Étape du suivi Attendus Joints Dont répondu par le jeune Essayés, pas joints Pas encore essayés');
    const rows = csvRows((await director.get('/reports/export/followups.csv?year=2024')).text);
    expect(rows[0]).to.deep.equal(['Étape du suivi', 'Attendus', 'Joints', 'Dont répondu par le jeune', 'Essayés, pas joints', 'Pas encore essayés']);
    expect(rows.slice(1)).to.deep.equal([
      ['À 1 mois', '0', '0', '0', '0', '0'], ['À 3 mois', '0', '0', '0', '0', '0'], ['À 6 mois', '8', '7', '0', '1', '0'], ['À 12 mois', '7', '3', '0', '0', '4'],
      ['Tous les suivis', '15', '10', '0', '1', '4'],
    ]);
    const pdf = await pdfText((await director.get('/reports/report.pdf?year=2024').buffer(true).parse(binary as never)).body as Buffer);
    expect(pdf).to.include('À 6 mois 8 7 0 1 0').and.include('Tous les suivis 15 10 0 1 4');
    // Behind the "1": the youth tried and not reached.
    const behind = visibleText((await director.get('/reports/youths?year=2024&figure=followUpTried&milestone=6')).text);
    expect(behind).to.include('Chloé Martin').and.not.include('Inès Diallo');
  });

  it('neutralises a group name that a spreadsheet would run as a formula', async () => {
    await testDb()('groups').where({ id: fx.groups.bafou }).update({ name: '=cmd|\' /C calc\'!A0' });
    try {
      const res = await director.get('/reports/export/groups.csv');
      const line = res.text.split('\r\n').find((l) => l.includes('cmd'))!;
      expect(line.startsWith('"\'=cmd|\' /C calc\'!A0"') || line.startsWith('\'=cmd')).to.equal(true, line);
      expect(line).not.to.match(/^"?=/);
    } finally {
      await testDb()('groups').where({ id: fx.groups.bafou }).update({ name: 'Chantier à Bafou' });
    }
  });

  it('prints a PDF with the same figures, French accents intact, and the names of youths with overdue follow-ups', async () => {
    const res = await director.get('/reports/report.pdf?year=2024').buffer(true).parse(binary as never);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.equal('application/pdf');
    const text = await pdfText(res.body as Buffer);
    expect(text).to.include('Rapport des résultats');
    expect(text).to.include('Année de départ : 2024');
    expect(text).to.include('Pourquoi des jeunes ont quitté le projet');
    expect(text).to.include(SADIOLA_NAME); // é, à, « », œ, ’
    expect(text).to.include('François Lefèvre'); // ç, è
    expect(text).to.include('Maëlle Dupont');
    expect(text).to.match(/Inscrits 10\b/);
    expect(text).to.match(/Personnes touchées 125\b/);
    expect(text).to.include('Présence : 86 % (12 présences sur 14 attendues');
  });

  it('anonymises the PDF: no names, counts of 1 and 2 shown as "< 3"', async () => {
    const res = await director.get('/reports/report.pdf?year=2024&anonymised=1').buffer(true).parse(binary as never);
    const text = await pdfText(res.body as Buffer);
    for (const name of FIXTURE_YOUTH_NAMES) expect(text).not.to.include(name);
    expect(text).not.to.include(SADIOLA_NAME);
    expect(text).to.match(/Grossesse < 3/);
    expect(text).to.match(/Inscrits 10\b/);
  });

  it('gives a worker the figures of their own groups, and no export', async () => {
    const karim = await signIn(app, LOGINS.karim);
    const mine = visibleText((await karim.get('/reports')).text);
    expect(mine).to.include('Vous voyez les chiffres de vos groupes seulement.').and.include('10 Inscrits');
    const elodie = await signIn(app, LOGINS.elodie);
    const hers = visibleText((await elodie.get('/reports')).text);
    expect(hers).to.include('7 Inscrits');
    expect((await elodie.get(`/reports/youths?figure=enrolled&group=${fx.groups.sadiola}`)).text).not.to.include('Inès Diallo');
    expect((await karim.get('/reports/export/funnel.csv')).status).to.equal(403);
    expect((await karim.get('/reports/report.pdf')).status).to.equal(403);
  });

  it('shows an admin the figures and exports, but not the names behind them', async () => {
    const admin = await signIn(app, LOGINS.admin);
    expect((await admin.get('/reports')).status).to.equal(200);
    expect((await admin.get('/reports/youths?figure=enrolled')).status).to.equal(403);
    const pdf = await admin.get('/reports/report.pdf?year=2024').buffer(true).parse(binary as never);
    const text = await pdfText(pdf.body as Buffer);
    expect(text).to.include('Version anonymisée');
    expect(text).not.to.include('François Lefèvre');
  });
});
