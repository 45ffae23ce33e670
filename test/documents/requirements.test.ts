import { expect } from 'chai';
import dayjs from 'dayjs';
import { resetToDemo, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { defaultRequirements, ensureRequirements, requirementsOf, type Kind, type Requirement } from '../../src/documents/requirements.js';
import { evaluate, knownInvalidity, type HandInInput, type YouthDocumentRow } from '../../src/documents/youth-document.js';
import { documentsDue, missingDocuments } from '../../src/documents/readiness.js';
import { enrolled, newGroup, youth } from '../participants/fixtures.js';
import { paperSeen } from './fixtures.js';

const rule = (list: Requirement[], kind: Kind) => list.find((r) => r.kind === kind)!;
const asked = (list: Requirement[]) => list.filter((r) => r.enabled).map((r) => r.kind);

const trip = { departure_date: '2027-06-01', return_date: '2027-06-20' };
const adult = { birth_date: '2005-01-01' };
const paper = (kind: Kind, fields: Partial<YouthDocumentRow> = {}): YouthDocumentRow => ({
  id: 1, enrolment_id: 1, kind, status: 'checked', rejection_reason: null, valid_from: null, expiry_date: null, id_type: null,
  visa_applied_on: null, visa_decision: null, scan_path: null, scan_mime: null, scan_size: null, scan_name: null, uploaded_at: null,
  checked_at: null, scan_purged_at: null, ...fields,
});

describe('the papers a trip asks for', () => {
  describe('defaults per destination', () => {
    it('asks a group to Mali for a passport valid 6 months after the return, a visa 60 days ahead, yellow fever, and the exit authorisation for minors', () => {
      const mali = defaultRequirements('ML');
      expect(asked(mali)).to.deep.equal(['passport_or_id', 'visa', 'insurance', 'exit_authorisation', 'parent_id', 'health', 'image_rights']);
      expect(rule(mali, 'passport_or_id')).to.include({ monthsValid: 6, idCardAccepted: false });
      expect(rule(mali, 'visa').leadDays).to.equal(60);
      expect(rule(mali, 'health').detail).to.equal('yellow_fever');
      expect(rule(mali, 'exit_authorisation').minorsOnly).to.equal(true);
      expect(rule(mali, 'parent_id').minorsOnly).to.equal(true);
      expect(rule(mali, 'insurance').minorsOnly).to.equal(false);
    });

    it('asks the same of Burkina Faso and Cameroon, a visa but no vaccination for Algeria, neither for Morocco or Senegal', () => {
      expect(asked(defaultRequirements('BF'))).to.include.members(['visa', 'health']);
      expect(asked(defaultRequirements('CM'))).to.include.members(['visa', 'health']);
      expect(asked(defaultRequirements('DZ'))).to.include('visa').and.not.include('health');
      for (const country of ['MA', 'SN']) expect(asked(defaultRequirements(country))).to.not.include.members(['visa']).and.not.include('health');
    });

    it('lets an ID card do inside the EU, valid for the stay, without a visa', () => {
      const spain = defaultRequirements('ES');
      expect(rule(spain, 'passport_or_id')).to.include({ idCardAccepted: true, monthsValid: 0 });
      expect(asked(spain)).to.not.include('visa');
    });

    it('falls back to a passport valid 6 months after the return, no visa, for a country it does not know', () => {
      const elsewhere = defaultRequirements('JP');
      expect(rule(elsewhere, 'passport_or_id')).to.include({ monthsValid: 6, idCardAccepted: false });
      expect(asked(elsewhere)).to.not.include('visa');
      expect(rule(elsewhere, 'visa').leadDays).to.equal(60);
    });
  });

  describe('a group’s own copy', () => {
    let ids: DemoIds;
    before(async () => {
      ids = await resetToDemo();
    });

    it('is written once, the first time it is needed, even when two requests ask at the same moment', async () => {
      const kawara = await testDb()('groups').where({ id: ids.groups.kawara }).first();
      expect(await testDb()('group_requirements').where({ group_id: kawara.id }).count({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(0);
      await Promise.all([ensureRequirements(testDb(), kawara), ensureRequirements(testDb(), kawara)]);
      const rows = await testDb()('group_requirements').where({ group_id: kawara.id }).select('kind');
      expect(rows.map((r) => r.kind).sort()).to.deep.equal(['exit_authorisation', 'health', 'image_rights', 'insurance', 'parent_id', 'passport_or_id', 'visa']);
    });

    it('keeps what the worker adjusted, and follows the destination for a group never adjusted', async () => {
      const rules = await requirementsOf(testDb(), await testDb()('groups').whereIn('id', [ids.groups.sadiola, ids.groups.maroc]).select('*'));
      // The demo worker of Sadiola asks for passports earlier: town halls give appointments months ahead.
      expect(rule(rules.get(ids.groups.sadiola)!, 'passport_or_id').leadDays).to.equal(110);
      expect(asked(rules.get(ids.groups.maroc)!)).to.not.include('visa');
    });
  });
});

describe('where a youth stands for one paper', () => {
  const mali = defaultRequirements('ML');

  it('is missing, and late once the deadline counted back from the departure is past', () => {
    const passport = rule(mali, 'passport_or_id');
    const early = evaluate(passport, adult, trip, undefined, '2027-01-01');
    expect(early).to.include({ state: 'missing', ready: false, toHandIn: true, overdue: false, deadline: '2027-03-03' });
    expect(early.problem).to.deep.equal({ key: 'documents.missing.notGiven', values: { kind: 'passport' } });
    expect(evaluate(passport, adult, trip, undefined, '2027-03-04').overdue).to.equal(true);
  });

  it('counts the visa deadline back by the destination’s lead time, and is satisfied for the deadline once applied', () => {
    const visa = rule(mali, 'visa');
    expect(evaluate(visa, adult, trip, undefined, '2027-01-01').deadline).to.equal('2027-04-02');
    const applied = evaluate(visa, adult, trip, paper('visa', { status: 'received', visa_applied_on: '2027-03-01', visa_decision: 'pending' }), '2027-05-01');
    expect(applied).to.include({ state: 'received', ready: false, toHandIn: false, overdue: false });
    expect(applied.problem!.key).to.equal('documents.missing.visaPending');
    const refused = evaluate(visa, adult, trip, paper('visa', { status: 'received', visa_applied_on: '2027-03-01', visa_decision: 'refused' }), '2027-05-01');
    expect(refused).to.include({ state: 'rejected', toHandIn: true });
  });

  it('says a passport that expires before six months after the return is not valid, with both dates', () => {
    const e = evaluate(rule(mali, 'passport_or_id'), adult, trip, paper('passport_or_id', { expiry_date: '2027-09-30' }), '2027-01-01');
    expect(e).to.include({ state: 'expired', ready: false, neededUntil: '2027-12-20' });
    expect(e.problem!.key).to.equal('documents.missing.passportExpires');
    expect((e.problem!.values!.date as Date).toISOString().slice(0, 10)).to.equal('2027-09-30');
    expect(evaluate(rule(mali, 'passport_or_id'), adult, trip, paper('passport_or_id', { expiry_date: '2027-12-20' })).ready).to.equal(true);
  });

  it('wants the insurance to cover the whole stay, from the departure to the return', () => {
    const insurance = rule(mali, 'insurance');
    expect(evaluate(insurance, adult, trip, paper('insurance', { valid_from: '2027-06-02', expiry_date: '2027-07-01' })).state).to.equal('expired');
    expect(evaluate(insurance, adult, trip, paper('insurance', { valid_from: '2027-05-01', expiry_date: '2027-06-19' })).state).to.equal('expired');
    expect(evaluate(insurance, adult, trip, paper('insurance', { valid_from: '2027-06-01', expiry_date: '2027-06-20' })).ready).to.equal(true);
  });

  it('knows, before any check, a handed-in passport or insurance that is not good for the trip; "checked, not valid" stays to hand in', () => {
    const passport = rule(mali, 'passport_or_id');
    const short = paper('passport_or_id', { status: 'received', expiry_date: '2027-09-30' });
    expect(knownInvalidity(passport, adult, trip, short, '2027-01-01')!.key).to.equal('documents.missing.passportExpires');
    expect(knownInvalidity(passport, adult, trip, { ...short, expiry_date: '2028-01-01' }, '2027-01-01')).to.equal(null);
    expect(knownInvalidity(rule(mali, 'insurance'), adult, trip, paper('insurance', { status: 'received', valid_from: '2027-06-02', expiry_date: '2027-07-01' }))!.key)
      .to.equal('documents.missing.insuranceStartsLate');
    // A refused paper is refused by a person, not by its dates.
    expect(knownInvalidity(passport, adult, trip, { ...short, expiry_date: '2028-01-01', status: 'rejected', rejection_reason: 'Illisible' }, '2027-01-01')).to.equal(null);
    const invalid = evaluate(passport, adult, trip, paper('passport_or_id', { status: 'invalid', expiry_date: '2028-01-01', rejection_reason: 'Nom mal écrit' }), '2027-01-01');
    expect(invalid).to.include({ state: 'expired', ready: false, toHandIn: true });
    expect(invalid.problem).to.deep.equal({ key: 'documents.missing.notValid', values: { kind: 'passport', reason: 'Nom mal écrit' } });
  });

  it('asks the exit authorisation only of a youth under 18 on the departure day', () => {
    const ast = rule(mali, 'exit_authorisation');
    expect(evaluate(ast, { birth_date: '2009-06-02' }, trip, undefined).applies).to.equal(true);
    // Eighteen on the very day of the departure: an adult.
    expect(evaluate(ast, { birth_date: '2009-06-01' }, trip, undefined).applies).to.equal(false);
  });

  it('is ready only once checked: received is not enough, refused says why', () => {
    const rights = rule(mali, 'image_rights');
    expect(evaluate(rights, adult, trip, paper('image_rights', { status: 'received' }))).to.include({ state: 'received', ready: false, toHandIn: false });
    const refused = evaluate(rights, adult, trip, paper('image_rights', { status: 'rejected', rejection_reason: 'Pas signé' }));
    expect(refused.problem).to.deep.equal({ key: 'documents.missing.rejected', values: { kind: 'image_rights', reason: 'Pas signé' } });
    expect(evaluate(rights, adult, trip, paper('image_rights')).ready).to.equal(true);
  });
});

describe('missingDocuments, the question of the departure gate', () => {
  let ids: DemoIds;
  let groupId: number;
  const enrolments: Record<string, number> = {};
  before(async () => {
    ids = await resetToDemo();
    const db = testDb();
    ({ id: groupId } = await newGroup(db, ids.users.karim, {
      name: 'Kayes 2027', country: 'ML', departureDate: '2027-06-01', returnDate: '2027-06-20',
    }));
    for (const [first, birthDate, departing] of [['Awa', '2005-01-01', true], ['Bilal', '2010-02-01', true], ['Célia', '2005-03-01', true], ['Dylan', '2005-04-01', false]] as const) {
      enrolments[first] = (await enrolled(db, { id: groupId }, youth(first, 'Témoin', { birthDate, departing }), '2026-09-01')).enrolment_id;
    }
    const karim = await userFor(db, ids.users.karim);
    const seen = (first: string, kind: Kind, fields: Partial<HandInInput> = {}, checked = true) =>
      paperSeen(db, karim, groupId, enrolments[first]!, kind, { expiryDate: '2030-01-01', validFrom: '2027-01-01', ...fields }, checked);
    const everything = async (first: string, except: Kind[] = []) => {
      for (const kind of (['passport_or_id', 'insurance', 'health', 'image_rights'] as Kind[]).filter((k) => !except.includes(k))) await seen(first, kind);
      await seen(first, 'visa', { visaAppliedOn: '2027-03-01', visaDecision: 'granted' });
    };
    await everything('Awa');
    // Bilal is 17 at the departure: his papers are there, but not his exit authorisation nor his parent's ID.
    await everything('Bilal');
    // Célia's passport runs out in September 2027; her insurance was handed in but not checked.
    await everything('Célia', ['passport_or_id', 'insurance']);
    await seen('Célia', 'passport_or_id', { expiryDate: '2027-09-30' });
    await seen('Célia', 'insurance', {}, false);
  });

  it('names, youth by youth, the papers that are not checked and valid, and nothing for a youth who is ready or not leaving', async () => {
    const missing = await missingDocuments(testDb(), groupId);
    expect([...missing.keys()].sort()).to.deep.equal([enrolments.Bilal, enrolments['Célia']].sort());
    expect(missing.get(enrolments.Bilal)).to.deep.equal([
      { key: 'documents.missing.notGiven', values: { kind: 'exit_authorisation' } },
      { key: 'documents.missing.notGiven', values: { kind: 'parent_id' } },
    ]);
    const celia = missing.get(enrolments['Célia'])!;
    expect(celia.map((m) => m.key)).to.deep.equal(['documents.missing.passportExpires', 'documents.missing.notChecked']);
  });

  it('asks the same few queries for a group of ten as for a group of three', async () => {
    const count = async (id: number) => {
      let n = 0;
      const listener = () => n++;
      testDb().on('query', listener);
      try {
        await missingDocuments(testDb(), id);
      } finally {
        testDb().off('query', listener);
      }
      return n;
    };
    expect(await count(groupId)).to.equal(await count(ids.groups.sadiola));
  });

  it('lists on the worker’s home what is due within 14 days or late, soonest first', async () => {
    const groups = await testDb()('groups').whereIn('id', [ids.groups.sadiola, ids.groups.kawara]).select('*');
    const due = await documentsDue(testDb(), groups);
    const today = dayjs().format('YYYY-MM-DD');
    const until = dayjs().add(14, 'day').format('YYYY-MM-DD');
    expect(due.every((d) => d.deadline <= until)).to.equal(true);
    expect(due.map((d) => d.deadline)).to.deep.equal([...due.map((d) => d.deadline)].sort());
    // Kawara: Ilyes's insurance is late; Sadiola: passports due in ten days, for those who have none that is valid.
    expect(due.find((d) => d.firstName === 'Ilyes')).to.include({ kind: 'insurance', overdue: true });
    const passports = due.filter((d) => d.groupId === ids.groups.sadiola && d.kind === 'passport_or_id').map((d) => d.firstName);
    expect(passports).to.include.members(['Chloé', 'Kevin', 'Mamadou', 'Samir', 'Yanis']); // none, expiring too soon, or refused
    expect(passports).to.not.include.members(['Inès', 'Léa', 'Rayan', 'Manon', 'Jade']); // handed in and valid
    expect(due.filter((d) => d.deadline < today).every((d) => d.overdue)).to.equal(true);
  });
});
