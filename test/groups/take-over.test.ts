import { expect } from 'chai';
import dayjs from 'dayjs';
import { appOnDemo, csrfFrom, postForm, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { planMeeting } from '../../src/meetings/meeting.js';
import { computeDashboard } from '../../src/reports/dashboard.js';
import { reportScopeOf } from '../../src/reports/filters.js';
import { groupFunnel } from '../../src/participants/funnel.js';

/** A day so many days from today (negative: in the past), as the forms send it. */
const day = (offset: number) => dayjs().add(offset, 'day').format('YYYY-MM-DD');
const birth = `${dayjs().year() - 19}-03-10`;

const takenOverGroup = (overrides: Record<string, string> = {}) => ({
  name: `Chantier repris ${Math.random().toString(36).slice(2, 7)}`, destinationCountry: 'ML', destinationPlace: 'Sadiola',
  departureDate: day(-12), returnDate: day(9), minAttendancePct: '60', takenOverPhase: 'stay', takenOverSince: day(-12), ...overrides,
});

const idIn = (location: string | undefined) => Number(location!.split('/').pop());

describe('taking over a project mid-way', () => {
  let ids: DemoIds;
  let karim: Agent;
  before(async () => ({ ids, karim } = await appOnDemo('karim')));

  async function createTakenOver(overrides: Record<string, string> = {}): Promise<number> {
    const res = await postForm(karim, '/groups', takenOverGroup(overrides), '/groups/new');
    expect(res.status, visibleText(res.text ?? '')).to.equal(303);
    return idIn(res.headers.location);
  }

  async function enrolOn(groupId: number, firstName: string, enrolledOn: string): Promise<number> {
    const res = await postForm(karim, `/groups/${groupId}/youths`, { firstName, lastName: 'Repris', birthDate: birth, enrolledOn, departing: 'yes' }, `/groups/${groupId}/youths/new`);
    expect(res.status, visibleText(res.text ?? '')).to.equal(303);
    return idIn(res.headers.location);
  }

  async function pastSession(groupId: number, date: string, phase: 'preparation' | 'return' = 'preparation'): Promise<number> {
    return planMeeting(testDb(), await userFor(testDb(), ids.users.karim), groupId, {
      date, time: '18:00', durationMinutes: 120, place: null, type: 'project', phase, notes: null,
    });
  }

  async function register(groupId: number, meetingId: number, statuses: Record<number, string>) {
    const page = `/groups/${groupId}/meetings/${meetingId}`;
    const fields = Object.fromEntries(Object.entries(statuses).map(([id, s]) => [`status-${id}`, s]));
    return postForm(karim, `${page}/register`, fields, page);
  }

  describe('POST /groups with "the project is already under way"', () => {
    it('creates the group at its real phase, with one "taken over" record instead of invented moves, shown on its pages', async () => {
      const id = await createTakenOver();
      expect((await testDb()('groups').where({ id }).first('phase')).phase).to.equal('stay');
      const records = await testDb()('phase_transitions').where({ group_id: id }).select('from_phase', 'to_phase', 'taken_over_on', 'by_user');
      expect(records).to.deep.equal([{ from_phase: 'stay', to_phase: 'stay', taken_over_on: day(-12), by_user: ids.users.karim }]);
      const groupPage = visibleText((await karim.get(`/groups/${id}`)).text);
      expect(groupPage).to.include(`Repris en cours de projet le ${dayjs().locale('fr').format('D MMM YYYY')}`);
      const phasePage = visibleText((await karim.get(`/groups/${id}/phase`)).text);
      expect(phasePage).to.include('Repris dans Tremplin le').and.include('à l’étape « Séjour »');
      // A group abroad is not asked to pass the departure gate again: its page has no gate.
      expect(phasePage).not.to.include('Départ validé par la direction');
    });

    it('refuses what cannot be — a group abroad whose departure is ahead, a day to come — keeping every field', async () => {
      const ahead = await postForm(karim, '/groups', takenOverGroup({ departureDate: day(5), returnDate: day(20), name: 'Pas encore parti' }), '/groups/new');
      expect(ahead.status).to.equal(422);
      expect(visibleText(ahead.text)).to.include('La date de départ est à venir : le groupe ne peut pas déjà être parti.');
      expect(ahead.text).to.include('value="Pas encore parti"').and.match(/<option value="stay"\s+selected>/);
      const since = await postForm(karim, '/groups', takenOverGroup({ takenOverSince: day(3) }), '/groups/new');
      expect(since.status).to.equal(422);
      expect(visibleText(since.text)).to.include('Cette date est à venir : indiquez depuis quand le groupe en est là.');
      const back = await postForm(karim, '/groups', takenOverGroup({ takenOverPhase: 'return', takenOverSince: '' }), '/groups/new');
      // Both problems at once, so the worker fixes the form in one go.
      expect(visibleText(back.text)).to.include('La date de retour est à venir : le groupe ne peut pas déjà être rentré.').and.include('À remplir.');
      expect(await testDb()('groups').whereIn('name', ['Pas encore parti']).first('id')).to.equal(undefined);
    });

    it('creates a group in preparation, with no phase record, when nothing is chosen', async () => {
      const id = await createTakenOver({ takenOverPhase: '', takenOverSince: '', departureDate: '2031-07-01', returnDate: '2031-07-20' });
      expect((await testDb()('groups').where({ id }).first('phase')).phase).to.equal('preparation');
      expect(await testDb()('phase_transitions').where({ group_id: id })).to.deep.equal([]);
    });
  });

  describe('a group taken over at the stay, with its paper registers typed in', () => {
    let groupId: number;
    const enrolment: Record<string, number> = {};

    before(async () => {
      groupId = await createTakenOver();
      for (const name of ['Awa', 'Bilal', 'Chloé', 'Dylan']) enrolment[name] = await enrolOn(groupId, name, day(-120));
      // Emma joined late, after the first session: she is not on its register.
      enrolment.Emma = await enrolOn(groupId, 'Emma', day(-70));
      const first = await pastSession(groupId, day(-100));
      const second = await pastSession(groupId, day(-60));
      const third = await pastSession(groupId, day(-30));
      const e = enrolment as Record<'Awa' | 'Bilal' | 'Chloé' | 'Dylan' | 'Emma', number>;
      for (const [meeting, statuses] of [
        [first, { [e.Awa]: 'present', [e.Bilal]: 'present', [e.Chloé]: 'absent', [e.Dylan]: 'present' }],
        [second, { [e.Awa]: 'present', [e.Bilal]: 'late', [e.Chloé]: 'absent', [e.Dylan]: 'excused', [e.Emma]: 'present' }],
        [third, { [e.Awa]: 'present', [e.Bilal]: 'present', [e.Dylan]: 'present', [e.Emma]: 'absent' }],
      ] as const) {
        // Chloé left in between (below), so the third register does not expect her.
        if (meeting === third) {
          const withdrawn = await postForm(karim, `/groups/${groupId}/youths/${e.Chloé}/withdraw`, {
            reason: 'job', withdrawnOn: day(-45), staysInTouch: 'yes', note: '',
          }, `/groups/${groupId}/youths/${e.Chloé}/withdraw`);
          expect(withdrawn.status, visibleText(withdrawn.text ?? '')).to.equal(303);
        }
        const res = await register(groupId, meeting, statuses);
        expect(res.status, visibleText(res.text ?? '')).to.equal(303);
      }
    });

    it('keeps each enrolment’s real day apart from who typed it and when', async () => {
      const row = await testDb()('enrolments').where({ id: enrolment.Awa }).first('enrolled_on', 'recorded_by', 'created_at');
      expect(row.enrolled_on).to.equal(day(-120));
      expect(row.recorded_by).to.equal(ids.users.karim);
      expect(String(row.created_at).slice(0, 10)).to.equal(dayjs().toISOString().slice(0, 10));
    });

    it('records the withdrawal typed today in the phase of the day it happened: the preparation', async () => {
      const w = await testDb()('withdrawals').where({ enrolment_id: enrolment.Chloé }).first('phase', 'withdrawn_on', 'recorded_by');
      expect(w).to.deep.equal({ phase: 'preparation', withdrawn_on: day(-45), recorded_by: ids.users.karim });
    });

    it('reads the group right on the dashboard: 4 departed of 5, the attendance of the paper registers, the withdrawal before the departure', async () => {
      const karimUser = await userFor(testDb(), ids.users.karim);
      const d = await computeDashboard(testDb(), reportScopeOf(karimUser), { group: groupId }, day(0));
      expect(d.funnel).to.deep.include({ enrolled: 5, prepared: 4, departed: 4 });
      expect(d.withdrawn.total).to.equal(1);
      expect(d.withdrawn.byPhase.filter((p) => p.youths)).to.deep.equal([{ phase: 'preparation', youths: 1 }]);
      // 4 + 5 + 4 lines, Dylan's excuse left out: 12 counted; present or late: Awa 3, Bilal 3, Dylan 2, Emma 1.
      expect(d.attendance).to.deep.equal({ attended: 9, counted: 12, rate: 9 / 12 });
    });

    it('shows the same on the group’s own funnel: Chloé stopped during the preparation', async () => {
      const group = await testDb()('groups').where({ id: groupId }).first();
      const { steps } = await groupFunnel(testDb(), group);
      expect(steps.map((s) => [s.key, s.count])).to.deep.equal([['enrolled', 5], ['prepared', 4], ['departed', 4], ['returned', null], ['restitution', null]]);
      expect(steps.find((s) => s.key === 'prepared')!.left.map((l) => [l.firstName, l.reason, l.phase])).to.deep.equal([['Chloé', 'job', 'preparation']]);
    });
  });

  describe('what is refused, with a clear message', () => {
    it('refuses a register naming a youth enrolled after the session, and saves nothing', async () => {
      const groupId = await createTakenOver();
      const early = await enrolOn(groupId, 'Farid', day(-90));
      const late = await enrolOn(groupId, 'Gaëlle', day(-20));
      const meeting = await pastSession(groupId, day(-40));
      const res = await register(groupId, meeting, { [early]: 'present', [late]: 'present' });
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('L’appel nomme un jeune inscrit après le jour de cette séance.');
      expect(await testDb()('attendance').where({ meeting_id: meeting })).to.deep.equal([]);
    });

    it('refuses an enrolment day to come, and moving it after a register the youth is on', async () => {
      const groupId = await createTakenOver();
      const future = await postForm(karim, `/groups/${groupId}/youths`, { firstName: 'Hélène', lastName: 'Repris', birthDate: birth, enrolledOn: day(2), departing: 'yes' }, `/groups/${groupId}/youths/new`);
      expect(future.status).to.equal(422);
      expect(visibleText(future.text)).to.include('Cette date d’inscription est à venir');
      expect(future.text).to.include('value="Hélène"').and.include(`value="${day(2)}"`);
      const id = await enrolOn(groupId, 'Hélène', day(-90));
      const meeting = await pastSession(groupId, day(-60));
      expect((await register(groupId, meeting, { [id]: 'present' })).status).to.equal(303);
      const moved = await postForm(karim, `/groups/${groupId}/youths/${id}`, { firstName: 'Hélène', lastName: 'Repris', birthDate: birth, enrolledOn: day(-30), departing: 'yes' }, `/groups/${groupId}/youths/${id}/edit`);
      expect(moved.status).to.equal(422);
      expect(visibleText(moved.text)).to.include('Ce jeune est déjà sur l’appel d’une séance avant cette date');
      expect((await testDb()('enrolments').where({ id }).first('enrolled_on')).enrolled_on).to.equal(day(-90));
    });

    it('refuses a withdrawal before the enrolment', async () => {
      const groupId = await createTakenOver();
      const id = await enrolOn(groupId, 'Ibrahim', day(-90));
      const res = await postForm(karim, `/groups/${groupId}/youths/${id}/withdraw`, { reason: 'job', withdrawnOn: day(-100), staysInTouch: 'no', note: '' }, `/groups/${groupId}/youths/${id}/withdraw`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Cette date est avant l’inscription.');
      expect(res.text).to.include(`value="${day(-100)}"`);
    });

    it('takes a follow-up of a group taken over after its return at its real date, and refuses one before the return', async () => {
      const groupId = await createTakenOver({ departureDate: day(-80), returnDate: day(-50), takenOverPhase: 'after', takenOverSince: day(-20) });
      await enrolOn(groupId, 'Jade', day(-200));
      expect((await postForm(karim, `/groups/${groupId}/followups/schedule`, {}, `/groups/${groupId}/followups`)).status).to.equal(303);
      const followUp = await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
        .where({ 'enrolments.group_id': groupId, milestone_months: 1 }).first('follow_ups.id');
      const page = `/groups/${groupId}/followups/${followUp.id}`;
      const before = await postForm(karim, page, { doneOn: day(-55), reached: 'yes', situation: 'training', note: '' }, page);
      expect(before.status).to.equal(422);
      expect(visibleText(before.text)).to.include('Un suivi a lieu après le retour du groupe.');
      expect(before.text).to.include(`value="${day(-55)}"`);
      const ok = await postForm(karim, page, { doneOn: day(-18), reached: 'yes', situation: 'training', note: '' }, page);
      expect(ok.status).to.equal(303);
      expect((await testDb()('follow_ups').where({ id: followUp.id }).first('done_on')).done_on).to.equal(day(-18));
    });
  });
});
