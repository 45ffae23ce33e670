import { PHASES } from '../phases/order.js';
import { SITUATIONS } from '../participants/participant.js';
import { ENGAGEMENTS } from '../followups/followup.js';
import type { Dashboard, ReportGroup } from './dashboard.js';
import { JOB_OR_TRAINING } from './who-counts.js';
import { filterQuery, type ReportFilters } from './filters.js';
import { BREAKDOWN_FIGURES, UNKNOWN, type Breakdown } from './breakdowns.js';
import { budgetTable } from '../budget/budget-table.js';
import { formatEuros } from '../budget/money.js';
import { shareCell } from './small-counts.js';
import { trendTables } from './trend-tables.js';

/**
 * The dashboard as tables: the page shows them beside their charts, the CSV export writes them, the PDF
 * prints them. One source for the three, so the numbers cannot differ between them.
 */
// 'euros': the value is in cents (src/budget/money.ts writes it).
export type CellKind = 'text' | 'count' | 'pct' | 'avg' | 'decimal' | 'euros';

export interface Cell {
  value: string | number | null;
  kind: CellKind;
  /** The list of youths or groups behind the number. */
  href?: string;
  /** For a ratio, the count it is computed on: a reader who does not see small counts does not see the ratio over one either (small-counts.ts). */
  base?: number;
}

export interface ChartBar {
  label: string;
  /** Null when there is nothing to measure (no youth's situation known): no bar, and "—" as in the table. */
  value: number | null;
  /** Second value for before/after pairs. */
  second?: number | null;
  /** For a share, what hides it with the table's cell (shareCell in small-counts.ts): no bar where that is hidden. */
  base?: number;
}

/** Horizontal bars, one per line of the table, or a pair per line (before/after). */
export interface BarChart {
  kind: 'bars' | 'pairs'; unit: 'count' | 'avg' | 'pct'; bars: ChartBar[]; max: number; legend?: [string, string];
  /** Set by small-counts.ts: counts of 1 or 2 get no bar and read "< 3". */
  hidesSmallCounts?: boolean;
}

/** Several series over the same categories (the years): grouped columns of counts, or lines of shares. */
export interface SeriesChart {
  kind: 'columns' | 'lines'; unit: 'count' | 'pct';
  /** The SVG's own title and description, for assistive technology; the table beside gives the numbers. */
  title: string;
  desc: string;
  categories: string[];
  series: {
    label: string;
    /** One per category; null where there is nothing to measure. */
    values: (number | null)[];
    /** For shares, the count each is computed on: hidden with it (small-counts.ts). */
    bases?: number[];
  }[];
  hidesSmallCounts?: boolean;
}

export type ReportChart = BarChart | SeriesChart;

export interface ReportTable {
  key: TableKey;
  title: string;
  description: string;
  headers: string[];
  rows: Cell[][];
  chart?: ReportChart;
}

export const TABLE_KEYS = [
  'summary', 'phases', 'funnel', 'withdrawals', 'withdrawal-phases', 'attendance', 'readiness', 'restitution',
  'followups', 'situations', 'engagement', 'assessments', 'missing',
  'by-gender', 'by-age', 'by-opportunities', 'by-qpv', 'by-rural',
  'trends', 'trend-outcomes', 'budget',
] as const;
export type TableKey = (typeof TABLE_KEYS)[number] | 'groups' | 'network';

type T = (key: string, options?: Record<string, unknown>) => string;

const text = (value: string): Cell => ({ value, kind: 'text' });
const count = (value: number, href?: string): Cell => ({ value, kind: 'count', href });
const pct = (value: number | null): Cell => ({ value, kind: 'pct' });

export function dashboardTables(d: Dashboard, f: ReportFilters, t: T, lang: string): ReportTable[] {
  const youths = (figure: string, extra: Record<string, string | number | undefined> = {}) => `/reports/youths?${filterQuery(f, { figure, ...extra })}`;
  const groups = (figure: string, extra: Record<string, string | number | undefined> = {}) => `/reports/groups?${filterQuery(f, { figure, ...extra })}`;
  // Numbers in the sentences read as in the tables (1 033, not 1033).
  const s = (key: string, opts?: Record<string, unknown>) =>
    t(`reports.sections.${key}`, opts && Object.fromEntries(Object.entries(opts).map(([k, v]) => [k, typeof v === 'number' ? formatCell(count(v), lang) : v])));
  const c = (key: string) => t(`reports.columns.${key}`);
  const fig = (key: string) => t(`reports.figures.${key}`);
  const fmtPct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 100)}${lang === 'fr' ? ' %' : '%'}`);
  const fmtDec = (v: number | null) => (v === null ? '—' : numberFormat(lang, 'decimal').format(v));

  const funnelKeys = ['enrolled', 'prepared', 'departed', 'returned', 'presented'] as const;
  const situationLabel = (at: string) => (at === 'enrolment' ? c('atEnrolment') : t('reports.columns.atMonths', { count: Number(at) }));

  return [
    {
      key: 'summary', title: s('summary.title'),
      description: s('summary.description', {
        enrolled: d.funnel.enrolled, departed: d.funnel.departed, returned: d.funnel.returned, withdrawn: d.withdrawn.total, people: d.restitution.peopleReached,
      }),
      headers: [c('figure'), c('value')],
      rows: [
        [text(fig('groups')), count(d.groups.total, groups('all'))],
        [text(fig('enrolled')), count(d.funnel.enrolled, youths('enrolled'))],
        [text(fig('departed')), count(d.funnel.departed, youths('departed'))],
        [text(fig('returned')), count(d.funnel.returned, youths('returned'))],
        [text(fig('withdrawn')), count(d.withdrawn.total, youths('withdrawn'))],
        [text(fig('inTouch')), count(d.withdrawn.inTouch, youths('inTouch'))],
        [text(fig('attendanceRate')), { ...pct(d.attendance.rate), href: groups('attendance') }],
        [text(fig('events')), count(d.restitution.events, groups('restitution'))],
        [text(fig('peopleReached')), count(d.restitution.peopleReached, groups('restitution'))],
        [text(fig('perDeparted')), { value: d.restitution.perDeparted, kind: 'decimal' }],
        // No link: nobody behind this figure is listed on the dashboard.
        [text(fig('seriousIncidents')), count(d.seriousIncidents)],
      ],
    },
    {
      key: 'phases', title: s('phases.title'),
      description: s('phases.description', { total: d.groups.total, list: PHASES.map((p) => `${t(`phases.${p}`)} ${d.groups.byPhase[p]}`).join(', ') }),
      headers: [c('phase'), c('groups')],
      rows: PHASES.map((p) => [text(t(`phases.${p}`)), count(d.groups.byPhase[p], groups('phase', { phase: p }))]),
      chart: { kind: 'bars', unit: 'count', max: Math.max(1, ...PHASES.map((p) => d.groups.byPhase[p])), bars: PHASES.map((p) => ({ label: t(`phases.${p}`), value: d.groups.byPhase[p] })) },
    },
    {
      key: 'funnel', title: s('funnel.title'),
      description: s('funnel.description', { enrolled: d.funnel.enrolled, prepared: d.funnel.prepared, departed: d.funnel.departed, returned: d.funnel.returned, presented: d.funnel.presented }),
      headers: [c('step'), c('youths'), c('ofEnrolled')],
      rows: funnelKeys.map((k) => [text(fig(k)), count(d.funnel[k], youths(k)), shareCell(d.funnel[k], d.funnel.enrolled)]),
      chart: { kind: 'bars', unit: 'count', max: Math.max(1, d.funnel.enrolled), bars: funnelKeys.map((k) => ({ label: fig(k), value: d.funnel[k] })) },
    },
    {
      key: 'withdrawals', title: s('withdrawals.title'),
      description: s('withdrawals.description', {
        total: d.withdrawn.total, inTouch: d.withdrawn.inTouch,
        list: d.withdrawn.byReason.filter((r) => r.youths).map((r) => `${t(`participants.reasons.${r.reason}`)} ${r.youths}`).join(', ') || '—',
      }),
      headers: [c('reason'), c('youths'), c('inTouch')],
      rows: d.withdrawn.byReason.map((r) => [
        text(t(`participants.reasons.${r.reason}`)), count(r.youths, youths('withdrawn', { reason: r.reason })), count(r.inTouch),
      ]),
      chart: { kind: 'bars', unit: 'count', max: Math.max(1, ...d.withdrawn.byReason.map((r) => r.youths)), bars: d.withdrawn.byReason.map((r) => ({ label: t(`participants.reasons.${r.reason}`), value: r.youths })) },
    },
    {
      key: 'withdrawal-phases', title: s('withdrawalPhases.title'),
      description: s('withdrawalPhases.description', { list: d.withdrawn.byPhase.filter((r) => r.youths).map((r) => `${t(`phases.${r.phase}`)} ${r.youths}`).join(', ') || '—' }),
      headers: [c('phase'), c('youths')],
      rows: d.withdrawn.byPhase.map((r) => [text(t(`phases.${r.phase}`)), count(r.youths, youths('withdrawn', { phase: r.phase }))]),
    },
    {
      key: 'attendance', title: s('attendance.title'),
      description: s('attendance.description', { rate: fmtPct(d.attendance.rate), attended: d.attendance.attended, counted: d.attendance.counted }),
      headers: [c('attended'), c('counted'), c('rate')],
      rows: [[count(d.attendance.attended, groups('attendance')), count(d.attendance.counted), pct(d.attendance.rate)]],
    },
    {
      key: 'readiness', title: s('readiness.title'),
      description: s('readiness.description', { groups: d.readiness.groups, groupsReady: d.readiness.groupsReady, youths: d.readiness.youths, youthsReady: d.readiness.youthsReady }),
      headers: [c('groupsInPreparation'), c('groupsReady'), c('youthsDeparting'), c('youthsReady'), c('rate')],
      rows: [[
        count(d.readiness.groups, groups('preparation')), count(d.readiness.groupsReady, groups('preparation')),
        count(d.readiness.youths), count(d.readiness.youthsReady), shareCell(d.readiness.youthsReady, d.readiness.youths),
      ]],
    },
    {
      key: 'restitution', title: s('restitution.title'),
      description: s('restitution.description', { events: d.restitution.events, people: d.restitution.peopleReached, per: fmtDec(d.restitution.perDeparted), presented: d.funnel.presented }),
      headers: [c('events'), c('groups'), c('peopleReached'), c('perDeparted'), c('presented')],
      rows: [[
        count(d.restitution.events, groups('restitution')), count(d.restitution.groups, groups('restitution')), count(d.restitution.peopleReached),
        { value: d.restitution.perDeparted, kind: 'decimal' }, count(d.funnel.presented, youths('presented')),
      ]],
    },
    {
      key: 'followups', title: s('followups.title'),
      description: s('followups.description', {
        list: d.followUps.filter((m) => m.due).map((m) => t('reports.sections.followups.item', {
          months: m.milestone, reached: m.reached, byYouth: m.byYouth, due: m.due, tried: m.triedNotReached, notTried: m.notTried,
        })).join(', ') || '—',
      }),
      headers: [c('milestone'), c('due'), c('reached'), c('answeredByYouth'), c('triedNotReached'), c('notTried')],
      rows: [
        ...d.followUps.map((m) => [
          text(t('reports.columns.atMonths', { count: m.milestone })),
          count(m.due, youths('followUpDue', { milestone: m.milestone })),
          count(m.reached, youths('followUpReached', { milestone: m.milestone })),
          count(m.byYouth),
          count(m.triedNotReached, youths('followUpTried', { milestone: m.milestone })),
          count(m.notTried, youths('followUpNotTried', { milestone: m.milestone })),
        ]),
        // Follow-ups, not youths: one youth is followed at each milestone.
        [text(c('allFollowUps')), ...(['due', 'reached', 'byYouth', 'triedNotReached', 'notTried'] as const).map((k) => count(d.followUps.reduce((sum, m) => sum + m[k], 0)))],
      ],
      chart: { kind: 'pairs', unit: 'count', max: Math.max(1, ...d.followUps.map((m) => m.due)), legend: [c('due'), c('reached')], bars: d.followUps.map((m) => ({ label: t('reports.columns.atMonths', { count: m.milestone }), value: m.due, second: m.reached })) },
    },
    {
      key: 'situations', title: s('situations.title'),
      description: s('situations.description', {
        list: d.situations.map((r) => `${situationLabel(r.at)} ${fmtPct(r.share)} (${r.jobOrTraining}/${r.known})`).join(', '),
        which: JOB_OR_TRAINING.map((x) => t(`participants.situations.${x}`)).join(', '),
      }),
      headers: [c('moment'), c('known'), c('jobOrTraining'), c('share'), ...SITUATIONS.map((x) => t(`participants.situations.${x}`))],
      rows: d.situations.map((r) => [
        text(situationLabel(r.at)),
        count(r.known, youths('situation', { at: r.at })),
        count(r.jobOrTraining, youths('jobOrTraining', { at: r.at })),
        shareCell(r.jobOrTraining, r.known),
        ...SITUATIONS.map((x) => count(r.bySituation[x], youths('situation', { at: r.at, situation: x }))),
      ]),
      chart: { kind: 'bars', unit: 'pct', max: 1, bars: d.situations.map((r) => ({ label: situationLabel(r.at), value: r.share, base: shareCell(r.jobOrTraining, r.known).base })) },
    },
    {
      key: 'engagement', title: s('engagement.title'),
      description: s('engagement.description', { any: d.engagement.any, followed: d.engagement.followed }),
      headers: [c('engagement'), c('youths')],
      rows: [
        [text(fig('engagedAny')), count(d.engagement.any, youths('engaged', { engagement: 'any' }))],
        ...ENGAGEMENTS.map((k) => [text(t(`followups.engagements.${k}`)), count(d.engagement.byKind[k], youths('engaged', { engagement: k }))]),
      ],
      chart: { kind: 'bars', unit: 'count', max: Math.max(1, d.engagement.followed), bars: ENGAGEMENTS.map((k) => ({ label: t(`followups.engagements.${k}`), value: d.engagement.byKind[k] })) },
    },
    {
      key: 'assessments', title: s('assessments.title'),
      description: d.assessments.length
        ? s('assessments.description', { list: d.assessments.map((a) => `${lang === 'fr' ? a.labelFr : a.labelEn} ${fmtDec(a.before)} → ${fmtDec(a.after)}`).join(', ') })
        : s('assessments.none'),
      headers: [c('competence'), c('before'), c('after'), c('delta'), c('youthsBefore'), c('youthsAfter')],
      rows: d.assessments.map((a) => [
        text(lang === 'fr' ? a.labelFr : a.labelEn),
        { value: a.before, kind: 'avg' }, { value: a.after, kind: 'avg' },
        { value: a.before !== null && a.after !== null ? a.after - a.before : null, kind: 'avg' },
        count(a.youthsBefore, youths('assessed', { moment: 'before' })), count(a.youthsAfter, youths('assessed', { moment: 'after' })),
      ]),
      chart: {
        kind: 'pairs', unit: 'avg', max: 5, legend: [c('before'), c('after')],
        bars: d.assessments.map((a) => ({ label: lang === 'fr' ? a.labelFr : a.labelEn, value: a.before, second: a.after })),
      },
    },
    {
      key: 'missing', title: s('missing.title'),
      description: s('missing.description', { overdue: d.missing.overdueYouths, missingAfter: d.missing.missingAfter, groups: d.missing.groupsWithoutRestitution }),
      headers: [c('what'), c('count')],
      rows: [
        [text(fig('overdue')), count(d.missing.overdueYouths, youths('overdue'))],
        [text(fig('missingAfter')), count(d.missing.missingAfter, youths('missingAfter'))],
        [text(fig('noRestitution')), count(d.missing.groupsWithoutRestitution, groups('noRestitution'))],
      ],
    },
    ...d.breakdowns.map((b) => breakdownTable(b, t)),
    ...trendTables(d.trends, f, t),
    budgetTable(d.budget, t, lang),
  ];
}

/** The label of a category of a breakdown: the youth's file's own words for its answers. */
function categoryLabel(b: Breakdown, category: string, t: T): string {
  const facts = (key: string) => t(`participants.facts.${key}`);
  if (category === UNKNOWN && b.dimension !== 'age') return t('reports.breakdowns.unknown');
  switch (b.dimension) {
    case 'gender': return facts(`genders.${category}`);
    case 'age': return facts(`ageBands.${category}`);
    case 'opportunities': return category === 'any' || category === 'none' ? t(`reports.breakdowns.opportunities.${category}`) : `· ${facts(`barrier.${category}`)}`;
    case 'qpv':
    case 'rural': return facts(category);
  }
}

/** One breakdown: a line per category, a column per figure funders read. */
function breakdownTable(b: Breakdown, t: T): ReportTable {
  return {
    key: `by-${b.dimension}`,
    title: t(`reports.breakdowns.${b.dimension}.title`),
    description: t(`reports.breakdowns.${b.dimension}.description`),
    headers: [t(`reports.breakdowns.${b.dimension}.category`), ...BREAKDOWN_FIGURES.map((k) => t(`reports.breakdowns.figures.${k}`))],
    rows: b.rows.map((r) => [text(categoryLabel(b, r.category, t)), ...BREAKDOWN_FIGURES.map((k) => count(r.counts[k]))]),
  };
}

/** How a cell reads, on the page, in the PDF and in the CSV (small-counts.ts has already hidden what must be). */
// Number.toLocaleString builds a new Intl.NumberFormat on each call: with a few hundred cells per page that
// was the dashboard's largest cost in the profile once its figures were cached. One formatter per language and kind.
const formats = new Map<string, Intl.NumberFormat>();
function numberFormat(lang: string, kind: 'count' | 'decimal'): Intl.NumberFormat {
  const key = `${lang} ${kind}`;
  let format = formats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(lang, kind === 'decimal' ? { minimumFractionDigits: 1, maximumFractionDigits: 1 } : {});
    formats.set(key, format);
  }
  return format;
}

export function formatCell(cell: Cell, lang: string): string {
  const v = cell.value;
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  switch (cell.kind) {
    case 'count':
      // A plain space for thousands: PDF fonts and French Excel both read it, unlike U+202F.
      return numberFormat(lang, 'count').format(v).replace(/[\u202f\u00a0]/g, ' ');
    case 'pct':
      return `${Math.round(v * 100)}${lang === 'fr' ? ' %' : '%'}`;
    case 'avg':
    case 'decimal':
      return numberFormat(lang, 'decimal').format(v);
    case 'euros':
      return formatEuros(v, lang);
    default:
      return String(v);
  }
}

/** The groups behind the figures, one line each: the CSV export of the groups and the non-anonymised PDF. */
export function groupsTable(groups: ReportGroup[], t: T, lang: string, countryName: (code: string) => string): ReportTable {
  const c = (key: string) => t(`reports.columns.${key}`);
  return {
    key: 'groups',
    title: t('reports.sections.groups.title'),
    description: t('reports.sections.groups.description', { count: groups.length }),
    headers: [c('group'), c('structure'), c('country'), c('departureDate'), c('phase'), c('enrolled'), c('departed'), c('rate'), c('events'), c('peopleReached')],
    rows: groups.map((g) => [
      text(g.name), text(g.structure_name), text(countryName(g.destination_country)), text(g.departure_date ?? ''), text(t(`phases.${g.phase}`)),
      count(g.enrolled), count(g.departed), pct(g.counted ? g.attended / g.counted : null), count(g.events), count(g.people),
    ]),
  };
}
