import { expect } from 'chai';
import { buildApp, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, DEMO_GROUPS, DEMO_NETWORK, type DemoIds } from '../../src/demo/demo-data.js';
import { computeDashboard } from '../../src/reports/dashboard.js';
import { binary, pdfText } from '../reports/exports.js';
import { resolvePath, ROW_TABLES, ROLES } from '../permissions/rows/index.js';

const MATRIX: Record<string, readonly number[]> = Object.assign({}, ...ROW_TABLES);

/** Every name the demo gives a youth, a group or a member of staff of a structure. */
const NAMES = [
  ...DEMO_GROUPS.flatMap((g) => [g.name, ...g.youths.map(([first, last]) => `${first} ${last}`), ...g.youths.map(([, last]) => last)]),
  ...[DEMO_ACCOUNTS.admin, DEMO_ACCOUNTS.director, DEMO_ACCOUNTS.karim, DEMO_ACCOUNTS.elodie, DEMO_ACCOUNTS.directorMjc].map((a) => a.displayName),
];
const namesIn = (text: string) => NAMES.filter((n) => text.includes(n));

const DOUAISIS = 'Mission locale du Douaisis';
const MJC = "MJC d'Halluin";

describe('networks and structures', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('GET /network', () => {
    let coordinator: Agent;
    before(async () => {
      coordinator = await signIn(buildApp(), DEMO_ACCOUNTS.coordinator.email);
    });

    it('shows each structure of the network side by side with the dashboard\'s own figures', async () => {
      const res = await coordinator.get('/network');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include(DEMO_NETWORK).and.include(DOUAISIS).and.include(MJC);
      const douaisis = await computeDashboard(testDb(), { role: 'director', userId: ids.users.director, structureId: ids.structures[DOUAISIS]! }, {});
      const row = /<tr>\s*<th scope="row">Mission locale du Douaisis<\/th>([\s\S]*?)<\/tr>/.exec(res.text)![1]!;
      const cells = [...row.matchAll(/<td class="num"[^>]*>([\s\S]*?)<\/td>/g)].map((m) => visibleText(m[1]!));
      expect(cells[0]).to.equal(String(douaisis.groups.total));
      expect(cells[1]).to.equal(String(douaisis.funnel.departed));
      expect(douaisis.funnel.departed).to.be.greaterThan(2);
    });

    it('names no youth, no group and no worker', async () => {
      expect(namesIn(visibleText((await coordinator.get('/network')).text))).to.deep.equal([]);
    });
    // An opted-out structure by its letter and small counts as "< 3", on the page and in its exports: network-exports.test.ts.
  });

  describe('what the coordinator and the platform admin read', () => {
    for (const who of ['coordinator', 'platformAdmin'] as const) {
      it(`names no youth, group or worker of a structure on any page the ${who} may open`, async () => {
        const agent = await signIn(buildApp(), who === 'coordinator' ? DEMO_ACCOUNTS.coordinator.email : DEMO_ACCOUNTS.platform.email);
        const anonymous = ROLES.indexOf('anonymous');
        // The pages that answer anyone (the health check, a calendar feed by its secret) are not theirs.
        const pages = Object.entries(MATRIX).filter(([route, codes]) => route.startsWith('GET ') && codes[ROLES.indexOf(who)] === 200 && codes[anonymous] !== 200);
        expect(pages.length).to.be.greaterThan(0);
        for (const [route] of pages) {
          const path = await resolvePath(testDb(), route.split(' ')[1]!, { ids, targetUserId: 0 });
          const res = path.endsWith('.pdf') ? await agent.get(path).buffer(true).parse(binary as never) : await agent.get(path);
          expect(res.status, route).to.equal(200);
          const text = path.endsWith('.pdf') ? await pdfText(res.body as Buffer) : visibleText(res.text);
          expect(namesIn(text), route).to.deep.equal([]);
        }
      });
    }
  });

  describe('the platform admin', () => {
    let platform: Agent;
    before(async () => {
      platform = await signIn(buildApp(), DEMO_ACCOUNTS.platform.email);
    });

    it('sees the networks and their structures with counts only', async () => {
      const text = visibleText((await platform.get('/platform')).text);
      expect(text).to.include(DEMO_NETWORK).and.include(DOUAISIS).and.include(MJC).and.include('3 groupes');
    });

    it('creates a network, a structure in it and its first admin, who then manages that structure alone', async () => {
      expect((await postForm(platform, '/platform/networks', { name: 'Réseau jeunesse Artois' }, '/platform/networks/new')).status).to.equal(303);
      const network = await testDb()('networks').where({ name: 'Réseau jeunesse Artois' }).first('id');
      const created = await postForm(platform, '/platform/structures', { name: 'STAJ Nord Artois', town: 'Valenciennes', networkId: String(network.id), namedInNetwork: 'no' }, '/platform/structures/new');
      expect(created.status).to.equal(303);
      const structure = await testDb()('structures').where({ name: 'STAJ Nord Artois' }).first();
      expect(structure).to.include({ town: 'Valenciennes', network_id: network.id });
      expect(Boolean(structure.named_in_network)).to.equal(false);
      expect(created.headers.location).to.equal(`/platform/structures/${structure.id}/admins/new`);
      const admin = await postForm(platform, `/platform/structures/${structure.id}/admins`, { displayName: 'Admin STAJ', email: 'admin@staj.test', password: 'admin-staj-1' }, created.headers.location);
      expect(admin.status).to.equal(303);
      expect(await testDb()('users').where({ email: 'admin@staj.test' }).first('role', 'structure_id')).to.deep.equal({ role: 'admin', structure_id: structure.id });
      const staj = await signIn(buildApp(), 'admin@staj.test', 'admin-staj-1');
      const accounts = visibleText((await staj.get('/admin/users')).text);
      expect(accounts).to.include('Admin STAJ').and.not.include(DEMO_ACCOUNTS.karim.displayName);
      expect((await staj.get(`/groups/${ids.groups.sadiola}`)).status).to.equal(404);
    });

    it('creates a network\'s coordinator, who reads that network only', async () => {
      const network = await testDb()('networks').where({ name: DEMO_NETWORK }).first('id');
      const res = await postForm(platform, `/platform/networks/${network.id}/coordinators`, { displayName: 'Coordination Bis', email: 'bis@lianes.test', password: 'coordination-bis' }, `/platform/networks/${network.id}/coordinators/new`);
      expect(res.status).to.equal(303);
      const bis = await signIn(buildApp(), 'bis@lianes.test', 'coordination-bis');
      expect(visibleText((await bis.get('/network')).text)).to.include(DEMO_NETWORK).and.include(MJC);
    });

    it('re-shows a form with its messages and the input kept: a name taken, a field missing', async () => {
      const taken = await postForm(platform, '/platform/structures', { name: MJC, town: 'Ailleurs', networkId: '', namedInNetwork: 'yes' }, '/platform/structures/new');
      expect(taken.status).to.equal(422);
      expect(visibleText(taken.text)).to.include('Ce nom est déjà pris.');
      expect(taken.text).to.include('value="Ailleurs"');
      const missing = await postForm(platform, '/platform/structures', { name: 'Sans choix', networkId: String(ids.network) }, '/platform/structures/new');
      expect(missing.status).to.equal(422);
      expect(missing.text).to.include('value="Sans choix"');
      const account = await postForm(platform, `/platform/networks/${ids.network}/coordinators`, { displayName: 'X', email: 'pas-un-email', password: 'court' }, '/platform');
      expect(account.status).to.equal(422);
      expect(visibleText(account.text)).to.include('Adresse e-mail non valide.');
      const unknown = await postForm(platform, '/platform/structures', { name: 'Réseau fantôme', networkId: '999999', namedInNetwork: 'yes' }, '/platform/structures/new');
      expect(unknown.status).to.equal(422);
      expect(visibleText(unknown.text)).to.include('Choisissez un réseau de la liste.');
    });

    it('finds no structure or network that does not exist (404)', async () => {
      expect((await platform.get('/platform/structures/999999/admins/new')).status).to.equal(404);
      expect((await platform.get('/platform/networks/999999/coordinators/new')).status).to.equal(404);
    });
  });

  describe('a structure\'s own choice', () => {
    it('is its admin\'s: the MJC\'s admin changes the MJC only', async () => {
      const mjc = ids.structures[MJC]!;
      await testDb()('users').insert({ role: 'admin', email: 'admin.mjc@structures.test', display_name: 'Admin MJC', password_hash: (await testDb()('users').where({ id: ids.users.admin }).first('password_hash')).password_hash, active: true, structure_id: mjc, created_at: 'x', updated_at: 'x' });
      const admin = await signIn(buildApp(), 'admin.mjc@structures.test');
      const page = visibleText((await admin.get('/admin/structure')).text);
      expect(page).to.include(MJC).and.include(DEMO_NETWORK);
      expect((await postForm(admin, '/admin/structure', { namedInNetwork: 'no' }, '/admin/structure')).status).to.equal(303);
      const named = async (id: number) => Boolean((await testDb()('structures').where({ id }).first('named_in_network')).named_in_network);
      expect([await named(mjc), await named(ids.structures[DOUAISIS]!)]).to.deep.equal([false, true]);
      // Recorded like the structure's other settings, with who and what it became, and shown in its history.
      expect(await testDb()('structure_setting_changes').where({ structure_id: mjc, setting: 'namedInNetwork' }).select('value', 'changed_by_name'))
        .to.deep.equal([{ value: 'no', changed_by_name: 'Admin MJC' }]);
      expect(visibleText((await admin.get('/admin/structure')).text)).to.include('Admin MJC').and.include('nom vu par le réseau');
      await testDb()('structures').where({ id: mjc }).update({ named_in_network: true });
    });
  });
});
