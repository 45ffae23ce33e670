import { expect } from 'chai';
import { toE164 } from '../../src/outbox/sms-rules.js';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { createTestDatabase, testDb, type TestDatabase } from '../support/database.js';
import { migrateLatest, migrationConfig } from '../../src/db/migrate.js';
import { userFor } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, loadDemoData, type DemoIds } from '../../src/demo/demo-data.js';
import { createAccount } from '../../src/users/user.js';
import { findYouthFile, insertEnrolment, openYouthAccount, updateYouthFile, youthFileValues, youthFileForm } from '../../src/participants/participant.js';
import { parseForm } from '../../src/http/validation.js';
import { redeemCode } from '../../src/auth/one-time-code.js';
import { linkYouthFiles, otherFileFor, unlinkYouthFile } from '../../src/participants/youth-link.js';
import { enrolled, enrolmentOf, youth, youthWithAccount } from './fixtures.js';

/**
 * Walid Benaïssa went to Algeria with the mission locale (Karim leads the group, Élodie of the MJC is lent to
 * it as co-lead) and comes back as peer leader in the MJC's Kawara group, which Élodie leads. The MJC types
 * its own file for him; Élodie, who sees both, links the two files.
 */

// What the mission locale recorded about Walid, which nobody of the MJC but Élodie may read.
const A_PHONE = '06 98 76 54 32';
const A_EMERGENCY = 'Zoé Quennehen';
const A_REFERRER = 'Club de prévention des Epis';
const A_MARKERS = ['Construire parasismique en Algérie', 'Boumerdès', A_PHONE, A_EMERGENCY, A_REFERRER];

const MJC_FILE = {
  firstName: 'Walid', lastName: 'Benaïssa', birthDate: `${new Date().getFullYear() - 18}-05-02`, phone: '07 11 22 33 44',
  referredBy: '', situation: 'training', emergencyName: 'Samira Benaïssa', emergencyPhone: '07 55 66 77 88', departing: 'yes',
};

async function fileOf(groupId: number, enrolmentId: number) {
  return (await findYouthFile(testDb(), groupId, enrolmentId))!;
}

/** Every page a signed-in user reaches by following links from their home page (exports included), with its body. */
async function crawl(agent: Agent, limit = 400): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const queue = ['/'];
  while (queue.length && seen.size < limit) {
    const path = queue.shift()!;
    if (seen.has(path)) continue;
    const res = await agent.get(path).buffer(true).parse((r, done) => {
      let body = '';
      r.setEncoding('utf8');
      r.on('data', (c: string) => (body += c));
      r.on('end', () => done(null, body));
    });
    const body = typeof res.body === 'string' ? res.body : res.text ?? '';
    seen.set(path, body);
    if (res.status !== 200 || !/html/.test(String(res.headers['content-type']))) continue;
    for (const [, href] of body.matchAll(/href="(\/[^"#]*)/g)) {
      const next = href!.replace(/&amp;/g, '&');
      if (next === '/logout' || /\.(css|svg|js|ico|png)$/.test(next) || /\/(file|thumbnail)$/.test(next)) continue;
      if (!seen.has(next)) queue.push(next);
    }
  }
  return seen;
}

describe('one youth, one history across structures', () => {
  let ids: DemoIds;
  let app: Express;
  let elodie: Agent;
  let karim: Agent;
  let walidA: number;
  let walidB: number;
  let walidAccount: number;

  before(async () => {
    ({ ids, app, elodie, karim } = await appOnDemo('elodie', 'karim'));
    const db = testDb();
    walidA = await enrolmentOf(db, ids.groups.algerie, 'Walid');
    const fileA = await fileOf(ids.groups.algerie, walidA);
    const form = parseForm(youthFileForm(fileA.enrolled_on), { ...youthFileValues(fileA), phone: A_PHONE, emergencyName: A_EMERGENCY, emergencyPhone: '03 27 00 00 00', referredBy: A_REFERRER });
    if (!form.ok) throw new Error(JSON.stringify(form.errors));
    await updateYouthFile(db, fileA, form.data);
    walidAccount = (await youthWithAccount(db, ids.groups.algerie, 'Walid', 'walid.b')).userId;
    // The MJC enrols him in Kawara with a file of its own.
    const kawara = `/groups/${ids.groups.kawara}`;
    const enrolledB = await postForm(elodie, `${kawara}/youths`, MJC_FILE, `${kawara}/youths/new`);
    expect(enrolledB.status).to.equal(303);
    walidB = Number(/youths\/(\d+)$/.exec(enrolledB.headers.location)![1]);
  });

  describe('POST /groups/:id/youths/:enrolmentId/link', () => {
    it('is refused to a worker who does not see the other file, and to a director (404 outside their scope, 403 in it)', async () => {
      // Karim leads Algeria but not Kawara: the MJC's file is not there for him.
      const fromA = `/groups/${ids.groups.algerie}/youths/${walidA}`;
      expect((await postForm(karim, `${fromA}/link`, { otherEnrolmentId: String(walidB) }, fromA)).status).to.equal(404);
      const directorMjc = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
      const fromB = `/groups/${ids.groups.kawara}/youths/${walidB}`;
      expect((await postForm(directorMjc, `${fromB}/link`, { otherEnrolmentId: String(walidA) }, fromB)).status).to.equal(403);
      expect((await directorMjc.get(`${fromB}/link`)).status).to.equal(403);
      // A file of another MJC group is not another structure's.
      const lucas = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
      const same = await postForm(elodie, `${fromB}/link`, { otherEnrolmentId: String(lucas) }, fromB);
      expect(same.status).to.equal(422);
      expect(visibleText(same.text)).to.include('Cette fiche est de la même structure');
      expect(Number((await testDb()('youth_links').count('* as n').first())!.n)).to.equal(0);
    });

    it('links the two files for the worker who sees both, with who and when: one account for the youth', async () => {
      const fromB = `/groups/${ids.groups.kawara}/youths/${walidB}`;
      const form = await elodie.get(`${fromB}/link`);
      expect(form.status).to.equal(200);
      // The other structure's groups she leads, by name and structure: nothing is guessed from his name.
      expect(visibleText(form.text)).to.include('Construire parasismique en Algérie (Mission locale du Douaisis)').and.include('Walid Benaïssa');
      const res = await postForm(elodie, `${fromB}/link`, { otherEnrolmentId: String(walidA) }, `${fromB}/link`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(fromB);

      const link = await testDb()('youth_links').first();
      expect(link).to.include({ linked_by: ids.users.elodie, undone_at: null, closed_user_id: null });
      expect(link.linked_at).to.be.a('string');
      const [a, b] = [await fileOf(ids.groups.algerie, walidA), await fileOf(ids.groups.kawara, walidB)];
      expect([a.user_id, b.user_id]).to.deep.equal([walidAccount, walidAccount]);
      // Each structure's file keeps what it typed.
      // Stored in E.164, whatever the worker typed.
      expect([a.phone, b.phone]).to.deep.equal([toE164(A_PHONE), toE164(MJC_FILE.phone)]);

      const page = visibleText((await elodie.get(fromB)).text);
      expect(page).to.include('Même personne que Walid Benaïssa, groupe « Construire parasismique en Algérie » (Mission locale du Douaisis).');
      expect(page).to.include('Relié par Élodie Martin');
    });

    it('shows the youth both groups on their journey', async () => {
      const walid = await signIn(app, 'walid.b');
      const journey = visibleText((await walid.get('/me')).text);
      expect(journey).to.include('Jumelage Le Portel – Kawara').and.include('Construire parasismique en Algérie');
      expect((await walid.get(`/me?group=${ids.groups.algerie}`)).status).to.equal(200);
      expect(visibleText((await walid.get(`/me?group=${ids.groups.kawara}`)).text)).to.include('Jumelage Le Portel – Kawara');
    });

    it('shows the MJC’s director and its other workers nothing the mission locale recorded, on any page or export', async () => {
      const mjc = ids.structures["MJC d'Halluin"]!;
      await createAccount(testDb(), { role: 'worker', displayName: 'Yanis MJC', email: 'yanis.mjc@tremplin.test', password: DEMO_PASSWORD }, { structureId: mjc });
      const yanis = await testDb()('users').where({ email: 'yanis.mjc@tremplin.test' }).first('id');
      await testDb()('group_workers').insert({ group_id: ids.groups.kawara, user_id: yanis.id, role: 'co_lead' });
      for (const login of [DEMO_ACCOUNTS.directorMjc.email, 'yanis.mjc@tremplin.test']) {
        const pages = await crawl(await signIn(app, login));
        const fileB = `/groups/${ids.groups.kawara}/youths/${walidB}`;
        expect([...pages.keys()], `${login} reaches Walid's MJC file`).to.include(fileB);
        // The director reaches the dashboard's exports; a worker of the group only its Erasmus+ participants'
        // file — whose lines, like every page's, are read below for what the mission locale recorded.
        const exports = [...pages.keys()].filter((p) => /csv|xlsx|export/.test(p));
        if (login.startsWith('direction')) expect(exports.some((p) => p.startsWith('/reports')), `${login} reaches the dashboard's exports`).to.equal(true);
        else expect(exports, `${login} reaches no export but the group's Erasmus+ file`).to.have.members([`/groups/${ids.groups.kawara}/erasmus.xlsx`, `/groups/${ids.groups.kawara}/erasmus.csv`]);
        for (const [path, body] of pages) {
          for (const marker of A_MARKERS) expect(visibleText(body), `${login} ${path}`).not.to.include(marker);
        }
        expect((await (await signIn(app, login)).get(`/groups/${ids.groups.algerie}/youths/${walidA}`)).status).to.equal(404);
      }
    });

    it('shows the mission locale’s director nothing the MJC recorded either', async () => {
      const pages = await crawl(await signIn(app, DEMO_ACCOUNTS.director.email));
      expect([...pages.keys()]).to.include(`/groups/${ids.groups.algerie}/youths/${walidA}`);
      for (const [path, body] of pages) {
        for (const marker of ['Jumelage Le Portel – Kawara', MJC_FILE.phone, MJC_FILE.emergencyName]) expect(visibleText(body), path).not.to.include(marker);
      }
    });
  });

  describe('POST /groups/:id/youths/:enrolmentId/unlink', () => {
    it('is not there for a worker who does not see the other file', async () => {
      const fromA = `/groups/${ids.groups.algerie}/youths/${walidA}`;
      expect((await postForm(karim, `${fromA}/unlink`, {}, fromA)).status).to.equal(404);
      // Karim is not told of the link either.
      expect(visibleText((await karim.get(fromA)).text)).not.to.include('Même personne que');
    });

    it('undoes the link without losing anything: each file keeps its data, the MJC’s file goes back to no account', async () => {
      const fromA = `/groups/${ids.groups.algerie}/youths/${walidA}`;
      const res = await postForm(elodie, `${fromA}/unlink`, {}, fromA);
      expect(res.status).to.equal(303);
      const link = await testDb()('youth_links').first();
      expect(link.undone_by).to.equal(ids.users.elodie);
      expect(link.undone_at).to.be.a('string');
      const [a, b] = [await fileOf(ids.groups.algerie, walidA), await fileOf(ids.groups.kawara, walidB)];
      expect([a.user_id, b.user_id]).to.deep.equal([walidAccount, null]);
      expect([a.phone, b.phone, b.emergency_contact_name]).to.deep.equal([toE164(A_PHONE), toE164(MJC_FILE.phone), MJC_FILE.emergencyName]);
      const walid = await signIn(app, 'walid.b');
      expect((await walid.get(`/me?group=${ids.groups.kawara}`)).status).to.equal(404);
      // Undone twice: only said.
      const again = await postForm(elodie, `${fromA}/unlink`, {}, fromA);
      expect(again.status).to.equal(303);
      expect(visibleText((await elodie.get(fromA)).text)).to.include('Cette fiche n’est reliée à aucune autre.');
    });
  });

  describe('accounts of linked files', () => {
    it('keeps one account when both files had one, and gives the other back on undo', async () => {
      const db = testDb();
      const elodieUser = await userFor(db, ids.users.elodie);
      const kenzaA = await fileOf(ids.groups.algerie, await enrolmentOf(db, ids.groups.algerie, 'Kenza'));
      const { userId: accountA } = await youthWithAccount(db, ids.groups.algerie, 'Kenza', 'kenza.ml');
      const kenzaB = await enrolled(db, { id: ids.groups.kawara }, youth('Kenza', 'Belkacem'));
      const { userId: accountB, issued } = await openYouthAccount(db, elodieUser, kenzaB);
      await redeemCode(db, issued.code, 'kenza.mjc', DEMO_PASSWORD);
      const kawara = (await db('groups').where({ id: ids.groups.kawara }).first())!;

      await linkYouthFiles(db, elodieUser, kenzaB, kawara, await otherFileFor(db, elodieUser, kenzaA.enrolment_id));
      // The older account, in use, stays; the MJC's is closed while the files are linked.
      const shared = await db('youths').whereIn('id', [kenzaA.youth_id, kenzaB.youth_id]).pluck('user_id');
      expect(shared).to.deep.equal([accountA, accountA]);
      expect(Boolean((await db('users').where({ id: accountB }).first('active')).active)).to.equal(false);
      expect((await refusalOf(linkYouthFiles(db, elodieUser, kenzaB, kawara, await otherFileFor(db, elodieUser, kenzaA.enrolment_id)))).messageKey)
        .to.equal('participants.link.errors.alreadyLinked');

      await unlinkYouthFile(db, elodieUser, kenzaA);
      expect((await fileOf(ids.groups.algerie, kenzaA.enrolment_id)).user_id).to.equal(accountA);
      expect((await fileOf(ids.groups.kawara, kenzaB.enrolment_id)).user_id).to.equal(accountB);
      expect(Boolean((await db('users').where({ id: accountB }).first('active')).active)).to.equal(true);
      await signIn(app, 'kenza.mjc');
    });

    it('makes one link of a file linked twice at once', async () => {
      const db = testDb();
      const elodieUser = await userFor(db, ids.users.elodie);
      const nassimB = await enrolled(db, { id: ids.groups.kawara }, youth('Nassim', 'Ould Ali'));
      const kawara = (await db('groups').where({ id: ids.groups.kawara }).first())!;
      const [nassim, sonia] = await Promise.all(['Nassim', 'Sonia'].map(async (n) => otherFileFor(db, elodieUser, await enrolmentOf(db, ids.groups.algerie, n))));
      const results = await Promise.allSettled([nassim!, sonia!].map((other) => linkYouthFiles(db, elodieUser, nassimB, kawara, other)));
      expect(results.map((r) => r.status).sort()).to.deep.equal(['fulfilled', 'rejected']);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
      expect(refused.reason.messageKey).to.equal('participants.link.errors.alreadyLinked');
      expect(Number((await db('youth_links').whereNull('undone_at').where('youth_id', nassimB.youth_id).count({ n: '*' }))[0]!.n)).to.equal(1);
    });

    it('opens one account for linked files that had none, and leaves it with the structure that opened it on undo', async () => {
      const db = testDb();
      const elodieUser = await userFor(db, ids.users.elodie);
      const anisA = await fileOf(ids.groups.algerie, await enrolmentOf(db, ids.groups.algerie, 'Anis'));
      const anisB = await enrolled(db, { id: ids.groups.kawara }, youth('Anis', 'Zerrouki'));
      const kawara = (await db('groups').where({ id: ids.groups.kawara }).first())!;
      await linkYouthFiles(db, elodieUser, anisB, kawara, await otherFileFor(db, elodieUser, anisA.enrolment_id));
      const { userId, created } = await openYouthAccount(db, elodieUser, anisB);
      expect(created).to.equal(true);
      expect((await fileOf(ids.groups.algerie, anisA.enrolment_id)).user_id).to.equal(userId);
      // A code asked from the other file is for the same account.
      expect((await openYouthAccount(db, elodieUser, await fileOf(ids.groups.algerie, anisA.enrolment_id))).userId).to.equal(userId);
      await unlinkYouthFile(db, elodieUser, anisB);
      expect([(await fileOf(ids.groups.algerie, anisA.enrolment_id)).user_id, (await fileOf(ids.groups.kawara, anisB.enrolment_id)).user_id]).to.deep.equal([null, userId]);
    });
  });
});

describe('migration: links between youth files', () => {
  const LINKS = '20261205093000_youth_links';
  const made: TestDatabase[] = [];
  afterEach(async () => {
    for (const d of made.splice(0)) await d.drop();
  });

  it('undoes itself with down(): a shared account stays with the first file, each account on one file again; and applies again', async () => {
    const t = await createTestDatabase();
    made.push(t);
    await migrateLatest(t.db);
    const ids = await loadDemoData(t.db);
    const elodie = await userFor(t.db, ids.users.elodie);
    const walidA = await findYouthFile(t.db, ids.groups.algerie, Number((await t.db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ group_id: ids.groups.algerie, first_name: 'Walid' }).first('enrolments.id')).id));
    const { userId } = await openYouthAccount(t.db, elodie, walidA!);
    const walidB = (await findYouthFile(t.db, ids.groups.kawara, await t.db.transaction((trx) => insertEnrolment(trx, ids.groups.kawara, youth('Walid', 'Benaïssa'), '2026-01-05'))))!;
    await linkYouthFiles(t.db, elodie, walidB, { structure_id: ids.structures["MJC d'Halluin"]! }, await otherFileFor(t.db, elodie, walidA!.enrolment_id));
    const youthsBefore = Number((await t.db('youths').count({ n: '*' }))[0]!.n);

    await t.db.migrate.down({ ...migrationConfig(), name: LINKS });
    expect(await t.db.schema.hasTable('youth_links')).to.equal(false);
    expect(await t.db('youths').whereIn('id', [walidA!.youth_id, walidB.youth_id]).orderBy('id').pluck('user_id')).to.deep.equal([userId, null]);
    expect(Number((await t.db('youths').count({ n: '*' }))[0]!.n)).to.equal(youthsBefore);
    // One account per file again.
    let refused = false;
    await t.db('youths').where({ id: walidB.youth_id }).update({ user_id: userId }).catch(() => (refused = true));
    expect(refused).to.equal(true);

    await migrateLatest(t.db);
    expect(await t.db.schema.hasTable('youth_links')).to.equal(true);
    await t.db('youths').where({ id: walidB.youth_id }).update({ user_id: userId });
  });

  it('splits a file that was in two structures into one file per structure, linked; and makes it one again with down()', async () => {
    const t = await createTestDatabase();
    made.push(t);
    await migrateLatest(t.db);
    const ids = await loadDemoData(t.db);
    await t.db.migrate.down({ ...migrationConfig(), name: LINKS });
    // As a lent worker could do before: Walid's one file enrolled as peer leader in the MJC's Kawara group,
    // named in a photo of that group.
    const walidA = (await t.db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ group_id: ids.groups.algerie, first_name: 'Walid' }).first('enrolments.youth_id')).youth_id;
    const [enrolmentRow] = await t.db('enrolments').insert({ group_id: ids.groups.kawara, youth_id: walidA, role: 'peer_leader', status: 'enrolled', enrolled_on: '2026-11-02', departing: true, created_at: 'x' }).returning('id');
    const inKawara = Number(typeof enrolmentRow === 'object' ? enrolmentRow.id : enrolmentRow);
    const [mediumRow] = await t.db('media').insert({ group_id: ids.groups.kawara, kind: 'report', moment: 'after', body: 'Relais', uploaded_by: ids.users.elodie, youth_id: walidA, created_at: 'x', updated_at: 'x' }).returning('id');
    const medium = Number(typeof mediumRow === 'object' ? mediumRow.id : mediumRow);
    await t.db('media_youths').insert({ medium_id: medium, youth_id: walidA });
    const youthsBefore = await t.db('youths').orderBy('id').select('*');

    await migrateLatest(t.db);
    const copy = (await t.db('enrolments').where({ id: inKawara }).first('youth_id')).youth_id;
    expect(copy).not.to.equal(walidA);
    const [original, copied] = await Promise.all([walidA, copy].map((id) => t.db('youths').where({ id }).first()));
    expect({ ...copied, id: walidA }).to.deep.equal(original);
    expect((await t.db('media').where({ id: medium }).first('youth_id')).youth_id).to.equal(copy);
    expect(await t.db('media_youths').where({ medium_id: medium }).pluck('youth_id')).to.deep.equal([copy]);
    expect(await t.db('enrolments').where({ youth_id: walidA }).pluck('group_id')).to.deep.equal([ids.groups.algerie]);
    const link = await t.db('youth_links').first();
    expect(link).to.include({ youth_id: walidA, other_youth_id: copy, structure_id: ids.structures['Mission locale du Douaisis'], other_structure_id: ids.structures["MJC d'Halluin"], linked_by: null });

    await t.db.migrate.down({ ...migrationConfig(), name: LINKS });
    expect(await t.db('youths').orderBy('id').select('*')).to.deep.equal(youthsBefore);
    expect((await t.db('enrolments').where({ id: inKawara }).first('youth_id')).youth_id).to.equal(walidA);
    expect(await t.db('media_youths').where({ medium_id: medium }).pluck('youth_id')).to.deep.equal([walidA]);
  });
});
