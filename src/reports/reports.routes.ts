import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { PHASES } from '../phases/order.js';
import { notFound } from '../http/errors.js';
import { countryNamer, dateFormatter } from '../http/i18n.js';
import { WITHDRAWAL_REASONS } from '../participants/withdrawal.js';
import { SITUATIONS } from '../participants/participant.js';
import { ENGAGEMENTS, MILESTONES } from '../followups/followup.js';
import { byYouth, GROUP_FIGURES, listFigureGroups, listFigureYouths } from './dashboard.js';
import { cachedFigures } from './cached-figures.js';
import { SITUATION_MOMENTS, type YouthFigure } from './who-counts.js';
import { filterQuery, filterWords, parseFilters, reportScopeOf as scopeOf, type ReportFilters, type ReportScope } from './filters.js';
import { dashboardTables, formatCell, groupsTable, TABLE_KEYS, type ReportTable } from './tables.js';
import { chartSvg, hasChartData } from './charts.js';
import { tableCsv } from './report-csv.js';
import { namedPdfTables, pdfSubtitle, renderReportPdf } from './report-pdf.js';
import { countShown, hidesSmallCounts, reportTablesFor } from './small-counts.js';
import { letterheadOf } from '../structures/settings.js';
import { renderToKeep } from '../http/cached-html.js';

const YouthFigureSchema = z.object({
  figure: z.enum(['enrolled', 'prepared', 'departed', 'returned', 'withdrawn', 'inTouch', 'presented', 'overdue', 'missingAfter', 'followUpDue', 'followUpReached', 'followUpTried', 'followUpNotTried', 'situation', 'jobOrTraining', 'engaged', 'assessed']).default('enrolled'),
  reason: z.enum(WITHDRAWAL_REASONS).optional(),
  phase: z.enum(PHASES).optional(),
  milestone: z.enum(MILESTONES.map(String) as [string, ...string[]]).transform(Number).optional(),
  at: z.enum(SITUATION_MOMENTS).optional(),
  situation: z.enum(SITUATIONS).optional(),
  engagement: z.enum([...ENGAGEMENTS, 'any']).optional(),
  moment: z.enum(['before', 'after']).optional(),
});

const GroupFigureSchema = z.object({ figure: z.enum(GROUP_FIGURES).default('all'), phase: z.enum(PHASES).optional() });

// A figure over ten years can hold thousands of youths: the page lists the first ones, by name.
const LIST_LIMIT = 2000;

export function reportsRoutes(db: Db, uploadDir: string): Router {
  const router = Router();
  const figures = cachedFigures(db);

  const chartValue = (lang: string) => (v: number, unit: 'count' | 'avg' | 'pct') =>
    formatCell({ value: v, kind: unit === 'pct' ? 'pct' : unit === 'avg' ? 'avg' : 'count' }, lang);

  /** Each table of the page with its chart drawn beside it. */
  const sections = (tables: ReportTable[], lang: string) => tables.map((table) => ({
    table,
    svg: table.chart && hasChartData(table.chart) ? chartSvg(table.chart, `chart-${table.key}`, `caption-${table.key}`, chartValue(lang)) : null,
  }));

  router.get('/reports', requireSignedIn, requireCan('readDashboard'), async (req, res) => {
    const user = signedIn(req);
    const scope = scopeOf(user);
    const { filters, errors, values } = parseFilters(req.query as Record<string, unknown>);
    const { dashboard, options, derived } = await figures(scope, filters, req);
    const smallCountsHidden = hidesSmallCounts(user, req.query);
    // The tables and their charts (SVG) are made from the figures, the language and that choice only.
    const shown = await derived([req.lang, smallCountsHidden], () => sections(reportTablesFor(dashboardTables(dashboard, filters, req.t as never, req.lang), smallCountsHidden), req.lang));
    const canSeeYouths = can(user, 'readReportYouths');
    const cell = (c: Parameters<typeof formatCell>[0]) => formatCell(c, req.lang);
    // The figures' sections as HTML, kept with the figures: drawing their tables cell by cell was the first
    // cost of the page once the figures were kept. They read the language, who may open youths' lists and
    // who may set the Erasmus+ rates (a link under the budget).
    const canEditRates = can(user, 'editErasmusRates');
    const sectionsHtml = await derived([req.lang, smallCountsHidden, canSeeYouths, canEditRates, 'html'], () =>
      renderToKeep(res, 'reports/_sections', { sections: shown.slice(1), canSeeYouths, canEditRates, formatCell: cell }));
    res.status(Object.keys(errors).length ? 422 : 200).render('reports/index', {
      title: res.locals.t('reports.title'), sections: shown, sectionsHtml, values, errors, options, filters, query: filterQuery(filters),
      filterSummary: filterWords(filters, options, req.t, res.locals.countryName, res.locals.formatDate),
      tableKeys: TABLE_KEYS, formatCell: cell,
      canSeeYouths, canExport: can(user, 'exportReports'), smallCountsHidden, isWorker: user.role === 'worker',
    });
  });

  router.get('/reports/youths', requireSignedIn, requireCan('readReportYouths'), async (req, res) => {
    const figure = YouthFigureSchema.safeParse(req.query);
    if (!figure.success) throw notFound();
    const { filters } = parseFilters(req.query as Record<string, unknown>);
    const fig = figure.data as YouthFigure;
    const rows = await listFigureYouths(db, scopeOf(signedIn(req)), filters, fig, today(), LIST_LIMIT);
    res.render('reports/youths', {
      title: res.locals.t('reports.youths.title'),
      youths: byYouth(rows), truncated: rows.length >= LIST_LIMIT, fig, backQuery: filterQuery(filters),
      heading: figureHeading(req.t, fig),
      limit: LIST_LIMIT,
    });
  });

  router.get('/reports/groups', requireSignedIn, requireCan('readDashboard'), async (req, res) => {
    const user = signedIn(req);
    const figure = GroupFigureSchema.safeParse(req.query);
    if (!figure.success) throw notFound();
    const { filters } = parseFilters(req.query as Record<string, unknown>);
    const groups = await listFigureGroups(db, scopeOf(user), filters, figure.data.figure, figure.data.phase);
    res.render('reports/groups', {
      title: res.locals.t('reports.groups.title'),
      groups, figure: figure.data, backQuery: filterQuery(filters),
      heading: res.locals.t(`reports.figures.${figure.data.figure}`) + (figure.data.phase ? ` : ${res.locals.t(`phases.${figure.data.phase}`)}` : ''),
      // A group's own pages are for those who may open it; an admin reads the figures only.
      linkGroups: user.role !== 'admin',
      count: countShown(hidesSmallCounts(user, req.query)),
    });
  });

  const sendDownload = (res: Response, type: string, filename: string, body: string | Buffer) => {
    res.set('Content-Type', type);
    res.set('Content-Disposition', `attachment; filename="${filename}"`);
    res.send(body);
  };
  const sendCsv = (res: Response, name: string, body: string) => sendDownload(res, 'text/csv; charset=utf-8', `tremplin-${name}-${today()}.csv`, body);
  const filtersProblem = (res: Response) => res.status(422).type('text/plain').send(res.locals.t('reports.filters.problem'));

  router.get('/reports/export/:table.csv', requireSignedIn, requireCan('exportReports'), async (req, res) => {
    const key = String(req.params.table);
    const { filters, errors } = parseFilters(req.query as Record<string, unknown>);
    if (Object.keys(errors).length) return filtersProblem(res);
    const user = signedIn(req);
    const scope = scopeOf(user);
    const hide = hidesSmallCounts(user, req.query);
    if (key === 'groups') {
      const groups = await listFigureGroups(db, scope, filters, 'all');
      return sendCsv(res, key, tableCsv(reportTablesFor([groupsTable(groups, req.t as never, req.lang, countryNamer(req.lang))], hide)[0]!, req.lang));
    }
    if (!(TABLE_KEYS as readonly string[]).includes(key)) throw notFound();
    const tables = reportTablesFor(dashboardTables((await figures(scope, filters, req)).dashboard, filters, req.t as never, req.lang), hide);
    sendCsv(res, key, tableCsv(tables.find((t) => t.key === key)!, req.lang));
  });

  router.get('/reports/report.pdf', requireSignedIn, requireCan('exportReports'), async (req, res) => {
    const { filters, errors } = parseFilters(req.query as Record<string, unknown>);
    if (Object.keys(errors).length) return filtersProblem(res);
    const user = signedIn(req);
    // Names are for those who may open youths' files: anyone else gets the anonymised report.
    const anonymised = hidesSmallCounts(user, req.query);
    const scope = scopeOf(user);
    const [tables, { options }] = await Promise.all([pdfTables(req, scope, filters, anonymised), figures(scope, filters, req)]);
    const subtitle = pdfSubtitle(filterWords(filters, options, req.t, countryNamer(req.lang), dateFormatter(req.lang)), anonymised, req.t as never, req.lang);
    const letterhead = await letterheadOf(db, uploadDir, user.structureId);
    const pdf = await renderReportPdf({ title: req.t('reports.pdf.title'), subtitle, tables, lang: req.lang, chartValue: chartValue(req.lang), letterhead });
    sendDownload(res, 'application/pdf', `tremplin-rapport-${today()}${anonymised ? '-anonyme' : ''}.pdf`, pdf);
  });

  // The dashboard's tables, small counts hidden (and said so) when anonymised; the named lists only when not.
  async function pdfTables(req: Request, scope: ReportScope, filters: ReportFilters, anonymised: boolean): Promise<ReportTable[]> {
    const hiddenCounts = { note: req.t('reports.pdf.smallCountsHidden'), total: req.t('reports.pdf.total') };
    const tables = reportTablesFor(dashboardTables((await figures(scope, filters, req)).dashboard, filters, req.t as never, req.lang), anonymised, hiddenCounts);
    if (!anonymised) tables.push(...(await namedPdfTables(db, scope, filters, req.t as never, req.lang)));
    return tables;
  }

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
