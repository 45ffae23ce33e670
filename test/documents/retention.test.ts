import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ROOT } from '../../src/config.js';
import { buildApp, signIn, visibleText } from '../support/http.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { purgeExpiredScans, retentionOverview } from '../../src/documents/retention.js';
import type { Kind } from '../../src/documents/requirements.js';
import { giveScan } from './fixtures.js';

const run = promisify(execFile);

describe('retention of scans', () => {
  let ids: DemoIds;
  const uploadDir = () => testDatabase().config.uploadDir;
  const firstEnrolment = async (groupId: number) => Number((await testDb()('enrolments').where({ group_id: groupId, status: 'enrolled' }).orderBy('id').first('id')).id);
  const secondEnrolment = async (groupId: number) => Number((await testDb()('enrolments').where({ group_id: groupId, status: 'enrolled' }).orderBy('id').offset(1).first('id')).id);
  const paper = (enrolmentId: number, kind: Kind) => testDb()('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();
  let lucas: number;
  let walid: number;

  before(async () => {
    ids = await resetToDemo();
    // Bafou came back about four months ago; Algeria two weeks ago.
    lucas = await firstEnrolment(ids.groups.bafou);
    walid = await firstEnrolment(ids.groups.algerie);
    await giveScan(testDb(), uploadDir(), ids.users.elodie, ids.groups.bafou, lucas, 'passport_or_id');
    await giveScan(testDb(), uploadDir(), ids.users.elodie, ids.groups.bafou, lucas, 'visa');
    await giveScan(testDb(), uploadDir(), ids.users.elodie, ids.groups.bafou, lucas, 'insurance');
    await giveScan(testDb(), uploadDir(), ids.users.karim, ids.groups.algerie, walid, 'passport_or_id');
  });

  it('shows what the next purge removes, group by group, and what comes later with its day, structure by structure', async () => {
    const mjc = await retentionOverview(testDb(), ids.structures["MJC d'Halluin"]!, 90);
    expect(mjc.due.map((g) => [g.group_name, g.counts, g.total])).to.deep.equal([['Échange avec la MJC de Bafou', { passport_or_id: 1, visa: 1 }, 2]]);
    expect(mjc.later).to.deep.equal([]);
    const { due, later } = await retentionOverview(testDb(), ids.structures['Mission locale du Douaisis']!, 90);
    expect(due).to.deep.equal([]);
    expect(later.map((g) => g.group_name)).to.deep.equal(['Construire parasismique en Algérie']);
    const algerie = await testDb()('groups').where({ id: ids.groups.algerie }).first('return_date');
    const purgeOn = new Date(`${algerie.return_date}T00:00:00Z`);
    purgeOn.setUTCDate(purgeOn.getUTCDate() + 91);
    expect(later[0]!.purge_on).to.equal(purgeOn.toISOString().slice(0, 10));

    const director = await signIn(buildApp(), DEMO_ACCOUNTS.directorMjc.email);
    const page = visibleText((await director.get('/admin/retention')).text);
    expect(page).to.include('Conservation des scans').and.include('90 jours après le retour');
    expect(page).to.include('Au prochain effacement (2 scans)').and.include('Échange avec la MJC de Bafou').and.include('Passeport / CNI : 1');
    expect(page).to.not.include('Lucas').and.not.include('Construire parasismique en Algérie');
    const other = visibleText((await (await signIn(buildApp(), DEMO_ACCOUNTS.director.email)).get('/admin/retention')).text);
    expect(other).to.include('Plus tard (1 scan)').and.include('Construire parasismique en Algérie').and.not.include('Échange avec la MJC de Bafou');
  });

  it('deletes identity, visa and health scans after the retention, keeps the status and the dates, and says so in the audit log', async () => {
    const passportBefore = await paper(lucas, 'passport_or_id');
    const insuranceBefore = await paper(lucas, 'insurance');
    expect(await purgeExpiredScans(testDb(), uploadDir(), 90)).to.equal(2);
    const passport = await paper(lucas, 'passport_or_id');
    expect(passport).to.include({ status: 'received', expiry_date: '2035-01-01', scan_path: null, scan_name: null });
    expect(passport.scan_purged_at).to.be.a('string');
    expect(existsSync(path.join(uploadDir(), passportBefore.scan_path))).to.equal(false);
    // Insurance is not an identity paper: kept.
    expect((await paper(lucas, 'insurance')).scan_path).to.equal(insuranceBefore.scan_path);
    expect(existsSync(path.join(uploadDir(), insuranceBefore.scan_path))).to.equal(true);
    // Algeria is back for two weeks only.
    expect((await paper(walid, 'passport_or_id')).scan_path).to.be.a('string');
    const log = await testDb()('audit_log').where({ action: 'document.scanPurged' }).orderBy('id').select('*');
    expect(log.map((l) => [l.user_id, Number(l.subject_id), Number(l.group_id)])).to.deep.equal([
      [null, passport.id, ids.groups.bafou], [null, (await paper(lucas, 'visa')).id, ids.groups.bafou],
    ]);
    expect(await purgeExpiredScans(testDb(), uploadDir(), 90)).to.equal(0);

    const karim = await signIn(buildApp(), DEMO_ACCOUNTS.elodie.email);
    const page = visibleText((await karim.get(`/groups/${ids.groups.bafou}/youths/${lucas}/documents`)).text);
    expect(page).to.include('Le scan a été effacé le').and.include('Valable jusqu’au 1 janv. 2035');
    expect((await karim.get(`/groups/${ids.groups.bafou}/youths/${lucas}/documents/passport_or_id/scan`)).status).to.equal(404);
  });

  it('runs as `npm run purge`, with the retention from the environment', async function () {
    this.timeout(60_000);
    const { config } = testDatabase();
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, NODE_ENV: 'test', UPLOAD_DIR: config.uploadDir, RETENTION_DAYS: '7' };
    if (config.database.client === 'pg') env.DATABASE_URL = config.database.url;
    else env.SQLITE_FILE = config.database.file;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/documents/purge-cli.ts'], { cwd: ROOT, env });
    expect(stdout).to.include('scans deleted: 1');
    expect((await paper(walid, 'passport_or_id')).scan_path).to.equal(null);
  });

  it('keeps each structure\'s scans for its own retention, the environment\'s being the default', async () => {
    const [nextAtBafou, nextAtAlgerie] = [await secondEnrolment(ids.groups.bafou), await secondEnrolment(ids.groups.algerie)];
    await giveScan(testDb(), uploadDir(), ids.users.elodie, ids.groups.bafou, nextAtBafou, 'passport_or_id');
    await giveScan(testDb(), uploadDir(), ids.users.karim, ids.groups.algerie, nextAtAlgerie, 'passport_or_id');
    // Bafou (the MJC's) is back for about four months, Algeria (the mission locale's) for two weeks.
    await testDb()('structures').where({ id: ids.structures["MJC d'Halluin"]! }).update({ retention_days: 400 });
    await testDb()('structures').where({ id: ids.structures['Mission locale du Douaisis']! }).update({ retention_days: 3 });
    expect(await purgeExpiredScans(testDb(), uploadDir(), 90)).to.equal(1);
    expect((await paper(nextAtAlgerie, 'passport_or_id')).scan_path).to.equal(null);
    expect((await paper(nextAtBafou, 'passport_or_id')).scan_path).to.be.a('string');
    const logged = await testDb()('audit_log').where({ action: 'document.scanPurged' }).orderBy('id', 'desc').first('details');
    expect(JSON.parse(logged.details)).to.deep.equal({ kind: 'passport_or_id', retentionDays: 3 });

    const director = await signIn(buildApp(), DEMO_ACCOUNTS.directorMjc.email);
    const page = visibleText((await director.get('/admin/retention')).text);
    expect(page).to.include('400 jours après le retour').and.include('Plus tard (1 scan)');
    await testDb()('structures').update({ retention_days: null });
  });
});
