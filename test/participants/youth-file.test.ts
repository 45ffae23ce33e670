import { expect } from 'chai';
import dayjs from 'dayjs';
import { resetToDemo, testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { parseForm } from '../../src/http/validation.js';
import {
  ageOn, enrol, findYouthFile, isMinorAt, listGroupYouths, openYouthAccount, updateYouthFile, youthFileForm,
} from '../../src/participants/participant.js';
import { newGroup, youth } from './fixtures.js';

const form = (fields: Record<string, string>) =>
  parseForm(youthFileForm('2026-01-15'), { firstName: 'Awa', lastName: 'Diarra', birthDate: '2006-05-14', ...fields });

describe('a youth’s file', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('minor at departure, derived from the birth date', () => {
    it('is a minor on the day before their 18th birthday, an adult on the day itself', () => {
      expect(isMinorAt('2008-06-15', '2026-06-14')).to.equal(true);
      expect(isMinorAt('2008-06-15', '2026-06-15')).to.equal(false);
      expect(isMinorAt('2008-06-15', '2026-06-16')).to.equal(false);
    });

    it('counts a 29 February birthday on 1 March in other years', () => {
      expect(isMinorAt('2008-02-29', '2026-02-28')).to.equal(true);
      expect(isMinorAt('2008-02-29', '2026-03-01')).to.equal(false);
      expect(ageOn('2008-02-29', '2028-02-29')).to.equal(20);
    });

    it('is unknown while the group has no departure date', () => {
      expect(isMinorAt('2008-06-15', null)).to.equal(null);
    });

    it('is never stored: the list works it out from the group’s departure date', async () => {
      const kawara = await testDb()('groups').where({ id: ids.groups.kawara }).first('departure_date');
      const youths = await listGroupYouths(testDb(), ids.groups.kawara, kawara.departure_date);
      const zoe = youths.find((y) => y.first_name === 'Zoé')!;
      const camille = youths.find((y) => y.first_name === 'Camille')!;
      expect([zoe.minor_at_departure, camille.minor_at_departure]).to.deep.equal([true, false]);
    });
  });

  describe('the form', () => {
    it('trims names and accepts a date typed the French way', () => {
      const r = form({ firstName: '  Awa ', lastName: ' Diarra  Koné ', birthDate: '14/05/2006', situation: 'training' });
      expect(r.ok && r.data).to.deep.include({ firstName: 'Awa', lastName: 'Diarra Koné', birthDate: '2006-05-14', situation: 'training', departing: true });
    });

    it('refuses a birth date in the future, with its own message', () => {
      const future = dayjs().add(3, 'day').format('YYYY-MM-DD');
      const r = parseForm(youthFileForm(), { firstName: 'Awa', lastName: 'Diarra', birthDate: future });
      expect(!r.ok && r.errors).to.deep.equal({ birthDate: 'participants.errors.birthFuture' });
    });

    it('refuses a date that does not exist, and ages outside 13 to 35 at enrolment', () => {
      expect(form({}).ok).to.equal(true);
      const impossible = form({ birthDate: '30/02/2008' });
      expect(!impossible.ok && impossible.errors.birthDate).to.equal('validation.dateImpossible');
      const child = form({ birthDate: '2015-01-01' });
      expect(!child.ok && child.errors.birthDate).to.equal('participants.errors.tooYoung');
      const adult = form({ birthDate: '1980-01-01' });
      expect(!adult.ok && adult.errors.birthDate).to.equal('participants.errors.tooOld');
      const typo = form({ birthDate: '14.05.2006' });
      expect(!typo.ok && typo.errors.birthDate).to.equal('validation.dateFormat');
    });

    it('asks for the names, and refuses a situation outside the list and a phone that is not one', () => {
      const r = parseForm(youthFileForm(), { firstName: ' ', situation: 'astronaut', phone: 'appeler sa mère', birthDate: '2006-05-14' });
      expect(!r.ok && r.errors).to.deep.equal({
        firstName: 'validation.required', lastName: 'validation.required',
        situation: 'participants.errors.situation', phone: 'participants.errors.phone',
      });
    });
  });

  describe('enrol', () => {
    it('creates the youth’s file and their enrolment, dated today', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const id = await enrol(testDb(), group, youth('Awa', 'Diarra', { phone: '06 39 98 12 34', referredBy: 'Club de prévention', emergencyName: 'Fatou Diarra (mère)' }));
      const file = (await findYouthFile(testDb(), group.id, id))!;
      expect(file).to.deep.include({
        first_name: 'Awa', last_name: 'Diarra', status: 'enrolled', enrolled_on: dayjs().format('YYYY-MM-DD'),
        phone: '06 39 98 12 34', referred_by: 'Club de prévention', situation_at_enrolment: 'job_seeking',
        emergency_contact_name: 'Fatou Diarra (mère)', departing: true,
      });
    });

    it('refuses the same youth twice in a group, whatever the accents and capitals', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      await enrol(testDb(), group, youth('Inès', 'Lefèvre'));
      const refused = await refusalOf(enrol(testDb(), group, youth('ines', 'LEFEVRE')));
      expect(refused).to.include({ field: '_form', messageKey: 'participants.errors.duplicate' });
      expect(await testDb()('enrolments').where({ group_id: group.id }).count<{ n: number }[]>({ n: '*' }).then((r) => Number(r[0]!.n))).to.equal(1);
    });
  });

  describe('updateYouthFile', () => {
    it('changes the file, and the name on the youth’s account with it', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const id = await enrol(testDb(), group, youth('Sara', 'Benali'));
      const { userId } = await openYouthAccount(testDb(), await userFor(testDb(), ids.users.karim), (await findYouthFile(testDb(), group.id, id))!);
      const file = (await findYouthFile(testDb(), group.id, id))!;
      await updateYouthFile(testDb(), file, youth('Sarah', 'Benali', { departing: false, situation: 'school' }));
      const after = (await findYouthFile(testDb(), group.id, id))!;
      expect(after).to.deep.include({ first_name: 'Sarah', departing: false, situation_at_enrolment: 'school' });
      expect((await testDb()('users').where({ id: userId }).first('display_name')).display_name).to.equal('Sarah Benali');
    });
  });
});
