import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { PHASES } from '../groups/group.js';
import { notFound } from '../http/errors.js';
import { countryNamer, dateFormatter } from '../http/i18n.js';
import { WITHDRAWAL_REASONS } from '../participants/withdrawal.js';
import { SITUATIONS } from '../participants/participant.js';
import { ENGAGEMENTS, MILESTONES } from '../followups/followup.js';
import { byYouth, computeDashboard, GROUP_FIGURES, listFigureGroups, listFigureYouths, SITUATION_MOMENTS, type YouthFigure } from './dashboard.js';
import { filterOptions, filterQuery, parseFilters, FILTER_KEYS, type FilterOptions, type ReportFilters, type ReportScope } from './filters.js';
import { dashboardTables, formatCell, groupsTable, TABLE_KEYS, type ReportTable } from './tables.js';
import { chartSvg } from './charts.js';
import { tableCsv } from './report-csv.js';
import { renderReportPdf } from './report-pdf.js';
import { countShown, hidesSmallCounts, reportTablesFor } from './small-counts.js';

const scopeOf = (user: Express.User): ReportScope => ({ role: user.role, userId: user.id });

const YouthFigureSchema = z.object({
  figure: z.enum(['enrolled', 'prepared', 'departed', 'returned', 'withdrawn', 'inTouch', 'presented', 'overdue', 'missingAfter', 'followUpDue', 'followUpDone', 'situation', 'jobOrTraining', 'engaged', 'assessed']).default('enrolled'),
  reason: z.enum(WITHDRAWAL_REASONS).optional(),
  phase: z.enum(PHASES).optional(),
  milestone: z.enum(MILESTONES.map(String) as [string, ...string[]]).transform(Number).optional(),
  at: z.enum(SITUATION_MOMENTS).optional(),
  situation: z.enum(SITUATIONS).optional(),
  engagement: z.enum([...ENGAGEMENTS, 'any']).optional(),
  moment: z.enum(['before', 'after']).optional(),
});

const GroupFigureSchema = z.object({ figure: z.enum(GROUP_FIGURES).default('all'), phase: z.enum(PHASES).optional() });

const GROUPS_IN_PDF = 100;
// A figure over ten years can hold thousands of youths: the page lists the first ones, by name.
const LIST_LIMIT = 2000;

/** The filters in words, for the page and the PDF: "Année de départ : 2024 · Pays : Mali". */
function filterWords(f: ReportFilters, options: FilterOptions, t: Request['t'], countryName: (c: string) => string, formatDate: (d: string) => string): string {
  const parts: string[] = [];
  for (const key of FILTER_KEYS) {
    const v = f[key];
    if (v === undefined) continue;
    const shown =
      key === 'structure' ? options.structures.find((s) => s.id === v)?.name
      : key === 'group' ? options.groups.find((g) => g.id === v)?.name
      : key === 'worker' ? options.workers.find((w) => w.id === v)?.name
      : key === 'country' ? countryName(String(v))
      : key === 'from' || key === 'to' ? formatDate(String(v))
      : String(v);
    parts.push(t('reports.filters.item', { label: t(`reports.filters.${key}`), value: shown ?? String(v) }));
  }
  return parts.length ? t('reports.filters.summary', { list: parts.join(' · ') }) : t('reports.filters.none');
}

export function reportsRoutes(db: Db): Router {
  const router = Router();

  const chartValue = (lang: string) => (v: number, unit: 'count' | 'avg' | 'pct') =>
    formatCell({ value: v, kind: unit === 'pct' ? 'pct' : unit === 'avg' ? 'avg' : 'count' }, lang);

  router.get('/reports', requireSignedIn, async (req, res) => {
    assertCan(can(req.user, 'readDashboard'));
    const scope = scopeOf(req.user!);
    const { filters, errors, values } = parseFilters(req.query as Record<string, unknown>);
    const [dashboard, options] = await Promise.all([computeDashboard(db, scope, filters), filterOptions(db, scope, filters)]);
    const smallCountsHidden = hidesSmallCounts(req.user!, req.query);
    const tables = reportTablesFor(dashboardTables(dashboard, filters, req.t as never, req.lang), smallCountsHidden);
    const sections = tables.map((table) => ({
      table,
      svg: table.chart && table.chart.bars.length ? chartSvg(table.chart, `chart-${table.key}`, `caption-${table.key}`, chartValue(req.lang)) : null,
    }));
    res.status(Object.keys(errors).length ? 422 : 200).render('reports/index', {
      title: res.locals.t('reports.title'),
      sections, values, errors, options, filters,
      query: filterQuery(filters),
      filterSummary: filterWords(filters, options, req.t, res.locals.countryName, res.locals.formatDate),
      tableKeys: TABLE_KEYS,
      formatCell: (cell: Parameters<typeof formatCell>[0]) => formatCell(cell, req.lang),
      canSeeYouths: can(req.user, 'readReportYouths'),
      canExport: can(req.user, 'exportReports'),
      smallCountsHidden,
      isWorker: req.user!.role === 'worker',
    });
  });

  router.get('/reports/youths', requireSignedIn, async (req, res) => {
    assertCan(can(req.user, 'readReportYouths'));
    const figure = YouthFigureSchema.safeParse(req.query);
    if (!figure.success) throw notFound();
    const { filters } = parseFilters(req.query as Record<string, unknown>);
    const fig = figure.data as YouthFigure;
    const rows = await listFigureYouths(db, scopeOf(req.user!), filters, fig, today(), LIST_LIMIT);
    res.render('reports/youths', {
      title: res.locals.t('reports.youths.title'),
      youths: byYouth(rows), truncated: rows.length >= LIST_LIMIT, fig, backQuery: filterQuery(filters),
      heading: figureHeading(req.t, fig),
      limit: LIST_LIMIT,
    });
  });

  router.get('/reports/groups', requireSignedIn, async (req, res) => {
    assertCan(can(req.user, 'readDashboard'));
    const figure = GroupFigureSchema.safeParse(req.query);
    if (!figure.success) throw notFound();
    const { filters } = parseFilters(req.query as Record<string, unknown>);
    const groups = await listFigureGroups(db, scopeOf(req.user!), filters, figure.data.figure, figure.data.phase);
    res.render('reports/groups', {
      title: res.locals.t('reports.groups.title'),
      groups, figure: figure.data, backQuery: filterQuery(filters),
      heading: res.locals.t(`reports.figures.${figure.data.figure}`) + (figure.data.phase ? ` : ${res.locals.t(`phases.${figure.data.phase}`)}` : ''),
      // A group's own pages are for those who may open it; an admin reads the figures only.
      linkGroups: req.user!.role !== 'admin',
      count: countShown(hidesSmallCounts(req.user!, req.query)),
    });
  });

  const sendCsv = (res: Response, name: string, body: string) => {
    res.set('Content-Type', 'text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="tremplin-${name}-${today()}.csv"`);
    res.send(body);
  };

  router.get('/reports/export/:table.csv', requireSignedIn, async (req, res) => {
    assertCan(can(req.user, 'exportReports'));
    const key = String(req.params.table);
    const { filters, errors } = parseFilters(req.query as Record<string, unknown>);
    if (Object.keys(errors).length) {
      res.status(422).type('text/plain').send(res.locals.t('reports.filters.problem'));
      return;
    }
    const scope = scopeOf(req.user!);
    const hide = hidesSmallCounts(req.user!, req.query);
    if (key === 'groups') {
      const groups = await listFigureGroups(db, scope, filters, 'all');
      return sendCsv(res, key, tableCsv(reportTablesFor([groupsTable(groups, req.t as never, req.lang, countryNamer(req.lang))], hide)[0]!, req.lang));
    }
    if (!(TABLE_KEYS as readonly string[]).includes(key)) throw notFound();
    const tables = reportTablesFor(dashboardTables(await computeDashboard(db, scope, filters), filters, req.t as never, req.lang), hide);
    sendCsv(res, key, tableCsv(tables.find((t) => t.key === key)!, req.lang));
  });

  router.get('/reports/report.pdf', requireSignedIn, async (req, res) => {
    assertCan(can(req.user, 'exportReports'));
    const { filters, errors } = parseFilters(req.query as Record<string, unknown>);
    if (Object.keys(errors).length) {
      res.status(422).type('text/plain').send(res.locals.t('reports.filters.problem'));
      return;
    }
    // Names are for those who may open youths' files: anyone else gets the anonymised report.
    const anonymised = hidesSmallCounts(req.user!, req.query);
    const scope = scopeOf(req.user!);
    const t = req.t;
    const [dashboard, options] = await Promise.all([computeDashboard(db, scope, filters), filterOptions(db, scope, filters)]);
    const tables: ReportTable[] = reportTablesFor(dashboardTables(dashboard, filters, t as never, req.lang), anonymised);
    const subtitle = [
      filterWords(filters, options, t, countryNamer(req.lang), dateFormatter(req.lang)),
      t('reports.pdf.generated', { date: dateFormatter(req.lang)(today(), 'long') }),
    ];
    if (anonymised) subtitle.push(t('reports.pdf.anonymised'));
    else {
      const groups = await listFigureGroups(db, scope, filters, 'all');
      const table = groupsTable(groups.slice(0, GROUPS_IN_PDF), t as never, req.lang, countryNamer(req.lang));
      // Only what fits on a few pages: the name, where and when, and the funnel.
      const keep = [0, 2, 3, 5, 6];
      tables.push({
        ...table,
        description: groups.length > GROUPS_IN_PDF ? t('reports.pdf.groupsLimited', { shown: GROUPS_IN_PDF, count: groups.length }) : table.description,
        headers: keep.map((i) => table.headers[i]!),
        rows: table.rows.map((r) => keep.map((i) => r[i]!)),
      });
      const overdue = await listFigureYouths(db, scope, filters, { figure: 'overdue' }, today(), 200);
      tables.push({
        key: 'missing',
        title: t('reports.figures.overdue'),
        description: t('reports.youths.count', { count: overdue.length }),
        headers: [t('reports.columns.name'), t('reports.columns.group')],
        rows: overdue.map((y) => [{ value: `${y.first_name} ${y.last_name}`, kind: 'text' }, { value: y.group_name, kind: 'text' }]),
      });
    }
    const pdf = await renderReportPdf({ title: t('reports.pdf.title'), subtitle, tables, lang: req.lang, chartValue: chartValue(req.lang) });
    res.set('Content-Type', 'application/pdf');
    res.set('Content-Disposition', `attachment; filename="tremplin-rapport-${today()}${anonymised ? '-anonyme' : ''}.pdf"`);
    res.send(pdf);
  });

  return router;
}

function figureHeading(t: Request['t'], fig: YouthFigure): string {
  const detail = [
    fig.reason && t(`participants.reasons.${fig.reason}`),
    fig.phase && t(`phases.${fig.phase}`),
    fig.milestone && t('reports.columns.atMonths', { count: fig.milestone }),
    fig.at && (fig.at === 'enrolment' ? t('reports.columns.atEnrolment') : t('reports.columns.atMonths', { count: Number(fig.at) })),
    fig.situation && t(`participants.situations.${fig.situation}`),
    fig.engagement && fig.engagement !== 'any' && t(`followups.engagements.${fig.engagement}`),
    fig.moment && t(`reports.columns.${fig.moment}`),
  ].filter(Boolean);
  return [t(`reports.figures.${fig.figure === 'engaged' && (!fig.engagement || fig.engagement === 'any') ? 'engagedAny' : fig.figure}`), ...detail].join(' · ');
}
