import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { appOnDemo, csrfToken, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { pdfBytes, pngBytes } from '../support/sample-files.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { KINDS } from '../../src/documents/requirements.js';
import { networkPaperRules, structurePaperRules } from '../../src/structures/papers.js';
import { parseForm } from '../../src/http/validation.js';
import { LOGO_MAX_BYTES, SettingsForm, settingsOf } from '../../src/structures/settings.js';

const DOUAISIS = 'Mission locale du Douaisis';
const MJC = "MJC d'Halluin";

describe('a structure\'s settings', () => {
  let ids: DemoIds;
  let admin: Agent;
  let app: Parameters<typeof signIn>[0];
  before(async () => ({ ids, app, admin } = await appOnDemo('admin')));

  const save = (fields: Record<string, string | string[]>) =>
    postForm(admin, '/admin/structure/settings', fields as Record<string, string>, '/admin/structure');

  describe('GET /admin/structure', () => {
    it('shows the installation\'s retention as the default, every milestone planned, and no change yet', async () => {
      const res = await admin.get('/admin/structure');
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Réglages de la structure').and.include('Vide : 90 jours').and.include('Aucun réglage modifié pour l’instant.');
      for (const m of [1, 3, 6, 12]) expect(res.text).to.match(new RegExp(`name="milestones" value="${m}"[^>]*checked`));
    });
  });

  describe('POST /admin/structure/settings', () => {
    it('saves the structure\'s own settings and records each change with who made it', async () => {
      const res = await save({ retentionDays: '30', milestones: ['3', '12'], smsSender: 'ML Douai', address: '12 rue de la Mairie\n59500 Douai' });
      expect(res.status).to.equal(303);
      expect(await settingsOf(testDb(), ids.structures[DOUAISIS]!)).to.deep.equal({
        retentionDays: 30, milestones: [3, 12], smsSender: 'ML Douai', address: '12 rue de la Mairie\n59500 Douai',
      });
      const changes = await testDb()('structure_setting_changes').where({ structure_id: ids.structures[DOUAISIS]! }).orderBy('id').select('setting', 'value', 'changed_by', 'changed_by_name');
      expect(changes).to.deep.equal([
        { setting: 'retentionDays', value: '30', changed_by: ids.users.admin, changed_by_name: 'Alice Admin' },
        { setting: 'milestones', value: '3,12', changed_by: ids.users.admin, changed_by_name: 'Alice Admin' },
        { setting: 'smsSender', value: 'ML Douai', changed_by: ids.users.admin, changed_by_name: 'Alice Admin' },
        { setting: 'address', value: '12 rue de la Mairie\n59500 Douai', changed_by: ids.users.admin, changed_by_name: 'Alice Admin' },
      ]);
      const page = visibleText((await admin.get('/admin/structure')).text);
      expect(page).to.include('Alice Admin : conservation des scans → 30').and.include('suivis planifiés → 3,12');
      // The other structure of the network keeps the installation's settings.
      expect(await settingsOf(testDb(), ids.structures[MJC]!)).to.deep.equal({ retentionDays: null, milestones: [1, 3, 6, 12], smsSender: null, address: null });
    });

    it('records only what changed; an empty retention is back to the installation\'s', async () => {
      const last = async () => Number((await testDb()('structure_setting_changes').max({ id: 'id' }).first())!.id);
      const before = await last();
      expect((await save({ retentionDays: '', milestones: ['3', '12'], smsSender: 'ML Douai', address: '12 rue de la Mairie\n59500 Douai' })).status).to.equal(303);
      expect(await testDb()('structure_setting_changes').where('id', '>', before).select('setting', 'value')).to.deep.equal([{ setting: 'retentionDays', value: null }]);
      expect((await settingsOf(testDb(), ids.structures[DOUAISIS]!)).retentionDays).to.equal(null);
    });

    it('refuses a form without any milestone, an SMS sender off the rules and a retention that is no number, keeping the input', async () => {
      const res = await save({ retentionDays: 'trois', smsSender: '0612345678', address: 'Place du Marché' });
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Choisissez au moins un suivi.').and.include('De 3 à 11 caractères : lettres sans accent, chiffres et espaces, avec au moins une lettre.');
      expect(res.text).to.include('value="trois"').and.include('value="0612345678"').and.include('Place du Marché');
      expect(res.text).to.not.match(/name="milestones" value="\d+"[^>]*checked/);
      expect((await settingsOf(testDb(), ids.structures[DOUAISIS]!)).smsSender).to.equal('ML Douai');
    });

    it('keeps the milestones ticked when another field is refused', async () => {
      const res = await save({ retentionDays: '5000', milestones: ['1', '6'] });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Entre 0 et 3650 jours.');
      expect(res.text).to.match(/name="milestones" value="1"[^>]*checked/).and.match(/name="milestones" value="6"[^>]*checked/);
      expect(res.text).to.not.match(/name="milestones" value="3"[^>]*checked/);
    });
  });

  describe('the SMS sender name', () => {
    const sender = (smsSender: string) => {
      const form = parseForm(SettingsForm, { milestones: '6', smsSender });
      return form.ok ? form.data.smsSender : form.errors.smsSender;
    };
    it('takes 3 to 11 letters, digits and spaces with at least one letter', () => {
      expect(sender('MJC')).to.equal('MJC');
      expect(sender('  Tremplin 2 ')).to.equal('Tremplin 2');
      expect(sender('ML Douaisis')).to.equal('ML Douaisis');
      expect(sender('')).to.equal(null);
    });
    it('refuses a name too short or too long, of digits only, with accents or signs', () => {
      for (const bad of ['ML', 'Mission Locale', '59500', 'Élan', 'MJC-Halluin']) expect(sender(bad), bad).to.be.a('string').and.match(/^(structures\.settingsForm\.smsSenderRules|validation\.tooLong)$/);
    });
  });

  describe('POST /admin/structure/logo', () => {
    const uploadDir = () => testDatabase().config.uploadDir;
    const send = async (bytes: Buffer, filename: string, contentType: string) =>
      admin.post(`/admin/structure/logo?_csrf=${encodeURIComponent(await csrfToken(admin, '/admin/structure'))}`).attach('logo', bytes, { filename, contentType });
    const stored = async () => (await testDb()('structures').where({ id: ids.structures[DOUAISIS]! }).first('logo_path', 'logo_mime'));
    const tempFiles = () => (existsSync(path.join(uploadDir(), 'tmp')) ? readdirSync(path.join(uploadDir(), 'tmp')) : []);

    it('refuses a file that is no PNG nor JPEG whatever its name says, and keeps nothing of it', async () => {
      const res = await send(pdfBytes(), 'logo.png', 'image/png');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Le fichier n’est ni un PNG ni un JPEG.');
      expect(await stored()).to.deep.equal({ logo_path: null, logo_mime: null });
      expect(tempFiles()).to.deep.equal([]);
      expect((await admin.get('/admin/structure/logo')).status).to.equal(404);
    });

    it('refuses a picture over the size limit', async () => {
      const res = await send(Buffer.concat([pngBytes(), Buffer.alloc(LOGO_MAX_BYTES)]), 'grand.png', 'image/png');
      expect(res.status).to.equal(413);
      expect(visibleText(res.text)).to.include('L’image est trop lourde.');
      expect(tempFiles()).to.deep.equal([]);
    });

    it('keeps a PNG under a generated name, shows it through the app to its admin, and replaces the previous one', async () => {
      expect((await send(pngBytes(), '../../etc/logo.jpg', 'image/jpeg')).status).to.equal(303);
      const first = await stored();
      expect(first.logo_mime).to.equal('image/png');
      expect(first.logo_path).to.match(/^logos\/\d{4}\/[0-9a-f-]{36}\.png$/);
      expect((await admin.get('/admin/structure')).text).to.include('src="/admin/structure/logo"');
      const shown = await admin.get('/admin/structure/logo');
      expect(shown.status).to.equal(200);
      expect(shown.headers['content-type']).to.equal('image/png');

      expect((await send(pngBytes(8, 8), 'autre.png', 'image/png')).status).to.equal(303);
      expect(existsSync(path.join(uploadDir(), first.logo_path))).to.equal(false);
      expect(existsSync(path.join(uploadDir(), (await stored()).logo_path))).to.equal(true);
      const logged = await testDb()('structure_setting_changes').where({ setting: 'logo' }).select('value', 'changed_by');
      expect(logged).to.deep.equal([{ value: 'image/png', changed_by: ids.users.admin }, { value: 'image/png', changed_by: ids.users.admin }]);
    });
  });

  describe('the papers asked for', () => {
    const papersForm = (choices: Record<string, string>) => Object.fromEntries(KINDS.map((k) => [`paper_${k}`, choices[k] ?? 'inherit']));

    it('lets the network\'s coordinator set the network\'s default list, which the structure\'s page then shows', async () => {
      const coordinator = await signIn(app, DEMO_ACCOUNTS.coordinator.email);
      const page = await coordinator.get('/network/papers');
      expect(page.status).to.equal(200);
      expect(visibleText(page.text)).to.include('Papiers de santé').and.include('Selon la destination');
      expect((await postForm(coordinator, '/network/papers', papersForm({ health: 'always' }), '/network/papers')).status).to.equal(303);
      expect(await networkPaperRules(testDb(), ids.network)).to.deep.equal({ health: 'always' });
      expect(visibleText((await admin.get('/admin/structure')).text)).to.include('Papiers de santé Le réseau : toujours');
    });

    it('lets the structure\'s admin leave out a paper the network asks for, and refuses a choice it does not know, keeping the input', async () => {
      const refused = await postForm(admin, '/admin/structure/papers', { ...papersForm({ health: 'never' }), paper_visa: 'sometimes' }, '/admin/structure');
      expect(refused.status).to.equal(422);
      expect(refused.text).to.match(/name="paper_health"[\s\S]*?<option value="never" selected/);
      expect(await structurePaperRules(testDb(), ids.structures[DOUAISIS]!)).to.deep.equal({});
      expect((await postForm(admin, '/admin/structure/papers', papersForm({ health: 'never' }), '/admin/structure')).status).to.equal(303);
      expect(await structurePaperRules(testDb(), ids.structures[DOUAISIS]!)).to.deep.equal({ health: 'never' });
      expect(visibleText((await admin.get('/admin/structure')).text)).to.include('papiers demandés → Papiers de santé : jamais');
    });

    it('lets the platform\'s admin set a network\'s list too', async () => {
      const platform = await signIn(app, DEMO_ACCOUNTS.platform.email);
      const path = `/platform/networks/${ids.network}/papers`;
      expect((await platform.get(path)).status).to.equal(200);
      expect((await postForm(platform, path, papersForm({ exit_authorisation: 'never' }), path)).status).to.equal(303);
      expect(await networkPaperRules(testDb(), ids.network)).to.deep.equal({ exit_authorisation: 'never' });
    });
  });
});
