import { expect } from 'chai';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import { appOnDemo, buildApp, signIn, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { withdraw } from '../../src/participants/withdrawal.js';
import { parseCsv } from '../../src/participants/csv.js';
import { MAPPINGS, mappingFor, type ErasmusParticipant } from '../../src/reports/erasmus-mapping.js';
import { erasmusParticipants } from '../../src/reports/erasmus-export.js';
import { findVisibleGroup } from '../../src/groups/group.js';
import { BARRIERS } from '../../src/participants/funder-facts.js';

/** The module's layout, read off the Commission's wiki (src/reports/erasmus-mapping.ts): every header, in its order. */
const HEADERS = [
  'Data type', 'Grant Agreement No.', 'Mobility activity ID', 'Activity type', 'Participant first name', 'Participant last name',
  'Participant date of birth', 'Participant gender', 'Participant nationality', 'Participant with fewer opportunities', 'Accompanying person',
  'Sending Organisation OID', 'Sending country', 'Sending city', 'Receiving Organisation OID', 'Receiving country', 'Receiving city',
  'Start date', 'End date', 'Funded duration including travel days (in days)', 'Main means of transport',
  'Sustainable means of transport (green travel)', 'Distance band',
];

const binary = (res: NodeJS.ReadableStream, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

const ddmmyyyy = (iso: string) => `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}`;

interface Youth { enrolment_id: number; first_name: string; last_name: string; birth_date: string }

/**
 * The fixture group: Sadiola (the mission locale's, led by Karim) with what funders count filled in for
 * some youths, a health situation and a health note that must never leave, one youth who withdrew and
 * one who stays home.
 */
async function fixtureGroup(ids: DemoIds) {
  const db = testDb();
  const youths: Youth[] = await db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where('enrolments.group_id', ids.groups.sadiola)
    .select('enrolments.id as enrolment_id', 'youths.id as youth_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date');
  const named = (first: string) => youths.find((y) => y.first_name === first)! as Youth & { youth_id: number };
  // Only what is set below: a peer leader from an earlier group comes with the answers the demo gave them there.
  await db('youths').whereIn('id', youths.map((y) => (y as Youth & { youth_id: number }).youth_id)).update({
    gender: null, ...Object.fromEntries(BARRIERS.map((b) => [`barrier_${b}`, false])),
  });
  await db('youths').where({ id: named('Inès').youth_id }).update({
    gender: 'female', barrier_health: true, barrier_disability: true, phone: '+33612345678', referred_by: 'Conseillère ML Douai',
    emergency_contact_name: 'Nadia Dufour', emergency_contact_phone: '+33698765432',
  });
  await db('stay_health_notes').insert({ enrolment_id: named('Inès').enrolment_id, note: 'Asthme : Ventoline dans le sac', written_by: ids.users.karim, written_at: '2026-12-01T10:00:00Z' });
  await db('youths').where({ id: named('Yanis').youth_id }).update({ gender: 'male', barrier_economic: true });
  await db('youths').where({ id: named('Léa').youth_id }).update({ gender: 'another' });
  await db('youths').where({ id: named('Mamadou').youth_id }).update({ gender: 'not_said' });
  await withdraw(db, await userFor(db, ids.users.karim), { enrolment_id: named('Kevin').enrolment_id, group_id: ids.groups.sadiola },
    { reason: 'job', note: 'A trouvé un CDI chez Renault', withdrawnOn: '2026-12-01', staysInTouch: true });
  await db('enrolments').where({ id: named('Samir').enrolment_id }).update({ departing: false });
  await db('groups').where({ id: ids.groups.sadiola }).update({ departure_date: '2027-04-02', return_date: '2027-04-19' });
  const going = youths.filter((y) => !['Kevin', 'Samir'].includes(y.first_name))
    .sort((a, b) => a.last_name.localeCompare(b.last_name) || a.first_name.localeCompare(b.first_name));
  // The accompanying adults: Karim leads the group and is listed as going too (one line), and an elected
  // official known by name only, whose role says nothing the module needs.
  await db('group_companions').insert({ group_id: ids.groups.sadiola, user_id: ids.users.karim, name: null, role: 'animateur' });
  const [official] = await db('group_companions').insert({ group_id: ids.groups.sadiola, user_id: null, name: 'Monique Durand-Lefort', role: 'adjointe au maire' }).returning('id');
  const adults = [
    { key: `A-W${ids.users.karim}`, first: 'Karim', last: 'Benali' },
    { key: `A-C${typeof official === 'object' ? official.id : official}`, first: 'Monique', last: 'Durand-Lefort' },
  ];
  return { going, adults, named };
}

/** Each participant's line as the module must receive it: the youths who go, then the accompanying adults. */
function expectedRows(ids: DemoIds, { going, adults }: { going: Youth[]; adults: { key: string; first: string; last: string }[] }): string[][] {
  const genders: Record<string, string> = { Inès: 'Female', Yanis: 'Male', Léa: 'Undefined', Mamadou: 'Undefined' };
  const mobility = ['FR', 'Douai', '', 'ML', 'Sadiola', '02-04-2027', '19-04-2027', '18', '', '', 'Between 4000 and 7999 km'];
  return [
    ...going.map((y) => [
      'Mobility', '', `TREMPLIN-${ids.groups.sadiola}-${y.enrolment_id}`, 'Youth Exchanges', y.first_name, y.last_name, ddmmyyyy(y.birth_date),
      genders[y.first_name] ?? '', '', ['Inès', 'Yanis'].includes(y.first_name) ? 'Yes' : 'No', 'No', '', ...mobility,
    ]),
    // No birth date, gender nor fewer-opportunities answer: Tremplin holds none for an adult.
    ...adults.map((a) => ['Mobility', '', `TREMPLIN-${ids.groups.sadiola}-${a.key}`, 'Youth Exchanges', a.first, a.last, '', '', '', '', 'Yes', '', ...mobility]),
  ];
}

/** What the module forbids, and what the file has no business carrying: none of it may appear anywhere. */
const FORBIDDEN_TEXT = ['adjointe', 'animateur', 'karim@', 'health', 'santé', 'disability', 'handicap', 'Asthme', 'Ventoline', '+33612345678', '06 12 34 56 78', 'Nadia', '+33698765432', 'Conseillère', 'CDI', 'Renault', 'barrier', 'economic'];

describe('the Erasmus+ Beneficiary Module export', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let fixture: Awaited<ReturnType<typeof fixtureGroup>>;

  before(async () => {
    ({ ids, app, karim } = await appOnDemo('karim'));
    fixture = await fixtureGroup(ids);
  });

  describe('GET /groups/:id/erasmus.xlsx', () => {
    let cells: string[][];
    let sheetName: string;
    before(async () => {
      const res = await karim.get(`/groups/${ids.groups.sadiola}/erasmus.xlsx`).buffer(true).parse(binary as never);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      expect(res.headers['content-disposition']).to.match(/^attachment; filename="erasmus-2026-groupe-\d+-\d{4}-\d{2}-\d{2}\.xlsx"$/);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as never);
      expect(workbook.worksheets).to.have.length(1);
      const sheet = workbook.worksheets[0]!;
      sheetName = sheet.name;
      cells = [];
      sheet.eachRow({ includeEmpty: true }, (row) => {
        cells.push(Array.from({ length: HEADERS.length }, (_, i) => { const v = row.getCell(i + 1).value; return v === null || v === undefined ? '' : String(v); }));
      });
    });

    it('opens with exceljs on one sheet named for the call year of the departure (2027 takes 2026’s layout)', () => {
      expect(sheetName).to.equal('Mobility activities 2026');
    });

    it('has every column of the module’s layout, in its order', () => {
      expect(cells[0]).to.deep.equal(HEADERS);
    });

    it('has one line per youth who goes, then one per accompanying adult flagged as such, with each value as the module reads it', () => {
      expect(cells.slice(1)).to.deep.equal(expectedRows(ids, fixture));
    });

    it('leaves out the youth who withdrew and the one who stays home', () => {
      const names = cells.slice(1).map((r) => r[4]);
      expect(names).not.to.include('Kevin').and.not.to.include('Samir');
      expect(names).to.have.length(fixture.going.length + fixture.adults.length).and.to.include('Inès');
    });

    it('carries nothing the module forbids: no health, no fewer-opportunities detail, no note, phone or contact', () => {
      const text = cells.flat().join('\n');
      for (const word of FORBIDDEN_TEXT) expect(text.toLowerCase(), word).not.to.include(word.toLowerCase());
    });

    it('writes the duration as a number and the dates as the module’s text', async () => {
      const res = await karim.get(`/groups/${ids.groups.sadiola}/erasmus.xlsx`).buffer(true).parse(binary as never);
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(res.body as never);
      const row = workbook.worksheets[0]!.getRow(2);
      expect(row.getCell(20).value).to.equal(18);
      expect(row.getCell(18).value).to.equal('02-04-2027');
    });
  });

  describe('GET /groups/:id/erasmus.csv', () => {
    let text: string;
    before(async () => {
      const res = await karim.get(`/groups/${ids.groups.sadiola}/erasmus.csv`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8');
      text = res.text;
    });

    it('is UTF-8 with a BOM and `;` separators, for French Excel', () => {
      expect(text.charCodeAt(0)).to.equal(0xfeff);
      expect(text.split('\r\n')[0]).to.equal('\uFEFF' + HEADERS.join(';'));
    });

    it('reads back as the same columns and lines as the XLSX', () => {
      const parsed = parseCsv(text.slice(1), ';');
      if (!parsed.ok) throw new Error('unreadable CSV');
      const rows = parsed.records.map((r) => r.fields);
      expect(rows[0]).to.deep.equal(HEADERS);
      expect(rows.slice(1)).to.deep.equal(expectedRows(ids, fixture));
    });

    it('carries nothing the module forbids', () => {
      for (const word of FORBIDDEN_TEXT) expect(text.toLowerCase(), word).not.to.include(word.toLowerCase());
    });
  });

  describe('who may download it', () => {
    it('lets the structure’s director download it, and logs each download with its format', async () => {
      const director = await signIn(buildApp(), DEMO_ACCOUNTS.director.email);
      const before = await testDb()('audit_log').where({ action: 'erasmus.export', group_id: ids.groups.sadiola }).count({ n: '*' }).first();
      expect((await director.get(`/groups/${ids.groups.sadiola}/erasmus.csv`)).status).to.equal(200);
      const rows = await testDb()('audit_log').where({ action: 'erasmus.export', group_id: ids.groups.sadiola }).orderBy('id', 'desc');
      expect(rows.length).to.equal(Number(before!.n) + 1);
      expect(rows[0]).to.include({ user_id: ids.users.director, subject_type: 'group', subject_id: ids.groups.sadiola });
      expect(JSON.parse(rows[0].details)).to.deep.equal({ format: 'csv', year: '2026', youths: fixture.going.length, adults: fixture.adults.length });
    });

    it('is not there for a youth of the group nor for another structure’s worker, and nothing is logged for them', async () => {
      const count = async () => Number((await testDb()('audit_log').where({ action: 'erasmus.export' }).count({ n: '*' }).first())!.n);
      const n = await count();
      const ines = await signIn(app, 'ines.d');
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      for (const agent of [ines, elodie]) for (const format of ['xlsx', 'csv']) expect((await agent.get(`/groups/${ids.groups.sadiola}/erasmus.${format}`)).status).to.equal(404);
      expect(await count()).to.equal(n);
    });

    it('shows the two buttons to the lead on the group page, and not to the youth', async () => {
      const page = (await karim.get(`/groups/${ids.groups.sadiola}`)).text;
      expect(page).to.include(`href="/groups/${ids.groups.sadiola}/erasmus.xlsx"`).and.include(`href="/groups/${ids.groups.sadiola}/erasmus.csv"`);
      const youthPage = (await (await signIn(app, 'ines.d')).get(`/groups/${ids.groups.sadiola}`)).text;
      expect(youthPage).not.to.include('erasmus.xlsx');
    });
  });

  describe('the mapping', () => {
    it('takes the layout of the departure year, else the latest year before it', () => {
      expect(mappingFor('2025-07-01').year).to.equal('2025');
      expect(mappingFor('2026-02-01').year).to.equal('2026');
      expect(mappingFor('2031-02-01').year).to.equal('2026');
      expect(mappingFor('2019-02-01').year).to.equal('2025');
      expect(mappingFor(null).year).to.equal('2026');
    });

    it('gives every year the same headers the test checks, none of them about health or the situation', () => {
      for (const [year, columns] of Object.entries(MAPPINGS)) {
        expect(columns.map((c) => c.header), year).to.deep.equal(HEADERS);
      }
    });

    it('computes from a participant that holds no health, no fewer-opportunities category, no note nor contact', async () => {
      const group = (await findVisibleGroup(testDb(), await userFor(testDb(), ids.users.karim), ids.groups.sadiola))!;
      const [first] = await erasmusParticipants(testDb(), group);
      const allowed: (keyof ErasmusParticipant)[] = [
        'groupId', 'key', 'accompanying', 'firstName', 'lastName', 'birthDate', 'gender', 'fewerOpportunities', 'sendingCity', 'receivingCountry',
        'receivingCity', 'startDate', 'endDate', 'days', 'distanceBand',
      ];
      expect(Object.keys(first!).sort()).to.deep.equal([...allowed].sort());
    });
  });
});
