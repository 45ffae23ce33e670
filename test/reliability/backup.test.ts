import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { createDb, type Db } from '../../src/db/knex.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { listTables, type Manifest } from '../../src/backup/backup.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { buildApp, csrfFrom, signIn, visibleText, type Agent } from '../support/http.js';
import { envFor, runCli, scratchDatabase } from '../support/processes.js';
import { pdfBytes } from '../documents/fixtures.js';
import { enrolmentOf } from '../participants/fixtures.js';

async function rowCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of await listTables(db)) out[t] = Number((await db(t).count({ n: '*' }))[0]!.n);
  return out;
}

const bytesOf = (agent: Agent, url: string) =>
  agent.get(url).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });

describe('npm run backup / npm run restore', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  let tmp: string;
  let restoredDb: Db | undefined;
  let dropRestored: (() => Promise<void>) | undefined;
  const scan = pdfBytes('Passeport d’Inès, sauvegardé');

  before(async () => {
    ids = await resetToDemo();
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-backup-'));
  });
  after(async () => {
    await restoredDb?.destroy();
    await dropRestored?.();
    rmSync(tmp, { recursive: true, force: true });
    // The test app's upload folder is shared with the next files: the planted leftover goes with this test.
    rmSync(path.join(testDatabase().config.uploadDir, 'tmp', 'half-received.part'), { force: true });
  });

  it('copies the database and the uploads while the app serves, and the restored copy serves the same data', async () => {
    const source = testDatabase().config;
    const app = buildApp();
    const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
    const ines = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
    const papers = `/groups/${ids.groups.sadiola}/youths/${ines}/documents`;
    const token = csrfFrom((await karim.get('/groups')).text);
    const sent = await karim
      .post(`${papers}/passport_or_id?_csrf=${encodeURIComponent(token)}`)
      .field('expiryDate', '2031-01-01')
      .attach('scan', scan, { filename: 'passeport.pdf', contentType: 'application/pdf' });
    expect(sent.status, visibleText(sent.text).slice(0, 200)).to.equal(303);
    await karim.get(sent.headers.location!); // shows (and so uses up) the "paper received" message
    // A half-received upload lying in tmp/ is not part of a backup.
    writeFileSync(path.join(source.uploadDir, 'tmp', 'half-received.part'), 'partial');

    // The app keeps serving (and writing sessions) while the backup runs in another process.
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    let running = true;
    const served: number[] = [];
    const traffic = (async () => {
      while (running) {
        const agent = await signIn(server as unknown as Parameters<typeof signIn>[0], DEMO_ACCOUNTS.elodie.email);
        served.push((await agent.get('/groups')).status);
      }
    })();
    const backupDir = path.join(tmp, 'backups');
    const started = Date.now();
    const made = await runCli('src/backup/backup-cli.ts', [], envFor(source.database, { UPLOAD_DIR: source.uploadDir, BACKUP_DIR: backupDir }));
    const backupMs = Date.now() - started;
    running = false;
    await traffic;
    server.close();
    expect(made.code, made.stderr).to.equal(0);
    expect(served.length).to.be.greaterThan(0);
    expect(served.every((s) => s === 200), JSON.stringify(served)).to.equal(true);

    const folder = /backup written to (.+)/.exec(made.stdout)![1]!.trim();
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as Manifest;
    expect(manifest.database.client).to.equal(source.database.client);
    expect(manifest.missingFiles).to.deep.equal([]);
    expect(manifest.uploads.files.map((f) => f.path).some((p) => p.startsWith('tmp/'))).to.equal(false);
    const doc = await testDb()('youth_documents').where({ enrolment_id: ines, kind: 'passport_or_id' }).first();
    expect(manifest.uploads.files.map((f) => f.path)).to.include(doc.scan_path);
    expect(manifest.database.rows.youth_documents).to.equal(Number((await testDb()('youth_documents').count({ n: '*' }))[0]!.n));

    // Into a new, empty place: a new SQLite file or a new PostgreSQL database, a new upload folder.
    const scratch = await scratchDatabase(source.database, 'tremplin_restore', path.join(tmp, 'restored', 'tremplin.sqlite'));
    const target: Config['database'] = scratch.database;
    dropRestored = scratch.drop;
    const uploadDir = path.join(tmp, 'restored-uploads');
    const env = envFor(target, { UPLOAD_DIR: uploadDir });
    const restored = await runCli('src/backup/restore-cli.ts', [folder], env);
    expect(restored.code, restored.stderr).to.equal(0);
    // Once there is data, a second restore is refused without --force, and nothing is touched.
    const again = await runCli('src/backup/restore-cli.ts', [folder], env);
    expect(again.code).to.equal(1);
    expect(again.stderr).to.include('refusing to overwrite');
    expect(existsSync(path.join(uploadDir, 'tmp', 'half-received.part'))).to.equal(false);

    restoredDb = createDb(target);
    expect(await rowCounts(restoredDb)).to.deep.equal(manifest.database.rows);
    const restoredApp = createApp({ config: { ...source, database: target, uploadDir }, db: restoredDb, log: () => undefined });
    const karimThere = await signIn(restoredApp, DEMO_ACCOUNTS.karim.email);
    const groupPage = `/groups/${ids.groups.sadiola}`;
    const [here, there] = [await karim.get(groupPage), await karimThere.get(groupPage)];
    expect(there.status).to.equal(200);
    expect(visibleText(there.text)).to.equal(visibleText(here.text));
    expect(visibleText((await karimThere.get(papers)).text)).to.equal(visibleText((await karim.get(papers)).text));
    const download = await bytesOf(karimThere, `${papers}/passport_or_id/scan`);
    expect(download.status).to.equal(200);
    expect((download.body as Buffer).equals(scan)).to.equal(true);
    console.log(`      backup of ${manifest.uploads.count} file(s) and ${Object.values(manifest.database.rows).reduce((a, b) => a + b, 0)} rows took ${backupMs} ms (process start included), ${served.length} sign-ins + pages served meanwhile`);
  });

  it('refuses a backup whose files were altered, before touching anything', async () => {
    const source = testDatabase().config;
    const backupDir = path.join(tmp, 'backups-altered');
    const made = await runCli('src/backup/backup-cli.ts', [], envFor(source.database, { UPLOAD_DIR: source.uploadDir, BACKUP_DIR: backupDir }));
    expect(made.code, made.stderr).to.equal(0);
    const folder = /backup written to (.+)/.exec(made.stdout)![1]!.trim();
    const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as Manifest;
    const victim = path.join(folder, 'uploads', manifest.uploads.files[0]!.path);
    writeFileSync(victim, 'altered');
    const target = path.join(tmp, 'never', 'tremplin.sqlite');
    const env = source.database.client === 'pg'
      ? envFor(source.database, { UPLOAD_DIR: path.join(tmp, 'never-uploads') })
      : envFor({ client: 'sqlite3', file: target }, { UPLOAD_DIR: path.join(tmp, 'never-uploads') });
    const refused = await runCli('src/backup/restore-cli.ts', [folder, '--force'], env);
    expect(refused.code).to.equal(1);
    expect(refused.stderr).to.include('does not match its SHA-256');
    expect(existsSync(target)).to.equal(false);
    expect(existsSync(path.join(tmp, 'never-uploads'))).to.equal(false);
  });
});

