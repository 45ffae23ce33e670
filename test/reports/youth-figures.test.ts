import { expect } from 'chai';
import dayjs from 'dayjs';
import { testDb, emptyDatabase } from '../support/database.js';
import { computeDashboard, listFigureYouths, type Dashboard } from '../../src/reports/dashboard.js';
import { enrolmentsIn, type YouthFigure } from '../../src/reports/who-counts.js';
import { BREAKDOWN_CATEGORIES, BREAKDOWN_DIMENSIONS, BREAKDOWN_FIGURES, UNKNOWN, type BreakdownFigure } from '../../src/reports/breakdowns.js';
import type { ReportFilters, ReportScope } from '../../src/reports/filters.js';
import { BARRIERS, GENDERS } from '../../src/participants/funder-facts.js';
import { ageOn } from '../../src/participants/participant.js';
import { LARGE_NETWORK_LOGINS, loadLargeNetwork } from '../../scripts/large-network.js';

/**
 * The dashboard counts its youth figures and the funders' breakdowns in one pass over the youths
 * (`youthFigures`). Here each count is made the other way, youth by youth: the list behind the figure (the
 * same condition, `listFigureYouths`), then the youths' answers read from their files and their age at
 * their first departure worked out here. On the generator of `npm run demo:large` (ten years, peer leaders
 * enrolled twice), with answers spread over every category.
 */
const TODAY = '2026-12-01';

/** Every category of every dimension gets youths: genders, unanswered questions, barriers one by one and together, 26 and over. */
async function giveAnswers(): Promise<void> {
  await testDb()('youths').whereRaw('id % 11 = 0').update({ birth_date: '1990-06-15' });
  const genders = GENDERS.map((g) => `when ${GENDERS.indexOf(g)} then '${g}'`).join(' ');
  await testDb()('youths').update({
    gender: testDb().raw(`case id % 5 ${genders} else null end`),
    lives_in_qpv: testDb().raw('case when id % 3 = 0 then null else (id % 3 = 1) end'),
    lives_in_rural_area: testDb().raw('case when id % 4 = 0 then null else (id % 4 = 1) end'),
    ...Object.fromEntries(BARRIERS.map((b, i) => [`barrier_${b}`, testDb().raw(`(id % ${7 + i} = ${i % 3})`)])),
  });
}

const FIGURES: Record<keyof Dashboard['funnel'], YouthFigure['figure']> = {
  enrolled: 'enrolled', prepared: 'prepared', departed: 'departed', returned: 'returned', presented: 'presented',
};

/** The youths of a figure, as its list gives them. */
async function youthsOf(scope: ReportScope, filters: ReportFilters, figure: YouthFigure['figure']): Promise<Set<number>> {
  const rows = await listFigureYouths(testDb(), scope, filters, { figure }, TODAY, 1_000_000);
  return new Set(rows.map((r) => Number(r.youth_id)));
}

/** The youths with a follow-up done (and, for `engaged`, an engagement ticked on one), in the scope. */
async function followedUp(scope: ReportScope, filters: ReportFilters, engaged: boolean): Promise<Set<number>> {
  const q = enrolmentsIn(testDb(), scope, filters).join({ f: 'follow_ups' }, 'f.enrolment_id', 'e.id').whereNotNull('f.done_on');
  if (engaged) q.where((w) => { for (const k of ['joined_council', 'created_association', 'volunteering', 'prepares_new_group', 'peer_leader', 'spoke_at_restitution']) w.orWhere(`f.${k}`, true); });
  const rows: { youth_id: unknown }[] = await q.distinct('e.youth_id');
  return new Set(rows.map((r) => Number(r.youth_id)));
}

/** The band of the age on the day the group leaves, as the youth's file shows it (`ageOn`). */
function ageBand(birth: string, departure: string | null): string {
  if (!departure) return UNKNOWN;
  const age = ageOn(birth, departure);
  return age < 18 ? 'under18' : age <= 21 ? '18to21' : age <= 25 ? '22to25' : '26plus';
}

const yesNo = (v: unknown) => (v === null || v === undefined ? UNKNOWN : v ? 'yes' : 'no');

/** Each youth of the scope's categories, per dimension, from their file and their first departure in the scope. */
async function categoriesOfYouths(scope: ReportScope, filters: ReportFilters): Promise<Map<number, Record<string, string[]>>> {
  const rows: Record<string, unknown>[] = await enrolmentsIn(testDb(), scope, filters).join({ y: 'youths' }, 'y.id', 'e.youth_id').select('y.*', 'g.departure_date');
  const first = new Map<number, Record<string, unknown>>();
  for (const r of rows) {
    const seen = first.get(Number(r.id));
    if (!seen || String(r.departure_date) < String(seen.departure_date)) first.set(Number(r.id), r);
  }
  return new Map([...first].map(([id, y]) => {
    const barriers = BARRIERS.filter((b) => Boolean(y[`barrier_${b}`]));
    return [id, {
      gender: [(GENDERS as readonly string[]).includes(String(y.gender)) ? String(y.gender) : UNKNOWN],
      age: [ageBand(String(y.birth_date), (y.departure_date as string | null) ?? null)],
      opportunities: [barriers.length ? 'any' : 'none', ...barriers],
      qpv: [yesNo(y.lives_in_qpv)],
      rural: [yesNo(y.lives_in_rural_area)],
    }];
  }));
}

async function checkScope(scope: ReportScope, filters: ReportFilters): Promise<Dashboard> {
  const d = await computeDashboard(testDb(), scope, filters, TODAY);
  for (const [key, figure] of Object.entries(FIGURES)) {
    expect(d.funnel[key as keyof Dashboard['funnel']], key).to.equal((await youthsOf(scope, filters, figure)).size);
  }
  expect(d.withdrawn.total, 'withdrawn').to.equal((await youthsOf(scope, filters, 'withdrawn')).size);
  expect(d.withdrawn.inTouch, 'in touch').to.equal((await youthsOf(scope, filters, 'inTouch')).size);
  expect(d.missing.overdueYouths, 'overdue').to.equal((await youthsOf(scope, filters, 'overdue')).size);
  expect(d.missing.missingAfter, 'missing after').to.equal((await youthsOf(scope, filters, 'missingAfter')).size);

  const who: Record<BreakdownFigure, Set<number>> = {
    enrolled: await youthsOf(scope, filters, 'enrolled'),
    departed: await youthsOf(scope, filters, 'departed'),
    withdrawn: await youthsOf(scope, filters, 'withdrawn'),
    reached: await followedUp(scope, filters, false),
    engaged: await followedUp(scope, filters, true),
  };
  const categories = await categoriesOfYouths(scope, filters);
  for (const dimension of BREAKDOWN_DIMENSIONS) {
    const expected = BREAKDOWN_CATEGORIES[dimension].map((category) => ({
      category,
      counts: Object.fromEntries(BREAKDOWN_FIGURES.map((f) => [f, [...who[f]].filter((id) => categories.get(id)![dimension]!.includes(category)).length])),
    }));
    expect(d.breakdowns.find((b) => b.dimension === dimension)!.rows, dimension).to.deep.equal(expected);
  }
  return d;
}

describe('the youth figures and the breakdowns, in one pass, against each figure counted youth by youth', function () {
  this.timeout(120_000);
  let director: ReportScope;
  const network: ReportScope = { role: 'coordinator', userId: 0, structureId: null, networkId: 1 };

  before(async () => {
    await emptyDatabase(testDb());
    await loadLargeNetwork(testDb(), { groups: 400, youthsPerGroup: 4, meetingsPerGroup: 1 }, dayjs(TODAY));
    await giveAnswers();
    const user = await testDb()('users').where({ email: LARGE_NETWORK_LOGINS.director }).first('id', 'structure_id');
    director = { role: 'director', userId: Number(user.id), structureId: Number(user.structure_id) };
    network.userId = Number((await testDb()('users').where({ email: LARGE_NETWORK_LOGINS.coordinator }).first('id')).id);
  });

  it('counts as the lists on the director\'s ten years', async () => {
    const d = await checkScope(director, {});
    expect(d.funnel.departed).to.be.greaterThan(50);
    expect(d.missing.overdueYouths).to.be.greaterThan(0);
  });

  it('counts as the lists on one year and one country', async () => {
    await checkScope(director, { year: 2022 });
    await checkScope(director, { country: 'ML' });
  });

  it('counts a peer leader enrolled twice once, across the whole network', async () => {
    const twice: unknown[] = await enrolmentsIn(testDb(), network, {}).groupBy('e.youth_id').havingRaw('count(*) > 1').select('e.youth_id');
    expect(twice.length, 'youths enrolled in two groups').to.be.greaterThan(10);
    const d = await checkScope(network, {});
    expect(d.funnel.enrolled).to.be.lessThan(Number((await enrolmentsIn(testDb(), network, {}).count({ n: '*' }))[0]!.n));
    // Every category has youths, so no count above was zero by chance.
    for (const b of d.breakdowns) for (const r of b.rows) if (!(b.dimension === 'age' && r.category === UNKNOWN)) expect(r.counts.enrolled, `${b.dimension} ${r.category}`).to.be.greaterThan(0);
  });
});
