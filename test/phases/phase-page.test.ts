import { expect } from 'chai';
import type { Express } from 'express';
import { buildApp, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_GROUPS, type DemoIds } from '../../src/demo/demo-data.js';
import { youthWithAccount } from '../participants/fixtures.js';

/**
 * The phase page of Sadiola (in preparation) as Inès, a youth of the group, sees it. The departure gate
 * lists every youth's gaps for the adults in charge; a youth reads their own line and nobody else's.
 * The values are the demo's (src/demo/demo-documents.ts): Mamadou's passport scan was refused ("Photo
 * illisible"), Chloé's passport runs out too soon, Manon is a minor and owes an exit authorisation.
 */
describe('GET /groups/:id/phase: what a youth reads of the others', () => {
  let ids: DemoIds;
  let app: Express;
  let page: string;
  const sadiola = DEMO_GROUPS.find((g) => g.key === 'sadiola')!;
  const longDate = (iso: string) => new Intl.DateTimeFormat('fr', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${iso}T00:00:00Z`));

  async function phasePage(login: string, groupId = ids.groups.sadiola): Promise<string> {
    const agent = await signIn(app, login);
    const res = await agent.get(`/groups/${groupId}/phase`);
    expect(res.status).to.equal(200);
    return visibleText(res.text);
  }

  before(async () => {
    ids = await resetToDemo();
    app = buildApp();
    page = await phasePage('ines.d');
  });

  it('a youth reads no other youth’s name on the phase page', () => {
    const others = sadiola.youths.filter(([first]) => first !== 'Inès').map(([first, last]) => `${first} ${last}`);
    expect(others).to.have.length(9);
    for (const name of others) expect(page, name).not.to.include(name);
  });

  it('a youth reads no other youth’s refused scan, nor why it was refused', () => {
    expect(page).not.to.include('Photo illisible');
    expect(page).not.to.include('refusé');
  });

  it('a youth reads no other youth’s passport expiry date', async () => {
    const chloe = await testDb()('youth_documents')
      .join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'youths.first_name': 'Chloé', 'enrolments.group_id': ids.groups.sadiola, 'youth_documents.kind': 'passport_or_id' })
      .first('youth_documents.expiry_date');
    expect(chloe.expiry_date).to.match(/^\d{4}-\d\d-\d\d$/);
    expect(page).not.to.include(longDate(chloe.expiry_date));
    expect(page).not.to.include('valable jusqu’au');
  });

  it('a youth cannot tell from the phase page which of the others is a minor', () => {
    // Inès is 19: an exit authorisation or a parent's ID on her page can only be someone else's.
    expect(page).not.to.include('Autorisation de sortie du territoire');
    expect(page).not.to.include('Pièce d’identité du parent');
  });

  it('a youth reads neither the others’ vaccination nor their attendance', () => {
    // Inès handed in her yellow fever paper ("rendu, pas encore vérifié"); the others did not.
    expect(page).not.to.include('Vaccin contre la fièvre jaune : pas encore rendu');
    expect(page).not.to.include('Présence aux séances de préparation');
  });

  it('a youth reads no count of the others who are not ready', () => {
    expect(page).not.to.match(/jeunes? ne (sont|est) pas prêts?/);
  });

  it('a youth reads their own line: what they still lack to leave, with the way to their papers', async () => {
    expect(page).to.include('Ce qu’il te manque pour partir');
    expect(page).to.include('Passeport : rendu, pas encore vérifié');
    expect(page).to.include('Vaccin contre la fièvre jaune : rendu, pas encore vérifié');
    const agent = await signIn(app, 'ines.d');
    const html = (await agent.get(`/groups/${ids.groups.sadiola}/phase`)).text;
    const own = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'youths.user_id': ids.youthUsers['ines.d'], 'enrolments.group_id': ids.groups.sadiola }).first('enrolments.id');
    expect(html).to.include(`href="/groups/${ids.groups.sadiola}/youths/${own.id}/documents"`);
  });

  it('the lead and the director still read every youth’s line of the gate', async () => {
    for (const login of [DEMO_ACCOUNTS.karim.email, DEMO_ACCOUNTS.director.email]) {
      const text = await phasePage(login);
      expect(text, login).to.include('Mamadou Sissoko').and.include('Photo illisible');
      expect(text, login).to.include('Manon Delattre').and.include('Autorisation de sortie du territoire');
      expect(text, login).to.include('jeunes ne sont pas prêts');
    }
  });

  it('a youth reads nothing of the follow-ups on the phase page of a group back home', async () => {
    // "Finir le dispensaire" is a year after its return, with follow-ups planned, done and late; Sofiane
    // gets an account for the test.
    await youthWithAccount(testDb(), ids.groups.dispensaire, 'Sofiane', 'sofiane.a');
    const lead = await phasePage(DEMO_ACCOUNTS.karim.email, ids.groups.dispensaire);
    expect(lead).to.include('Suivis après le retour planifiés').and.include('Suivis faits à temps');
    const youth = await phasePage('sofiane.a', ids.groups.dispensaire);
    expect(youth).not.to.include('Suivis');
  });
});
