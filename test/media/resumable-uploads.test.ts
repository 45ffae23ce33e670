import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { appOnDemo, csrfToken, visibleText, type Agent } from '../support/http.js';
import { testDatabase, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { appResumableUploads } from '../../src/resumable.js';
import { elfExecutable, listFiles, makeMp4, requireFfmpeg, scratchDir } from './fixtures.js';
import { createUpload, expectStandsAt, pageToken, patchUpload, pendingUploads, sha256, tusFiles, TUS } from './tus-client.js';

const uploadDir = () => testDatabase().config.uploadDir;
const mediaCount = async (groupId: number) => Number((await testDb()('media').where({ group_id: groupId }).count('* as n'))[0]!.n);

describe('resumable uploads of media (tus: /groups/:id/media/tus)', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let ines: Agent;
  let karim: Agent;
  let lucas: Agent;
  let director: Agent;
  let mp4: Buffer;
  let group: number;

  before(async () => {
    requireFfmpeg();
    ({ ids, ines, karim, lucas, director } = await appOnDemo('ines', 'karim', 'lucas', 'director'));
    group = ids.groups.sadiola;
    mp4 = readFileSync(makeMp4(scratchDir(), 'clip.mp4', { seconds: 2 }));
  });

  it('takes a video in two halves: created, the first half, where it stands, the second half, then the medium with its SHA-256', async () => {
    const token = await pageToken(ines, group);
    const before = await mediaCount(group);
    const created = await createUpload(ines, group, token, mp4.length, { moment: 'before', caption: 'Avant, en deux fois', filename: 'avant.mp4' });
    expect(created.status, created.text).to.equal(201);
    const location = created.headers.location as string;
    expect(location).to.match(new RegExp(`^/groups/${group}/media/tus/[0-9a-f]{32}$`));
    const half = Math.floor(mp4.length / 2);

    const first = await patchUpload(ines, location, token, 0, mp4.subarray(0, half));
    expect(first.status, first.text).to.equal(204);
    expect(first.headers['upload-offset']).to.equal(String(half));
    expect(await mediaCount(group), 'no medium while the file is not complete').to.equal(before);

    await expectStandsAt(ines, location, half, mp4.length);

    const last = await patchUpload(ines, location, token, half, mp4.subarray(half));
    expect(last.status, last.text).to.equal(204);
    const mediumPath = last.headers['x-tremplin-location'] as string;
    expect(mediumPath).to.match(new RegExp(`^/groups/${group}/media/\\d+$`));
    const row = await testDb()('media').where({ id: Number(mediumPath.split('/').pop()) }).first();
    expect(row).to.include({ kind: 'video', moment: 'before', caption: 'Avant, en deux fois', mime: 'video/mp4', original_name: 'avant.mp4' });
    expect(row.sha256).to.equal(sha256(mp4));
    expect(Number(row.size_bytes)).to.equal(mp4.length);
    expect(row.thumbnail_path, 'the same final step as the form: ffmpeg’s thumbnail').to.match(/\.jpg$/);
    expect(readFileSync(path.join(uploadDir(), row.stored_path)).equals(mp4)).to.equal(true);
    expect(tusFiles(), 'nothing left in the partial uploads').to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);

    // The page goes where the form's answer goes, with the same message.
    const page = await ines.get(mediumPath);
    expect(visibleText(page.text)).to.include('C’est dans le groupe !');
  });

  it('tells a sender that did not hear the last answer where its medium went: HEAD complete with its place, a repeated piece 409, no second medium', async () => {
    const token = await pageToken(ines, group);
    const before = await mediaCount(group);
    const location = (await createUpload(ines, group, token, mp4.length, { moment: 'after', caption: 'Réponse perdue', filename: 'perdue.mp4' })).headers.location as string;
    const last = await patchUpload(ines, location, token, 0, mp4);
    expect(last.status).to.equal(204);
    const head = await ines.head(location).set(TUS);
    expect(head.status).to.equal(200);
    expect(head.headers['upload-offset']).to.equal(String(mp4.length));
    expect(head.headers['upload-length']).to.equal(String(mp4.length));
    expect(head.headers['x-tremplin-location']).to.equal(last.headers['x-tremplin-location']);
    const repeated = await patchUpload(ines, location, token, 0, mp4);
    expect(repeated.status).to.equal(409);
    expect(await mediaCount(group)).to.equal(before + 1);
    // Only its author hears of it.
    expect((await karim.head(location).set(TUS)).status).to.equal(404);
  });

  it('answers 404 to anyone but its author, the group’s lead included, and to an unknown id', async () => {
    const token = await pageToken(ines, group);
    const created = await createUpload(ines, group, token, mp4.length, { moment: 'before', filename: 'a.mp4' });
    const location = created.headers.location as string;
    const karimToken = await pageToken(karim, group);
    expect((await karim.head(location).set(TUS)).status).to.equal(404);
    expect((await patchUpload(karim, location, karimToken, 0, mp4.subarray(0, 100))).status).to.equal(404);
    expect((await karim.delete(location).set({ ...TUS, 'X-CSRF-Token': karimToken })).status).to.equal(404);
    expect((await lucas.head(location).set(TUS)).status, 'a youth of another structure').to.equal(404);
    expect((await ines.head(`/groups/${group}/media/tus/${'0'.repeat(32)}`).set(TUS)).status).to.equal(404);
    const head = await ines.head(location).set(TUS);
    expect(head.headers['upload-offset'], 'nothing written by the others').to.equal('0');
    // Its author gives up: the files and the row go.
    expect((await ines.delete(location).set({ ...TUS, 'X-CSRF-Token': token })).status).to.equal(204);
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('refuses a creation or a piece without the CSRF token (403), storing nothing', async () => {
    const noToken = await ines.post(`/groups/${group}/media/tus`).set({ ...TUS, 'Upload-Length': '10', 'Upload-Metadata': '' });
    expect(noToken.status).to.equal(403);
    expect(tusFiles()).to.deep.equal([]);
    const token = await pageToken(ines, group);
    const location = (await createUpload(ines, group, token, mp4.length, { moment: 'before' })).headers.location as string;
    const forged = await ines.patch(location).set({ ...TUS, 'Upload-Offset': '0', 'Content-Type': 'application/offset+octet-stream' }).send(mp4);
    expect(forged.status).to.equal(403);
    expect((await ines.head(location).set(TUS)).headers['upload-offset']).to.equal('0');
    await ines.delete(location).set({ ...TUS, 'X-CSRF-Token': token });
  });

  it('asks the form’s permission question before anything is stored: the director 403, another structure 404', async () => {
    const asDirector = await createUpload(director, group, await pageToken(karim, group), 10, { moment: 'before' });
    expect(asDirector.status).to.equal(403);
    const dirToken = await csrfToken(director, '/');
    expect((await createUpload(director, group, dirToken, 10, { moment: 'before' })).status).to.equal(403);
    const lucasToken = await csrfToken(lucas, '/');
    expect((await createUpload(lucas, group, lucasToken, 10, { moment: 'before' })).status).to.equal(404);
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('refuses a file declared over the video limit (413) and a form missing its moment (422) before any byte', async () => {
    const token = await pageToken(ines, group);
    const tooBig = await createUpload(ines, group, token, testDatabase().config.limits.video + 1, { moment: 'before' });
    expect(tooBig.status).to.equal(413);
    const noMoment = await createUpload(ines, group, token, 10, { caption: 'sans moment' });
    expect(noMoment.status).to.equal(422);
    expect(noMoment.text).to.include('avant, pendant ou après');
    expect(tusFiles()).to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
  });

  it('refuses at the end a file whose bytes are no medium (an executable named .mp4): no row, no file left anywhere', async () => {
    const before = listFiles(path.join(uploadDir(), 'media'));
    const count = await mediaCount(group);
    const token = await pageToken(ines, group);
    const elf = elfExecutable();
    const location = (await createUpload(ines, group, token, elf.length, { moment: 'before', filename: 'video.mp4' })).headers.location as string;
    const res = await patchUpload(ines, location, token, 0, elf);
    expect(res.status).to.equal(422);
    expect(res.text).to.include('n’est pas une vidéo');
    expect(await mediaCount(group)).to.equal(count);
    expect(listFiles(path.join(uploadDir(), 'media'))).to.deep.equal(before);
    expect(tusFiles()).to.deep.equal([]);
    expect((await ines.head(location).set(TUS)).status, 'the upload is gone').to.equal(404);
  });

  it('refuses a big file whose first piece is no medium at the next piece, not once it is all sent: 422 on its field, nothing left', async () => {
    const count = await mediaCount(group);
    const token = await pageToken(ines, group);
    // The largest video announced, a first piece of 1 MB of an executable: the second piece is refused, the rest never goes.
    const first = Buffer.concat([elfExecutable(), Buffer.alloc(1024 * 1024, 0)]);
    const location = (await createUpload(ines, group, token, testDatabase().config.limits.video, { moment: 'during', filename: 'film.mp4' })).headers.location as string;
    expect((await patchUpload(ines, location, token, 0, first)).status).to.equal(204);
    // A piece bigger than the sockets hold: the answer comes once it is read, not cut off while it is sent.
    const next = await patchUpload(ines, location, token, first.length, Buffer.alloc(48 * 1024 * 1024, 0));
    expect(next.status).to.equal(422);
    expect(next.headers['x-tremplin-field']).to.equal('file');
    expect(next.text).to.include('n’est pas une vidéo');
    expect(tusFiles(), 'its partial file and info file gone').to.deep.equal([]);
    expect(await pendingUploads()).to.equal(0);
    expect(await mediaCount(group)).to.equal(count);
    expect((await ines.head(location).set(TUS)).status, 'the upload is gone').to.equal(404);
  });

  it('takes the next pieces of a file whose first piece is a video', async () => {
    const token = await pageToken(ines, group);
    const location = (await createUpload(ines, group, token, mp4.length, { moment: 'during', caption: 'En trois fois', filename: 'trois.mp4' })).headers.location as string;
    const third = Math.floor(mp4.length / 3);
    expect((await patchUpload(ines, location, token, 0, mp4.subarray(0, third))).status).to.equal(204);
    expect((await patchUpload(ines, location, token, third, mp4.subarray(third, 2 * third))).status).to.equal(204);
    const last = await patchUpload(ines, location, token, 2 * third, mp4.subarray(2 * third));
    expect(last.status, last.text).to.equal(204);
    expect((await testDb()('media').where({ caption: 'En trois fois' }).first()).sha256).to.equal(sha256(mp4));
  });

  it('sweeps an upload abandoned longer than TUS_EXPIRY_HOURS: its partial file, its info file and its row', async () => {
    const token = await pageToken(ines, group);
    const location = (await createUpload(ines, group, token, mp4.length, { moment: 'before' })).headers.location as string;
    await patchUpload(ines, location, token, 0, mp4.subarray(0, 1000));
    const fresh = (await createUpload(ines, group, token, mp4.length, { moment: 'during' })).headers.location as string;
    const id = location.split('/').pop()!;
    const dir = path.join(uploadDir(), 'tus');
    expect(tusFiles()).to.include.members([id, `${id}.json`]);
    // Begun three days ago, as the row and the library's info file say.
    const longAgo = new Date(Date.now() - 72 * 3600_000);
    await testDb()('resumable_uploads').where({ id }).update({ created_at: longAgo.toISOString() });
    const info = JSON.parse(readFileSync(path.join(dir, `${id}.json`), 'utf8'));
    writeFileSync(path.join(dir, `${id}.json`), JSON.stringify({ ...info, creation_date: longAgo.toISOString() }));
    utimesSync(path.join(dir, id), longAgo, longAgo);

    const swept = await appResumableUploads(testDb(), { ...testDatabase().config, resumableUploadHours: 48 }).sweep();
    expect(swept).to.be.at.least(1);
    expect(tusFiles()).not.to.include.members([id]);
    expect(tusFiles()).not.to.include.members([`${id}.json`]);
    expect(await testDb()('resumable_uploads').where({ id }).first()).to.equal(undefined);
    expect((await ines.head(location).set(TUS)).status).to.equal(404);
    expect((await ines.head(fresh).set(TUS)).status, 'a recent upload stays').to.equal(200);
    await ines.delete(fresh).set({ ...TUS, 'X-CSRF-Token': token });
  });
});
