import { expect } from 'chai';
import { testDb, resetToDemo } from '../support/database.js';
import { computeDashboard, listFigureGroups, listFigureYouths, type Dashboard } from '../../src/reports/dashboard.js';
import { parseFilters, type ReportScope } from '../../src/reports/filters.js';
import { groupFunnel } from '../../src/participants/funnel.js';
import { readinessOfGroups } from '../../src/documents/readiness.js';
import { loadReportFixture, type ReportFixture } from './fixture.js';

const TODAY = '2026-12-01';

describe('the outcome dashboard on the known fixture', () => {
  let fx: ReportFixture;
  let director: ReportScope;
  let d2024: Dashboard;

  before(async () => {
    fx = await loadReportFixture(testDb());
    director = { role: 'director', userId: fx.users.director, structureId: fx.structure };
    d2024 = await computeDashboard(testDb(), director, { year: 2024 }, TODAY);
  });

  it('counts the funnel in distinct youths: 10 enrolled, 5 prepared, 5 departed, 5 returned, 4 presented', () => {
    expect(d2024.funnel).to.deep.equal({ enrolled: 10, prepared: 5, departed: 5, returned: 5, presented: 4 });
  });

  it('says why youths left: 2 found a job, 1 pregnancy, 2 lost contact, all during the preparation, 3 still in touch', () => {
    expect(d2024.withdrawn.total).to.equal(5);
    expect(d2024.withdrawn.inTouch).to.equal(3);
    const byReason = Object.fromEntries(d2024.withdrawn.byReason.filter((r) => r.youths).map((r) => [r.reason, [r.youths, r.inTouch]]));
    expect(byReason).to.deep.equal({ job: [2, 2], pregnancy: [1, 1], lost_contact: [2, 0] });
    expect(d2024.withdrawn.byPhase.filter((p) => p.youths)).to.deep.equal([{ phase: 'preparation', youths: 5 }]);
  });

  it('pools the preparation attendance like the meetings page: 12 attended out of 14, the excused line left out', () => {
    expect(d2024.attendance).to.deep.equal({ attended: 12, counted: 14, rate: 12 / 14 });
  });

  it('adds up 3 restitution events, 125 people, 25 per departed youth', () => {
    expect(d2024.restitution).to.deep.equal({ events: 3, groups: 1, peopleReached: 125, perDeparted: 25 });
  });

  it('counts the youths due, reached, tried but not reached and not tried, per milestone: 8 called at 6 months are 7 reached, not 8 done', () => {
    const byMilestone = Object.fromEntries(d2024.followUps.map((m) => [m.milestone, [m.due, m.reached, m.triedNotReached, m.notTried]]));
    expect(byMilestone).to.deep.equal({ 1: [0, 0, 0, 0], 3: [0, 0, 0, 0], 6: [8, 7, 1, 0], 12: [7, 3, 0, 4] });
  });

  it('owes nothing of a round the structure stopped calling at, and keeps who was reached in it', async () => {
    await testDb()('structures').where({ id: fx.structure }).update({ follow_up_milestones: '12' });
    try {
      const d = await computeDashboard(testDb(), director, { year: 2024 }, TODAY);
      const byMilestone = Object.fromEntries(d.followUps.map((m) => [m.milestone, [m.due, m.reached, m.triedNotReached, m.notTried]]));
      expect(byMilestone).to.deep.include({ 6: [7, 7, 0, 0], 12: [7, 3, 0, 4] });
      // Chloé's 6-month call is no longer owed: she has nothing overdue.
      expect(d.missing.overdueYouths).to.equal(4);
      const names = (await listFigureYouths(testDb(), director, { year: 2024 }, { figure: 'followUpTried', milestone: 6 }, TODAY)).map((y) => y.first_name);
      expect(names).to.deep.equal([]);
    } finally {
      await testDb()('structures').where({ id: fx.structure }).update({ follow_up_milestones: null });
    }
  });

  it('shows the share in a job or training: 2 of 10 at enrolment, 4 of 7 at 6 months, 2 of 3 at 12 months', () => {
    const [enrolment, six, twelve] = d2024.situations;
    expect([enrolment!.jobOrTraining, enrolment!.known]).to.deep.equal([2, 10]);
    expect(enrolment!.bySituation).to.deep.equal({ job_seeking: 6, training: 1, school: 2, employed: 1, other: 0 });
    expect([six!.jobOrTraining, six!.known]).to.deep.equal([4, 7]);
    expect([twelve!.jobOrTraining, twelve!.known]).to.deep.equal([2, 3]);
  });

  it('counts engagement after the return: 3 youths of 7 followed, volunteering counted once per youth', () => {
    expect(d2024.engagement.followed).to.equal(7);
    expect(d2024.engagement.any).to.equal(3);
    expect(d2024.engagement.byKind).to.include({ volunteering: 2, joined_council: 1, created_association: 1, peer_leader: 0 });
  });

  it('averages the self-assessment before and after per competence', () => {
    const lang = d2024.assessments.find((a) => a.key === 'language')!;
    const conf = d2024.assessments.find((a) => a.key === 'confidence')!;
    expect([lang.before, lang.after, lang.youthsBefore, lang.youthsAfter]).to.deep.equal([2, 3.5, 5, 4]);
    expect([conf.before, conf.after]).to.deep.equal([3, 4]);
  });

  it('lists what is missing: 5 youths with an overdue follow-up (Chloé, tried but not reached, among them), 1 without an after self-assessment, no group without restitution', () => {
    expect(d2024.missing).to.deep.equal({ overdueYouths: 5, missingAfter: 1, groupsWithoutRestitution: 0 });
  });

  it('without filters, adds the other groups: Kawara back without restitution, Bafou in preparation with its papers', async () => {
    const all = await computeDashboard(testDb(), director, {}, TODAY);
    expect(all.groups.byPhase).to.include({ preparation: 1, return: 1, after: 1 });
    expect(all.funnel.enrolled).to.equal(17);
    expect(all.funnel.departed).to.equal(8);
    expect(all.missing.groupsWithoutRestitution).to.equal(1);
    expect(all.missing.missingAfter).to.equal(4);
    const bafou = (await readinessOfGroups(testDb(), [await testDb()('groups').where({ id: fx.groups.bafou }).first()], TODAY))[0]!;
    expect(all.readiness.groups).to.equal(1);
    expect(all.readiness.youths).to.equal(4);
    expect(all.readiness.youthsReady).to.equal(bafou.youths.filter((y) => y.ready).length);
  });

  it('narrows to a structure, a country, a group, a worker, a period', async () => {
    const only = async (q: Record<string, string>) => (await computeDashboard(testDb(), director, parseFilters(q).filters, TODAY)).funnel.enrolled;
    expect(await only({ country: 'ml' })).to.equal(10);
    expect(await only({ country: 'CM' })).to.equal(4);
    expect(await only({ group: String(fx.groups.kawara) })).to.equal(3);
    expect(await only({ worker: String(fx.users.elodie) })).to.equal(7);
    expect(await only({ structure: String(fx.structure) })).to.equal(17);
    expect(await only({ from: '2024-01-01', to: '2025-12-31' })).to.equal(14);
    expect(await only({ year: '2019' })).to.equal(0);
  });

  it('gives a worker the same figures for their own groups only', async () => {
    const karim = await computeDashboard(testDb(), { role: 'worker', userId: fx.users.karim, structureId: null }, {}, TODAY);
    expect(karim.funnel).to.deep.equal(d2024.funnel);
    expect(karim.groups.total).to.equal(1);
    // Asking for another worker's group gives nothing, not their figures.
    const peek = await computeDashboard(testDb(), { role: 'worker', userId: fx.users.karim, structureId: null }, { group: fx.groups.kawara }, TODAY);
    expect(peek.funnel.enrolled).to.equal(0);
  });

  it('gives a director their structure\'s figures only, whatever the filter asks', async () => {
    const now = new Date().toISOString();
    const [row] = await testDb()('structures').insert({ name: 'MJC d’ailleurs', created_at: now }).returning('id');
    const elsewhere = typeof row === 'object' ? row.id : row;
    const [g] = await testDb()('groups').insert({ name: 'Groupe d’ailleurs', structure_id: elsewhere, destination_country: 'SN', departure_date: '2024-05-01', phase: 'after', created_at: now, updated_at: now }).returning('id');
    const other = typeof g === 'object' ? g.id : g;
    try {
      const all = await computeDashboard(testDb(), director, {}, TODAY);
      expect(all.groups.total).to.equal(3);
      expect((await computeDashboard(testDb(), director, { structure: elsewhere }, TODAY)).groups.total).to.equal(0);
      expect((await computeDashboard(testDb(), director, { group: other }, TODAY)).groups.total).to.equal(0);
      expect((await listFigureGroups(testDb(), director, {}, 'all')).map((x) => x.name)).not.to.include('Groupe d’ailleurs');
      // The other structure's director reads it, and nothing of this one.
      expect((await computeDashboard(testDb(), { ...director, structureId: elsewhere }, {}, TODAY)).groups.total).to.equal(1);
    } finally {
      await testDb()('groups').where({ id: other }).del();
      await testDb()('structures').where({ id: elsewhere }).del();
    }
  });

  it('lists exactly the youths a figure counts', async () => {
    const names = async (fig: Parameters<typeof listFigureYouths>[3]) =>
      (await listFigureYouths(testDb(), director, { year: 2024 }, fig, TODAY)).map((y) => `${y.first_name} ${y.last_name}`).sort();
    expect(await names({ figure: 'withdrawn', reason: 'lost_contact' })).to.deep.equal(['Jordan Petit', 'Kevin Lemaire']);
    expect(await names({ figure: 'inTouch' })).to.deep.equal(['Awa Traoré', 'Chloé Martin', 'Samir Haddad']);
    expect(await names({ figure: 'overdue' })).to.deep.equal(['Awa Traoré', 'Chloé Martin', 'François Lefèvre', 'Maëlle Dupont', 'Samir Haddad']);
    expect(await names({ figure: 'followUpDue', milestone: 6 })).to.have.length(8);
    expect(await names({ figure: 'followUpReached', milestone: 6 })).to.have.length(7).and.not.include('Chloé Martin');
    expect(await names({ figure: 'followUpTried', milestone: 6 })).to.deep.equal(['Chloé Martin']);
    expect(await names({ figure: 'followUpNotTried', milestone: 12 })).to.deep.equal(['Awa Traoré', 'François Lefèvre', 'Maëlle Dupont', 'Samir Haddad']);
    expect(await names({ figure: 'missingAfter' })).to.deep.equal(['Maëlle Dupont']);
    expect(await names({ figure: 'jobOrTraining', at: '6' })).to.have.length(4);
    expect(await names({ figure: 'departed' })).to.have.length(d2024.funnel.departed);
    expect(await names({ figure: 'engaged', engagement: 'volunteering' })).to.deep.equal(['François Lefèvre', 'Inès Diallo']);
    const groups = await listFigureGroups(testDb(), director, {}, 'noRestitution');
    expect(groups.map((g) => g.name)).to.deep.equal(['Jumelage Kawara']);
  });
});

describe('the dashboard funnel and the group funnel', () => {
  it('agree on every demo group (the same withdrawal rule, written twice)', async () => {
    const ids = await resetToDemo();
    for (const id of Object.values(ids.groups)) {
      const group = await testDb()('groups').where({ id }).first('id', 'phase', 'structure_id');
      // Each group is read by a director of its own structure.
      const director: ReportScope = { role: 'director', userId: ids.users.director, structureId: group.structure_id };
      const funnel = await groupFunnel(testDb(), group);
      const d = await computeDashboard(testDb(), director, { group: id });
      const steps = Object.fromEntries(funnel.steps.map((s) => [s.key, s.count]));
      expect(d.funnel.enrolled, `enrolled, group ${id}`).to.equal(steps.enrolled);
      expect(d.funnel.prepared, `prepared, group ${id}`).to.equal(steps.prepared);
      if (steps.departed !== null) expect(d.funnel.departed, `departed, group ${id}`).to.equal(steps.departed);
      if (steps.returned !== null) expect(d.funnel.returned, `returned, group ${id}`).to.equal(steps.returned);
      if (steps.restitution !== null) expect(d.funnel.presented, `presented, group ${id}`).to.equal(steps.restitution);
    }
  });

  it('shows the ordinary demo with figures in every section', async () => {
    const ids = await resetToDemo();
    const structureId = (await testDb()('users').where({ id: ids.users.director }).first('structure_id')).structure_id;
    const d = await computeDashboard(testDb(), { role: 'director', userId: ids.users.director, structureId }, {});
    expect(d.funnel.departed).to.be.greaterThan(0);
    expect(d.withdrawn.total).to.be.greaterThan(0);
    expect(d.attendance.counted).to.be.greaterThan(0);
    expect(d.restitution.events).to.be.greaterThan(0);
    expect(d.followUps.some((m) => m.due > 0)).to.equal(true);
  });
});

describe('a youth enrolled in two groups, in two situations', () => {
  it('is counted once in the situations known at enrolment, and once in a job or training', async () => {
    const db = testDb();
    const fx = await loadReportFixture(db);
    const director: ReportScope = { role: 'director', userId: fx.users.director, structureId: fx.structure };
    const before = (await computeDashboard(db, director, {}, TODAY)).situations[0]!;
    // Oumar, employed when he joined Kawara, comes back into Bafou as a peer leader while in training.
    const oumar = await db('youths').where({ first_name: 'Oumar' }).first('id');
    const bafou = await db('groups').where({ name: 'Chantier à Bafou' }).first('id');
    // Straight in, with the situation he joins in: enrolPeerLeader would read it from a follow-up, which the figures would count too.
    await db('enrolments').insert({
      group_id: bafou.id, youth_id: oumar.id, role: 'peer_leader', status: 'enrolled', enrolled_on: '2025-01-10', situation_at_enrolment: 'training', created_at: new Date().toISOString(),
    });
    const after = (await computeDashboard(db, director, {}, TODAY)).situations[0]!;
    expect(after.bySituation.training, 'he is among those in training').to.equal(before.bySituation.training + 1);
    expect(after.bySituation.employed, 'and still among those employed').to.equal(before.bySituation.employed);
    expect([after.known, after.jobOrTraining], 'but one youth, counted once').to.deep.equal([before.known, before.jobOrTraining]);
  });
});
