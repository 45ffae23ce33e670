import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { appOnDemo, csrfFrom, postForm, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { mediaProbe } from '../../src/media/media-probe.js';
import { keepUploadedMedium } from '../../src/media/medium-file.js';
import { findMedium } from '../../src/media/medium.js';
import { listFiles, makeMp4, requireFfmpeg, scratchDir, storedMedium, storedPhoto } from './fixtures.js';
import { enrolmentOf, youthOf } from '../participants/fixtures.js';

const uploadDir = () => testDatabase().config.uploadDir;
const youthId = (groupId: number, firstName: string) => youthOf(testDb(), groupId, firstName);
const enrolmentId = (groupId: number, firstName: string) => enrolmentOf(testDb(), groupId, firstName);
const mediumByCaption = async (caption: string) => testDb()('media').where({ caption }).first();

describe('media pages', () => {
  let ids: DemoIds;
  let karim: Agent;
  let ines: Agent;
  let lucas: Agent;
  let director: Agent;
  let photoId: number;

  before(async () => {
    ({ ids, karim, ines, lucas, director } = await appOnDemo('karim', 'ines', 'lucas', 'director'));
    photoId = await storedPhoto(testDb(), uploadDir(), ids.groups.sadiola, ids.youthUsers['ines.d']!, 'Photo d’Inès');
  });

  describe('GET /groups/:id/media', () => {
    it('shows a youth the group’s shared media, videos first, with a big add button, and no one’s consent', async () => {
      const res = await ines.get(`/groups/${ids.groups.sadiola}/media`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Vidéos, photos et carnet').and.include('Photos (1)').and.include('Carnet de bord (2)');
      expect(text).to.include('Ce que j’imagine du Mali').and.include('Séance interculturelle : nos clichés');
      expect(text.indexOf('Photos (1)')).to.be.lessThan(text.indexOf('Carnet de bord (2)'));
      expect(res.text).to.include(`href="/groups/${ids.groups.sadiola}/media/new"`);
      expect(text).not.to.include('Droit à l’image');
    });

    it('shows the lead each youth’s image rights, and flags a minor’s missing parental consent', async () => {
      const text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/media`)).text);
      expect(text).to.include('Droit à l’image').and.include('Yanis Mebarki').and.include('accord des parents manquant');
      expect(text).to.match(/Inès Dufour Accord : Public/);
    });

    it('shows the director the media, read-only', async () => {
      const res = await director.get(`/groups/${ids.groups.sadiola}/media`);
      expect(res.status).to.equal(200);
      expect(res.text).not.to.include(`href="/groups/${ids.groups.sadiola}/media/new"`);
    });

    it('is linked from the group page', async () => {
      const res = await ines.get(`/groups/${ids.groups.sadiola}`);
      expect(res.text).to.include(`href="/groups/${ids.groups.sadiola}/media"`).and.include(`href="/groups/${ids.groups.sadiola}/before-after"`);
    });

    it('reads in English too', async () => {
      await postForm(lucas, '/lang', { lang: 'en', returnTo: '/groups' }, '/groups');
      const text = visibleText((await lucas.get(`/groups/${ids.groups.bafou}/media`)).text);
      expect(text).to.include('Videos, photos and logbook').and.include('Logbook (3)').and.include('Before');
      await postForm(lucas, '/lang', { lang: 'fr', returnTo: '/groups' }, '/groups');
    });
  });

  describe('another group’s youth', () => {
    it('finds none of Sadiola’s media: not the list, the page, the file, the thumbnail nor the before/after (404)', async () => {
      const base = `/groups/${ids.groups.sadiola}`;
      for (const url of [`${base}/media`, `${base}/media/new`, `${base}/media/${photoId}`, `${base}/media/${photoId}/file`, `${base}/media/${photoId}/thumbnail`, `${base}/before-after`]) {
        expect((await lucas.get(url)).status, url).to.equal(404);
      }
    });

    it('cannot reach a medium of Sadiola through the URL of Bafou either', async () => {
      expect((await lucas.get(`/groups/${ids.groups.bafou}/media/${photoId}`)).status).to.equal(404);
      expect((await lucas.get(`/groups/${ids.groups.bafou}/media/${photoId}/file`)).status).to.equal(404);
    });
  });

  describe('GET /groups/:id/media/:mediumId', () => {
    it('shows the photo through the app, and its author the edit form without the use level', async () => {
      const res = await ines.get(`/groups/${ids.groups.sadiola}/media/${photoId}`);
      expect(res.status).to.equal(200);
      expect(res.text).to.include(`<img src="/groups/${ids.groups.sadiola}/media/${photoId}/file"`);
      expect(res.text).to.include('name="youth"').and.not.include('name="useLevel"');
      const file = await ines.get(`/groups/${ids.groups.sadiola}/media/${photoId}/file`).responseType('blob');
      expect(file.status).to.equal(200);
      expect(file.headers['content-type']).to.equal('image/jpeg');
      expect(file.headers['x-content-type-options']).to.equal('nosniff');
      expect(file.headers['cache-control']).to.equal('no-store');
      // Without ffmpeg's thumbnail, a photo is its own.
      expect((await ines.get(`/groups/${ids.groups.sadiola}/media/${photoId}/thumbnail`)).status).to.equal(200);
    });

    it('gives another youth of the group the page but not the edit form', async () => {
      const other = await mediumByCaption('Séance interculturelle : nos clichés');
      const res = await ines.get(`/groups/${ids.groups.sadiola}/media/${other.id}`);
      expect(res.status).to.equal(200);
      expect(res.text).not.to.include('name="youth"');
      expect(visibleText(res.text)).to.include('Inès Dufour, Yanis Mebarki, Mamadou Sissoko');
    });

    it('answers 404 for a text without a file, or a thumbnail that does not exist', async () => {
      const page = await mediumByCaption('Ce que j’imagine du Mali');
      expect((await ines.get(`/groups/${ids.groups.sadiola}/media/${page.id}/file`)).status).to.equal(404);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/media/${page.id}/thumbnail`)).status).to.equal(404);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/media/999999`)).status).to.equal(404);
      expect((await ines.get(`/groups/${ids.groups.sadiola}/media/abc`)).status).to.equal(404);
    });
  });

  describe('POST /groups/:id/media/:mediumId', () => {
    const url = () => `/groups/${ids.groups.sadiola}/media/${photoId}`;

    it('lets the author change the caption, moment and who is in it, and ignores a use level she sent', async () => {
      const res = await postForm(ines, url(), { moment: 'during', caption: 'Au marché', youth: String(await youthId(ids.groups.sadiola, 'Inès')), useLevel: 'public' }, url());
      expect(res.status).to.equal(303);
      const m = (await findMedium(testDb(), ids.groups.sadiola, photoId))!;
      expect(m).to.include({ moment: 'during', caption: 'Au marché', use_level: 'group' });
    });

    it('refuses the use level with the names of the youths lacking consent, keeping the form (422)', async () => {
      const tagged = [await youthId(ids.groups.sadiola, 'Inès'), await youthId(ids.groups.sadiola, 'Yanis'), await youthId(ids.groups.sadiola, 'Kevin')];
      const token = (await karim.get(url())).text.match(/name="csrf-token" content="([^"]+)"/)![1]!;
      const res = await karim.post(url()).type('form').send(
        `_csrf=${encodeURIComponent(token)}&moment=during&caption=${encodeURIComponent('Au marché')}&useLevel=restitution&${tagged.map((id) => `youth=${id}`).join('&')}`,
      );
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Pas possible : ces jeunes n’ont pas donné leur accord pour « Restitutions ».');
      expect(text).to.include('Yanis Mebarki : mineur·e : accord des parents manquant').and.include('Kevin Dubois : aucun accord enregistré');
      expect(text).not.to.include('Inès Dufour :');
      for (const id of tagged) expect(res.text).to.match(new RegExp(`name="youth" value="${id}" checked`));
      expect(res.text).to.match(/name="useLevel" value="restitution" checked/);
      expect((await findMedium(testDb(), ids.groups.sadiola, photoId))!.use_level).to.equal('group');
    });

    it('accepts it when everyone in it consented', async () => {
      const inesId = await youthId(ids.groups.sadiola, 'Inès');
      const mamadou = await youthId(ids.groups.sadiola, 'Mamadou');
      const token = (await karim.get(url())).text.match(/name="csrf-token" content="([^"]+)"/)![1]!;
      const res = await karim.post(url()).type('form').send(`_csrf=${encodeURIComponent(token)}&moment=during&caption=Au+march%C3%A9&useLevel=restitution&youth=${inesId}&youth=${mamadou}`);
      expect(res.status).to.equal(303);
      expect((await findMedium(testDb(), ids.groups.sadiola, photoId))!.use_level).to.equal('restitution');
      expect(visibleText((await karim.get(url())).text)).to.include('Modifications enregistrées.').and.include('Restitutions');
    });

    it('does not let a youth edit what another uploaded (403), nor the director', async () => {
      const other = await mediumByCaption('Séance interculturelle : nos clichés');
      const path2 = `/groups/${ids.groups.sadiola}/media/${other.id}`;
      expect((await postForm(ines, path2, { moment: 'after' }, path2)).status).to.equal(403);
      expect((await postForm(director, path2, { moment: 'after' }, path2)).status).to.equal(403);
    });

    it('a youth tags no other youth on her own medium: a forged youth=<id> changes nothing, and the medium stays off that youth’s before/after page', async () => {
      const mine = await storedPhoto(testDb(), uploadDir(), ids.groups.sadiola, ids.youthUsers['ines.d']!, 'Ma photo à moi');
      const page = `/groups/${ids.groups.sadiola}/media/${mine}`;
      const [inesId, kevin] = [await youthId(ids.groups.sadiola, 'Inès'), await youthId(ids.groups.sadiola, 'Kevin')];
      const form = await ines.get(page);
      expect(form.text).to.match(new RegExp(`name="youth" value="${inesId}"`));
      expect(form.text).not.to.match(new RegExp(`name="youth" value="${kevin}"`));
      expect(visibleText(form.text)).to.include('Coche si on te voit ou si on t’entend.');
      const token = csrfFrom(form.text);
      await ines.post(page).type('form').send(`_csrf=${encodeURIComponent(token)}&moment=before&caption=${encodeURIComponent('Ma photo à moi')}&youth=${inesId}&youth=${kevin}`);
      expect(await testDb()('media_youths').where({ medium_id: mine }).pluck('youth_id')).to.deep.equal([inesId]);
      const kevinsPage = await karim.get(`/groups/${ids.groups.sadiola}/youths/${await enrolmentId(ids.groups.sadiola, 'Kevin')}/before-after`);
      expect(kevinsPage.status).to.equal(200);
      expect(visibleText(kevinsPage.text)).not.to.include('Ma photo à moi');
    });

    it('a youth editing her medium keeps the youths the lead put on it, though she cannot change them', async () => {
      const mine = await storedPhoto(testDb(), uploadDir(), ids.groups.sadiola, ids.youthUsers['ines.d']!, 'Avec Mamadou');
      const page = `/groups/${ids.groups.sadiola}/media/${mine}`;
      const [inesId, mamadou] = [await youthId(ids.groups.sadiola, 'Inès'), await youthId(ids.groups.sadiola, 'Mamadou')];
      expect((await postForm(karim, page, { moment: 'before', caption: 'Avec Mamadou', youth: String(mamadou) }, page)).status).to.equal(303);
      // Her form has only her own box: sending it must not take Mamadou off.
      expect((await postForm(ines, page, { moment: 'during', caption: 'Avec Mamadou', youth: String(inesId) }, page)).status).to.equal(303);
      expect(await testDb()('media_youths').where({ medium_id: mine }).orderBy('youth_id').pluck('youth_id')).to.deep.equal([inesId, mamadou].sort((a, b) => a - b));
      expect((await findMedium(testDb(), ids.groups.sadiola, mine))!.moment).to.equal('during');
    });

    it('asks again for a moment that is not in the list', async () => {
      const res = await postForm(ines, url(), { moment: 'someday', caption: 'x' }, url());
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisis : avant, pendant ou après le séjour.');
    });

    it('refuses a youth who is not in the group', async () => {
      const outsider = await youthId(ids.groups.bafou, 'Lucas');
      const res = await postForm(ines, url(), { moment: 'during', youth: String(outsider) }, url());
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisis des jeunes du groupe.');
    });
  });

  describe('GET and POST /groups/:id/youths/:enrolmentId/consent', () => {
    it('lets the lead record a minor’s consent with the parents’ word, and narrows media when it goes down', async () => {
      const yanis = await enrolmentId(ids.groups.sadiola, 'Yanis');
      const page = await karim.get(`/groups/${ids.groups.sadiola}/youths/${yanis}/consent`);
      expect(page.status).to.equal(200);
      expect(visibleText(page.text)).to.include('Droit à l’image — Yanis Mebarki').and.include('Accord des parents manquant').and.include('Historique');
      const path2 = `/groups/${ids.groups.sadiola}/youths/${yanis}/consent`;
      expect((await postForm(karim, path2, {}, path2)).status).to.equal(422);
      const saved = await postForm(karim, path2, { level: 'restitution', parental: 'yes' }, path2);
      expect(saved.status).to.equal(303);
      expect(saved.headers.location).to.equal(`/groups/${ids.groups.sadiola}/media#consents`);
      expect(visibleText((await karim.get(saved.headers.location)).text)).to.include('Accord enregistré pour Yanis Mebarki.');

      // Inès narrows hers: the photo she is in goes back to the group.
      const inesEnrolment = await enrolmentId(ids.groups.sadiola, 'Inès');
      const path3 = `/groups/${ids.groups.sadiola}/youths/${inesEnrolment}/consent`;
      await postForm(karim, path3, { level: 'group' }, path3);
      expect((await findMedium(testDb(), ids.groups.sadiola, photoId))!.use_level).to.equal('group');
      expect(visibleText((await karim.get(`/groups/${ids.groups.sadiola}/media`)).text)).to.include('Médias ramenés à une utilisation plus limitée : 1.');
    });

    it('is for the adults in charge only: a youth and the director are refused (403)', async () => {
      const inesEnrolment = await enrolmentId(ids.groups.sadiola, 'Inès');
      const path2 = `/groups/${ids.groups.sadiola}/youths/${inesEnrolment}/consent`;
      expect((await ines.get(path2)).status).to.equal(403);
      expect((await director.get(path2)).status).to.equal(403);
      expect((await postForm(ines, path2, { level: 'public' }, '/groups')).status).to.equal(403);
    });
  });

  describe('before and after', () => {
    it('puts the group’s before beside its after', async () => {
      const res = await lucas.get(`/groups/${ids.groups.bafou}/before-after`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Avant / après').and.include('Mon avant').and.include('Mon après');
      expect(text.indexOf('Mon avant')).to.be.lessThan(text.indexOf('Mon après'));
    });

    it('shows one youth’s, from the page or the group’s list of youths', async () => {
      const enrolment = await enrolmentId(ids.groups.bafou, 'Lucas');
      const res = await lucas.get(`/groups/${ids.groups.bafou}/youths/${enrolment}/before-after`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Avant / après — Lucas Vermeersch').and.include('Mon avant').and.include('Mon après');
      expect(text).not.to.include('Journal du séjour');
      const amina = await enrolmentId(ids.groups.bafou, 'Amina');
      const hers = visibleText((await lucas.get(`/groups/${ids.groups.bafou}/youths/${amina}/before-after`)).text);
      expect(hers).to.include('Pas encore de vidéo « avant ».').and.include('Pas encore de vidéo « après ».');
    });

    it('prefers videos when there are some', async () => {
      requireFfmpeg();
      const dir = scratchDir();
      const mp4 = readFileSync(makeMp4(dir));
      await storedMedium(testDb(), uploadDir(), ids.groups.bafou, ids.youthUsers['lucas.v']!, { kind: 'video', mime: 'video/mp4', ext: 'mp4', bytes: mp4, caption: 'Vidéo avant Bafou' });
      const html = (await lucas.get(`/groups/${ids.groups.bafou}/before-after`)).text;
      const before = visibleText(/<section class="card before-after-side side-before"[\s\S]*?<\/section>/.exec(html)![0]);
      expect(before).to.include('Vidéo avant Bafou').and.not.include('Mon avant');
    });
  });

  describe('POST /groups/:id/media/:mediumId/delete', () => {
    it('asks for the box to be ticked, then removes the row and the files', async () => {
      const path2 = `/groups/${ids.groups.sadiola}/media/${photoId}/delete`;
      const stored = (await findMedium(testDb(), ids.groups.sadiola, photoId))!.stored_path!;
      const refused = await postForm(ines, path2, {}, `/groups/${ids.groups.sadiola}/media/${photoId}`);
      expect(refused.status).to.equal(422);
      expect(visibleText(refused.text)).to.include('Coche la case pour confirmer.');
      const done = await postForm(ines, path2, { confirm: 'yes' }, `/groups/${ids.groups.sadiola}/media/${photoId}`);
      expect(done.status).to.equal(303);
      expect(await findMedium(testDb(), ids.groups.sadiola, photoId)).to.equal(undefined);
      expect(existsSync(path.join(uploadDir(), stored))).to.equal(false);
      expect(await testDb()('media_youths').where({ medium_id: photoId })).to.deep.equal([]);
    });
  });

  describe('without ffprobe and ffmpeg', () => {
    it('still keeps the upload, without duration or thumbnail', async () => {
      requireFfmpeg();
      const probe = mediaProbe({ ffprobe: '/nonexistent/ffprobe', ffmpeg: '/nonexistent/ffmpeg' });
      expect(await probe.available()).to.equal(false);
      const dir = scratchDir();
      const source = makeMp4(dir);
      const bytes = readFileSync(source);
      const tmp = path.join(uploadDir(), 'tmp', `${randomUUID()}.part`);
      mkdirSync(path.dirname(tmp), { recursive: true });
      writeFileSync(tmp, bytes);
      const id = await keepUploadedMedium(testDb(), uploadDir(), probe, await userFor(testDb(), ids.users.karim), ids.groups.sadiola, {
        tempPath: tmp, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, 4100), originalName: 'a.mp4',
      }, { ext: 'mp4', mime: 'video/mp4' }, 'video', { moment: 'during', caption: 'Sans outils', body: null });
      const m = (await findMedium(testDb(), ids.groups.sadiola, id))!;
      expect(m).to.include({ kind: 'video', duration_seconds: null, thumbnail_path: null });
      expect(existsSync(path.join(uploadDir(), m.stored_path!))).to.equal(true);
      // The page shows the video with the kind's icon instead of a picture.
      expect((await karim.get(`/groups/${ids.groups.sadiola}/media/${id}`)).status).to.equal(200);
      expect((await karim.get(`/groups/${ids.groups.sadiola}/media/${id}/thumbnail`)).status).to.equal(404);
    });

    it('removes the file again when the row cannot be written', async () => {
      const probe = mediaProbe({ ffprobe: '/nonexistent/ffprobe', ffmpeg: '/nonexistent/ffmpeg' });
      const tmp = path.join(uploadDir(), 'tmp', `${randomUUID()}.part`);
      writeFileSync(tmp, 'x');
      const before = listFiles(uploadDir());
      const failed = await keepUploadedMedium(testDb(), uploadDir(), probe, await userFor(testDb(), ids.users.karim), 999999, {
        tempPath: tmp, size: 1, sha256: '', head: Buffer.from('x'), originalName: 'a.jpg',
      }, { ext: 'jpg', mime: 'image/jpeg' }, 'photo', { moment: 'during', caption: null, body: null }).catch((e: unknown) => e);
      expect(failed).to.be.instanceOf(Error);
      const after = listFiles(uploadDir());
      expect(after).to.deep.equal(before.filter((f) => f !== path.relative(uploadDir(), tmp)));
    });
  });
});
