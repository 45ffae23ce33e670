import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { youthOf } from '../participants/fixtures.js';
import { DEMO_LOGINS } from '../support/accounts.js';
import { createAccount } from '../../src/users/user.js';

/**
 * A medium cleared beyond the group (restitution events, public) was cleared as it was: the adults read
 * that caption and that text. Changing them takes it back to the group until someone clears it again.
 */
describe('editing a medium cleared beyond the group', () => {
  let ids: DemoIds;
  let elodie: Agent;
  let lucas: Agent;
  let admin: Agent;
  let app: Express;

  const byCaption = (caption: string) => testDb()('media').where({ caption }).first();
  const youthId = (firstName: string) => youthOf(testDb(), ids.groups.bafou, firstName);
  const mediaShownAtEvents = async (): Promise<string> => {
    const html = (await elodie.get(`/groups/${ids.groups.bafou}/restitution`)).text;
    return [...html.matchAll(/<div class="event-media">[\s\S]*?<\/div>/g)].map((m) => visibleText(m[0])).join(' | ');
  };

  before(async () => {
    ({ ids, app, elodie, lucas } = await appOnDemo('elodie', 'lucas'));
    // Bafou is the MJC's: its admin reads its audit log.
    await createAccount(testDb(), { role: 'admin', displayName: 'Admin MJC', email: 'admin.mjc@clearance.test', password: 'admin-mjc-1' }, { structureId: ids.structures["MJC d'Halluin"] });
    admin = await signIn(app, 'admin.mjc@clearance.test', 'admin-mjc-1');
  });

  it('warns on the form, before saving, that changing the caption or text withdraws the clearance', async () => {
    const mine = await byCaption('Mon avant');
    const page = visibleText((await lucas.get(`/groups/${ids.groups.bafou}/media/${mine.id}`)).text);
    expect(page).to.include('Ce média est autorisé pour « Public ». Si tu changes la légende ou le texte, il reviendra au groupe seulement');
  });

  it('a youth who rewrites the text of her public medium takes it back to the group: the events no longer show it, and the audit log says who and when', async () => {
    const mine = await byCaption('Mon avant');
    expect(await mediaShownAtEvents()).to.include('Mon avant');
    const url = `/groups/${ids.groups.bafou}/media/${mine.id}`;
    const started = new Date().toISOString();
    const res = await postForm(lucas, url, { moment: 'before', caption: 'Mon avant', body: 'Finalement, je préfère ne rien dire.', youth: String(await youthId('Lucas')) }, url);
    expect(res.status).to.equal(303);
    expect((await byCaption('Mon avant')).use_level).to.equal('group');
    expect(visibleText((await lucas.get(url)).text)).to.include('Légende ou texte changés : ce média revient au groupe seulement.');
    expect(await mediaShownAtEvents()).not.to.include('Mon avant');
    expect(visibleText((await elodie.get(`/groups/${ids.groups.bafou}/restitution`)).text)).to.include('ou média modifié depuis) : il n’est plus montré.');

    const [line] = await testDb()('audit_log').where({ action: 'medium.clearanceWithdrawn', subject_id: mine.id });
    expect(line).to.include({ user_id: ids.youthUsers['lucas.v'], user_name: 'Lucas Vermeersch', subject_type: 'medium', group_id: ids.groups.bafou });
    expect(line.at >= started).to.equal(true);
    expect(JSON.parse(line.details)).to.deep.equal({ from: 'public', changed: ['body'] });
    expect(visibleText((await admin.get('/admin/audit')).text))
      .to.include('Lucas Vermeersch a modifié un média autorisé au-delà du groupe : il revient au groupe').and.include('(il était « Public »)');
    // Another structure's admin reads nothing of it.
    const other = await signIn(app, DEMO_LOGINS.admin);
    expect(visibleText((await other.get('/admin/audit')).text)).not.to.include('Lucas Vermeersch');
  });

  it('the lead who changes the caption takes it back to the group too, whatever level the form still said', async () => {
    const journal = await byCaption('Journal du séjour, jour 5');
    expect(journal.use_level).to.equal('restitution');
    const url = `/groups/${ids.groups.bafou}/media/${journal.id}`;
    const token = csrfFrom((await elodie.get(url)).text);
    const res = await elodie.post(url).type('form').send(
      `_csrf=${encodeURIComponent(token)}&moment=during&caption=${encodeURIComponent('Journal du séjour, jour 5 (corrigé)')}&body=${encodeURIComponent(journal.body)}`
      + `&youth=${await youthId('Lucas')}&youth=${await youthId('Amina')}&useLevel=restitution`,
    );
    expect(res.status).to.equal(303);
    expect((await byCaption('Journal du séjour, jour 5 (corrigé)')).use_level).to.equal('group');
    const [line] = await testDb()('audit_log').where({ action: 'medium.clearanceWithdrawn', subject_id: journal.id });
    expect(line).to.include({ user_id: ids.users.elodie });
    expect(JSON.parse(line.details)).to.deep.equal({ from: 'restitution', changed: ['caption'] });
  });

  it('a save that changes neither caption nor text keeps the clearance, and writes nothing in the audit log', async () => {
    const after = await byCaption('Mon après');
    expect(after.use_level).to.equal('public');
    const url = `/groups/${ids.groups.bafou}/media/${after.id}`;
    const lines = Number((await testDb()('audit_log').count({ n: '*' }))[0]!.n);
    // The same text as the browser sends it back (its line ends as CRLF), around spaces the form trims.
    const res = await postForm(elodie, url, { moment: 'after', caption: ' Mon après ', body: after.body.replace(/\n/g, '\r\n'), youth: String(await youthId('Lucas')), useLevel: 'public' }, url);
    expect(res.status).to.equal(303);
    expect((await byCaption('Mon après')).use_level).to.equal('public');
    expect(Number((await testDb()('audit_log').count({ n: '*' }))[0]!.n)).to.equal(lines);
    expect(await mediaShownAtEvents()).to.include('Mon après');
  });
});
