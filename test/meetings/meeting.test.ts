import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import {
  attendanceForGate, attendanceRates, consecutiveUnexcusedAbsences, deleteMeeting, localToday, MeetingForm,
  recordAttendance, registerFor, type AttendanceStatus,
} from '../../src/meetings/meeting.js';
import { parseForm } from '../../src/http/validation.js';
import { sadiolaEnrolments, smallGroup } from './fixtures.js';

describe('preparation sessions (model)', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => ({ ids, karim } = await usersOnDemo('karim')));

  describe('attendanceRates', () => {
    it('counts present and late as attended, leaves excused out, and counts absent against', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'present', Bruno: 'absent' } });
      await g.meeting('2026-02-08', { register: { Awa: 'late', Bruno: 'excused' } });
      await g.meeting('2026-02-15', { register: { Awa: 'excused', Bruno: 'present' } });
      await g.meeting('2026-02-22', { register: { Awa: 'absent', Bruno: 'late' } });
      const { youths, group } = await attendanceRates(testDb(), g.groupId);
      const awa = youths.find((y) => y.firstName === 'Awa')!;
      const bruno = youths.find((y) => y.firstName === 'Bruno')!;
      expect(awa).to.include({ attended: 2, counted: 3 });
      expect(awa.rate).to.be.closeTo(2 / 3, 1e-9);
      expect(bruno).to.include({ attended: 2, counted: 3 });
      expect(group).to.deep.equal({ attended: 4, counted: 6, rate: 4 / 6 });
    });

    it('counts only preparation sessions whose register was taken', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'present' } });
      await g.meeting('2026-02-08', { phase: 'restitution', register: { Awa: 'absent' } });
      const unregistered = await g.meeting('2026-02-15', { register: { Awa: 'absent' } });
      await testDb()('meetings').where({ id: unregistered.id }).update({ register_taken_at: null });
      await g.meeting('2026-02-22');
      const [awa] = (await attendanceRates(testDb(), g.groupId)).youths;
      expect(awa).to.include({ attended: 1, counted: 1, rate: 1 });
    });

    it('keeps the past attendance of a youth who withdrew', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'present', Bruno: 'present' } });
      await g.meeting('2026-02-08', { register: { Awa: 'present', Bruno: 'absent' } });
      await g.withdraw('Bruno', '2026-02-10');
      const later = await g.meeting('2026-02-15');
      await recordAttendance(testDb(), karim, later, new Map([[g.enrolments.Awa!, 'present' as AttendanceStatus]]));
      const bruno = (await attendanceRates(testDb(), g.groupId)).youths.find((y) => y.firstName === 'Bruno')!;
      expect(bruno).to.include({ status: 'withdrawn', attended: 1, counted: 2, rate: 0.5 });
      // His line of a session before he left is still on that register.
      const before = (await testDb()('meetings').where({ group_id: g.groupId, starts_at: '2026-02-08T18:00' }).first());
      expect((await registerFor(testDb(), before)).map((l) => [l.first_name, l.status, l.expected])).to.deep.include(['Bruno', 'absent', true]);
    });

    it('does not count a youth for a session held before their enrolment', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Célia: '2026-02-10' });
      const early = await g.meeting('2026-02-01');
      expect((await registerFor(testDb(), early)).map((l) => l.first_name)).to.deep.equal(['Awa']);
      await recordAttendance(testDb(), karim, early, new Map([[g.enrolments.Awa!, 'present' as AttendanceStatus]]));
      const later = await g.meeting('2026-02-15');
      await recordAttendance(testDb(), karim, later, new Map<number, AttendanceStatus>([[g.enrolments.Awa!, 'absent'], [g.enrolments.Célia!, 'present']]));
      const célia = (await attendanceRates(testDb(), g.groupId)).youths.find((y) => y.firstName === 'Célia')!;
      expect(célia).to.include({ attended: 1, counted: 1, rate: 1 });
    });

    it('says "not counted yet" (null) for a youth and a group with no counted session', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'excused' } });
      const { youths, group } = await attendanceRates(testDb(), g.groupId);
      expect(youths[0]).to.include({ attended: 0, counted: 0, rate: null });
      expect(group.rate).to.equal(null);
    });

    it('gives the departure gate every enrolment with its rate and how many sessions counted', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'present' } });
      await g.meeting('2026-02-08', { register: { Awa: 'absent' } });
      const gate = await attendanceForGate(testDb(), g.groupId);
      expect(gate.get(g.enrolments.Awa!)).to.deep.equal({ rate: 0.5, counted: 2 });
      expect(gate.get(g.enrolments.Bruno!)).to.deep.equal({ rate: null, counted: 0 });
    });
  });

  describe('recordAttendance', () => {
    it('records every youth in one go, marks the register as taken, and corrects it without doubling lines', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      const m = await g.meeting('2026-02-01');
      await recordAttendance(testDb(), karim, m, new Map<number, AttendanceStatus>([[g.enrolments.Awa!, 'present'], [g.enrolments.Bruno!, 'absent']]));
      await recordAttendance(testDb(), karim, m, new Map<number, AttendanceStatus>([[g.enrolments.Awa!, 'present'], [g.enrolments.Bruno!, 'excused']]));
      const rows = await testDb()('attendance').where({ meeting_id: m.id }).orderBy('enrolment_id').select('enrolment_id', 'status', 'recorded_by');
      expect(rows).to.deep.equal([
        { enrolment_id: g.enrolments.Awa, status: 'present', recorded_by: ids.users.karim },
        { enrolment_id: g.enrolments.Bruno, status: 'excused', recorded_by: ids.users.karim },
      ]);
      expect((await testDb()('meetings').where({ id: m.id }).first()).register_taken_at).to.be.a('string');
    });

    it('refuses a register naming a youth of another group, and saves nothing', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01' });
      const m = await g.meeting('2026-02-01');
      const inès = (await sadiolaEnrolments(ids)).Inès!;
      const refused = await refusalOf(recordAttendance(testDb(), karim, m, new Map<number, AttendanceStatus>([[g.enrolments.Awa!, 'present'], [inès, 'absent']])));
      expect(refused).to.include({ field: '_form', messageKey: 'meetings.register.unknownYouth' });
      expect(await testDb()('attendance').where({ meeting_id: m.id })).to.deep.equal([]);
      expect((await testDb()('meetings').where({ id: m.id }).first()).register_taken_at).to.equal(null);
    });

    it('refuses a register that leaves out a youth expected that day', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      const m = await g.meeting('2026-02-01');
      const refused = await refusalOf(recordAttendance(testDb(), karim, m, new Map([[g.enrolments.Awa!, 'present' as AttendanceStatus]])));
      expect(refused).to.deep.include({ field: '_form', messageKey: 'meetings.register.missing', detail: [g.enrolments.Bruno] });
      expect(await testDb()('attendance').where({ meeting_id: m.id })).to.deep.equal([]);
    });

    it('does not expect a youth withdrawn before the session, and expects them again once they rejoined', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      await g.withdraw('Bruno', '2026-01-20', '2026-03-01');
      const away = await g.meeting('2026-02-01');
      const back = await g.meeting('2026-03-01');
      expect((await registerFor(testDb(), away)).map((l) => l.first_name)).to.deep.equal(['Awa']);
      expect((await registerFor(testDb(), back)).map((l) => l.first_name)).to.deep.equal(['Awa', 'Bruno']);
      const refused = await refusalOf(recordAttendance(testDb(), karim, away, new Map<number, AttendanceStatus>([[g.enrolments.Awa!, 'present'], [g.enrolments.Bruno!, 'absent']])));
      expect(refused).to.include({ field: '_form', messageKey: 'meetings.register.unknownYouth' });
    });

    it('waits for the day of the session', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01' });
      const m = await g.meeting('2099-01-01');
      const refused = await refusalOf(recordAttendance(testDb(), karim, m, new Map([[g.enrolments.Awa!, 'present' as AttendanceStatus]])));
      expect(refused).to.include({ field: '_form', messageKey: 'meetings.register.notYet' });
    });
  });

  describe('consecutiveUnexcusedAbsences', () => {
    it('flags Yanis, absent at the last two Sadiola sessions, and no one else of the demo', async () => {
      const flags = await consecutiveUnexcusedAbsences(testDb(), Object.values(ids.groups));
      expect(flags.map((f) => [f.firstName, f.lastName, f.groupId, f.groupName])).to.deep.equal([
        ['Yanis', 'Mebarki', ids.groups.sadiola, 'Rencontre des jeunes de Sadiola'],
      ]);
      expect(flags[0]!.lastMissed.slice(0, 10) < localToday()).to.equal(true);
    });

    it('flags two absences in a row, not absences broken by an excuse or a presence', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01', Célia: '2026-01-01', Dylan: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'present', Bruno: 'absent', Célia: 'absent', Dylan: 'absent' } });
      await g.meeting('2026-02-08', { register: { Awa: 'absent', Bruno: 'absent', Célia: 'excused', Dylan: 'absent' } });
      await g.meeting('2026-02-15', { register: { Awa: 'absent', Bruno: 'present', Célia: 'absent', Dylan: 'absent' } });
      // A session not yet registered does not break a streak.
      await g.meeting('2026-02-22');
      const flags = await consecutiveUnexcusedAbsences(testDb(), [g.groupId]);
      expect(flags.map((f) => f.firstName)).to.deep.equal(['Awa', 'Dylan']);
      expect(flags[0]!.lastMissed).to.equal('2026-02-15T18:00');
    });

    it('does not flag a youth who left, nor a group already back home', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01', Bruno: '2026-01-01' });
      await g.meeting('2026-02-01', { register: { Awa: 'absent', Bruno: 'absent' } });
      await g.meeting('2026-02-08', { register: { Awa: 'absent', Bruno: 'absent' } });
      await g.withdraw('Bruno', '2026-02-10');
      expect((await consecutiveUnexcusedAbsences(testDb(), [g.groupId])).map((f) => f.firstName)).to.deep.equal(['Awa']);
      await testDb()('groups').where({ id: g.groupId }).update({ phase: 'return' });
      expect(await consecutiveUnexcusedAbsences(testDb(), [g.groupId])).to.deep.equal([]);
    });
  });

  describe('deleteMeeting', () => {
    it('deletes a session without register at once, and erases a register only when asked to', async () => {
      const g = await smallGroup(ids, { Awa: '2026-01-01' });
      const empty = await g.meeting('2026-02-01');
      await deleteMeeting(testDb(), empty, { confirmLosingRegister: false });
      expect(await testDb()('meetings').where({ id: empty.id }).first()).to.equal(undefined);

      const held = await g.meeting('2026-02-08', { register: { Awa: 'present' } });
      const refused = await refusalOf(deleteMeeting(testDb(), held, { confirmLosingRegister: false }));
      expect(refused).to.include({ field: 'confirm', messageKey: 'meetings.delete.needsConfirmation' });
      expect(await testDb()('attendance').where({ meeting_id: held.id })).to.have.length(1);
      await deleteMeeting(testDb(), held, { confirmLosingRegister: true });
      expect(await testDb()('meetings').where({ id: held.id }).first()).to.equal(undefined);
      expect(await testDb()('attendance').where({ meeting_id: held.id })).to.deep.equal([]);
    });
  });

  describe('the session form', () => {
    const valid = { date: '2026-03-04', time: '18:00', durationMinutes: '120', place: 'Salle 2', type: 'language', phase: 'preparation', notes: '' };

    it('accepts a session and stores empty notes as none', () => {
      const form = parseForm(MeetingForm, valid);
      expect(form).to.deep.equal({ ok: true, data: { ...valid, durationMinutes: 120, notes: null } });
    });

    it('says, field by field, what is wrong', () => {
      const form = parseForm(MeetingForm, { ...valid, date: '2026-02-30', time: '', durationMinutes: '10000', type: 'party', phase: 'holidays', place: 'x'.repeat(161) });
      expect(form).to.deep.equal({
        ok: false,
        errors: {
          date: 'validation.dateImpossible',
          time: 'validation.required',
          durationMinutes: 'meetings.form.durationInvalid',
          type: 'meetings.form.typeInvalid',
          phase: 'meetings.form.phaseInvalid',
          place: 'validation.tooLong',
        },
      });
      expect(parseForm(MeetingForm, { ...valid, time: '25:00', durationMinutes: '10' })).to.deep.include({
        errors: { time: 'meetings.form.timeInvalid', durationMinutes: 'meetings.form.durationInvalid' },
      });
      expect(parseForm(MeetingForm, { ...valid, notes: 'x'.repeat(2001) })).to.deep.include({ errors: { notes: 'validation.tooLong' } });
    });
  });
});
