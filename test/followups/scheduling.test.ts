import { expect } from 'chai';
import { testDb } from '../support/database.js';
import { usersOnDemo } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { advancePhase } from '../../src/phases/phase.js';
import { rejoin, withdraw } from '../../src/participants/withdrawal.js';
import type { YouthFile } from '../../src/participants/participant.js';
import {
  dueFollowUps, followUpForm, followUpState, listFollowUps, recordFollowUp, scheduleFollowUps, youthsToFollow,
} from '../../src/followups/followup.js';
import { parseForm } from '../../src/http/validation.js';
import { computeDashboard } from '../../src/reports/dashboard.js';
import { enrolled, newGroup, putInPhase, youth } from '../participants/fixtures.js';

const TODAY = new Date().toISOString().slice(0, 10);

describe('after-project follow-ups: planning', () => {
  let ids: DemoIds;
  let karim: Express.User;
  before(async () => ({ ids, karim } = await usersOnDemo('karim')));

  /** A group back from its stay on 2030-07-20: five youths, of whom two left before the departure. */
  async function groupBackWithFive() {
    const group = await newGroup(testDb(), ids.users.karim); // returns on 2030-07-20
    const y: Record<string, YouthFile> = {};
    for (const name of ['Awa', 'Bastien', 'Coralie', 'Dimitri', 'Eva']) y[name] = await enrolled(testDb(), group, youth(name, 'Suivi'));
    await withdraw(testDb(), karim, y.Coralie!, { reason: 'job', note: 'CDI', withdrawnOn: TODAY, staysInTouch: true });
    await withdraw(testDb(), karim, y.Dimitri!, { reason: 'lost_contact', note: null, withdrawnOn: TODAY, staysInTouch: false });
    return { group, y };
  }

  const plannedFor = async (enrolmentId: number) =>
    (await testDb()('follow_ups').where({ enrolment_id: enrolmentId }).orderBy('milestone_months').select('milestone_months', 'due_on'))
      .map((f: { milestone_months: number; due_on: string }) => `${Number(f.milestone_months)}: ${f.due_on}`);

  it('plans 1, 3, 6 and 12 months after the return when the group comes back, for each youth it follows', async () => {
    const { group, y } = await groupBackWithFive();
    await putInPhase(testDb(), group, 'stay');
    const row = await testDb()('groups').where({ id: group.id }).first();
    await advancePhase(testDb(), karim, row, 'return', null);

    expect(await plannedFor(y.Awa!.enrolment_id)).to.deep.equal(['1: 2030-08-20', '3: 2030-10-20', '6: 2031-01-20', '12: 2031-07-20']);
    expect(await plannedFor(y.Bastien!.enrolment_id)).to.have.length(4);
    expect(await plannedFor(y.Eva!.enrolment_id)).to.have.length(4);
  });

  it('plans only the milestones the group\'s structure chose; the dashboard then counts nobody at 6 months and shows no share', async () => {
    const structureId = (await testDb()('users').where({ id: ids.users.karim }).first('structure_id')).structure_id;
    await testDb()('structures').where({ id: structureId }).update({ follow_up_milestones: '3,12' });
    try {
      const { group, y } = await groupBackWithFive();
      await putInPhase(testDb(), group, 'stay');
      await advancePhase(testDb(), karim, await testDb()('groups').where({ id: group.id }).first(), 'return', null);
      expect(await plannedFor(y.Awa!.enrolment_id)).to.deep.equal(['3: 2030-10-20', '12: 2031-07-20']);

      const dashboard = await computeDashboard(testDb(), { role: 'director', userId: ids.users.director, structureId: Number(structureId) }, { group: group.id });
      expect(dashboard.followUps.map((m) => [m.milestone, m.due])).to.deep.equal([[1, 0], [3, 0], [6, 0], [12, 0]]);
      expect(dashboard.situations.find((r) => r.at === '6')).to.include({ known: 0, jobOrTraining: 0, share: null });
    } finally {
      await testDb()('structures').where({ id: structureId }).update({ follow_up_milestones: null });
    }
  });

  it('follows a youth who withdrew but stays in touch, and not one who was lost from view', async () => {
    const { group, y } = await groupBackWithFive();
    await putInPhase(testDb(), group, 'return');
    await scheduleFollowUps(testDb(), group.id);
    expect(await plannedFor(y.Coralie!.enrolment_id)).to.have.length(4);
    expect(await plannedFor(y.Dimitri!.enrolment_id)).to.deep.equal([]);
    expect(await youthsToFollow(testDb(), group.id)).to.have.members(['Awa', 'Bastien', 'Coralie', 'Eva'].map((n) => y[n]!.enrolment_id));
  });

  it('plans nothing before the group is back, nor for a group without a return date', async () => {
    const { group, y } = await groupBackWithFive();
    await putInPhase(testDb(), group, 'stay');
    expect(await scheduleFollowUps(testDb(), group.id)).to.equal(0);
    await putInPhase(testDb(), group, 'return');
    await testDb()('groups').where({ id: group.id }).update({ return_date: null });
    expect(await scheduleFollowUps(testDb(), group.id)).to.equal(0);
    expect(await plannedFor(y.Awa!.enrolment_id)).to.deep.equal([]);
  });

  it('is idempotent: planning again keeps what was moved or done, and only adds what is missing', async () => {
    const { group, y } = await groupBackWithFive();
    await putInPhase(testDb(), group, 'return');
    expect(await scheduleFollowUps(testDb(), group.id)).to.equal(16);
    const awaFirst = await testDb()('follow_ups').where({ enrolment_id: y.Awa!.enrolment_id, milestone_months: 1 }).first('id');
    await testDb()('follow_ups').where({ id: awaFirst.id }).update({ due_on: '2030-09-02' });
    const form = parseForm(followUpForm(null), { doneOn: TODAY, reached: 'yes', situation: 'training' });
    if (!form.ok) throw new Error(JSON.stringify(form.errors));
    await recordFollowUp(testDb(), karim, awaFirst, form.data);

    expect(await scheduleFollowUps(testDb(), group.id)).to.equal(0);
    const total = await testDb()('follow_ups').whereIn('enrolment_id', Object.values(y).map((f) => f.enrolment_id)).count('* as n').first();
    expect(Number(total!.n)).to.equal(16);
    const awa = await testDb()('follow_ups').where({ id: awaFirst.id }).first();
    expect(awa).to.include({ due_on: '2030-09-02', done_on: TODAY, situation: 'training' });

    // Dimitri comes back into group life: the next planning adds his four follow-ups, and nothing else.
    await rejoin(testDb(), y.Dimitri!);
    expect(await scheduleFollowUps(testDb(), group.id)).to.equal(4);
    expect(await plannedFor(y.Dimitri!.enrolment_id)).to.have.length(4);
  });

  it('plans again harmlessly when the group moves on to restitution and after', async () => {
    const { group } = await groupBackWithFive();
    await putInPhase(testDb(), group, 'return');
    await scheduleFollowUps(testDb(), group.id);
    const count = async () => Number((await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id').where('enrolments.group_id', group.id).count('* as n').first())!.n);
    const before = await count();
    await advancePhase(testDb(), karim, await testDb()('groups').where({ id: group.id }).first(), 'restitution', null);
    await advancePhase(testDb(), karim, await testDb()('groups').where({ id: group.id }).first(), 'after', null);
    expect(await count()).to.equal(before);
  });

  it('plans the demo group to Mali for its nine youths in touch, Nathan (lost from view) left out', async () => {
    const rows = await listFollowUps(testDb(), ids.groups.dispensaire);
    const names = [...new Set(rows.map((f) => f.first_name))];
    expect(names).to.have.members(['Sofiane', 'Laura', 'Dylan', 'Aïcha', 'Sarah', 'Mathis', 'Océane', 'Bilal', 'Emma']);
    expect(rows).to.have.length(36);
    expect(rows.map((f) => f.milestone_months)).to.deep.equal([...Array(9).fill(1), ...Array(9).fill(3), ...Array(9).fill(6), ...Array(9).fill(12)]);
  });

  it('lists overdue and due-soon follow-ups first within each milestone, and knows which are due on the home page', async () => {
    const rows = await listFollowUps(testDb(), ids.groups.dispensaire, TODAY);
    const twelve = rows.filter((f) => f.milestone_months === 12).map((f) => followUpState(f, TODAY));
    expect(twelve.slice(0, 4)).to.deep.equal(['overdue', 'overdue', 'overdue', 'overdue']);
    expect(twelve[4]).to.equal('due');
    expect(twelve.slice(5)).to.deep.equal(['done', 'done', 'done', 'done']);

    const due = await dueFollowUps(testDb(), [ids.groups.dispensaire, ids.groups.sadiola], TODAY);
    // Sarah's 1-month and Océane's 3-month calls were tried without reaching them: still to do.
    expect(due.map((f) => `${f.first_name} ${f.milestone_months}${f.overdue ? ' overdue' : ''}${f.triedNotReached ? ' tried' : ''}`)).to.have.members([
      'Sarah 12 overdue', 'Bilal 12 overdue', 'Océane 12 overdue', 'Emma 12 overdue', 'Dylan 12', 'Sarah 1 overdue tried', 'Océane 3 overdue tried',
    ]);
  });
});
