import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { today } from '../db/time.js';
import { countryNamer, dateFormatter } from '../http/i18n.js';
import { recordAudit } from '../documents/audit-log.js';
import { filterQuery, filterWords } from '../reports/filters.js';
import { tableCsv } from '../reports/report-csv.js';
import { pdfSubtitle, renderReportPdf } from '../reports/report-pdf.js';
import { formatCell, type Cell } from '../reports/tables.js';
import { networkFigures, networkFilterOptions, networkTable, parseNetworkFilters } from './network.js';
import { networkFor, ownStructure, structureFor } from './scope.js';
import {
  createCoordinator, createNetwork, createStructure, createStructureAdmin, findNetwork, listNetworks, NetworkForm, platformOverview,
  PlatformAccountForm, StructureForm,
} from './structure.js';

export function structuresRoutes(db: Db): Router {
  const router = Router();
  const platform = [requireSignedIn, requireCan('managePlatform')];

  // ---------------------------------------------------------------------------------------------------
  // The network's figures, for its coordinator

  /** The network's figures with the filters of the request: the page and its two exports read the same. */
  const networkReport = async (req: Request) => {
    const user = signedIn(req);
    const network = await findNetwork(db, user.networkId!);
    if (!network) throw notFound();
    const parsed = parseNetworkFilters(req.query as Record<string, unknown>);
    const table = networkTable(await networkFigures(db, user, network.id, parsed.filters), req.t as never);
    const words = filterWords(parsed.filters, { structures: [], groups: [], workers: [] }, req.t as never, countryNamer(req.lang), dateFormatter(req.lang));
    return { user, network, ...parsed, table, words };
  };

  router.get('/network', requireSignedIn, requireCan('readNetwork'), async (req, res) => {
    const { network, table, values, errors, filters, words } = await networkReport(req);
    res.status(Object.keys(errors).length ? 422 : 200).render('structures/network', {
      title: res.locals.t('structures.network.title'), network, table, values, errors, filterSummary: words, query: filterQuery(filters),
      options: await networkFilterOptions(db, network.id), formatCell: (cell: Cell) => formatCell(cell, req.lang),
    });
  });

  // For the regional funder. Each download is in the audit log: who took the network's figures, when, filtered how.
  const exported = (user: Express.User, networkId: number, format: 'csv' | 'pdf', filters: object) =>
    recordAudit(db, user, 'network.export', { subjectType: 'network', subjectId: networkId, details: { format, filters } });
  const download = (res: Response, type: string, filename: string, body: string | Buffer) => {
    res.set('Content-Type', type).set('Content-Disposition', `attachment; filename="${filename}"`).send(body);
  };

  router.get('/network/export.csv', requireSignedIn, requireCan('readNetwork'), async (req, res) => {
    const { user, network, table, filters, errors } = await networkReport(req);
    if (Object.keys(errors).length) return res.status(422).type('text/plain').send(res.locals.t('reports.filters.problem'));
    await exported(user, network.id, 'csv', filters);
    download(res, 'text/csv; charset=utf-8', `tremplin-reseau-${today()}.csv`, tableCsv(table, req.lang));
  });

  router.get('/network/report.pdf', requireSignedIn, requireCan('readNetwork'), async (req, res) => {
    const { user, network, table, filters, errors, words } = await networkReport(req);
    if (Object.keys(errors).length) return res.status(422).type('text/plain').send(res.locals.t('reports.filters.problem'));
    const pdf = await renderReportPdf({
      title: req.t('structures.network.pdfTitle', { network: network.name }), subtitle: pdfSubtitle(words, true, req.t as never, req.lang),
      tables: [table], lang: req.lang, chartValue: (v) => formatCell({ value: v, kind: 'count' }, req.lang),
      // A network speaks for several structures: no one structure's letterhead.
      letterhead: null,
    });
    await exported(user, network.id, 'pdf', filters);
    download(res, 'application/pdf', `tremplin-reseau-${today()}.pdf`, pdf);
  });

  // ---------------------------------------------------------------------------------------------------
  // The platform: networks, structures and their first accounts

  router.get('/platform', ...platform, async (_req, res) => {
    res.render('structures/platform', { title: res.locals.t('structures.platform.title'), overview: await platformOverview(db) });
  });

  const renderNetworkForm = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('structures/network-new', { title: res.locals.t('structures.form.networkTitle'), values, errors });

  router.get('/platform/networks/new', ...platform, (_req, res) => {
    renderNetworkForm(res, 200, {}, {});
  });

  router.post('/platform/networks', ...platform, async (req, res) => {
    const posted = await submitForm(req, NetworkForm, (f) => createNetwork(db, f), (again) => renderNetworkForm(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.platform.networkCreated');
    res.redirect(303, '/platform');
  });

  const renderStructureForm = async (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('structures/structure-new', {
      title: res.locals.t('structures.form.structureTitle'), values, errors, networks: await listNetworks(db),
    });

  router.get('/platform/structures/new', ...platform, async (req, res) => {
    const network = typeof req.query.network === 'string' ? req.query.network : '';
    await renderStructureForm(res, 200, { networkId: network, namedInNetwork: 'yes' }, {});
  });

  router.post('/platform/structures', ...platform, async (req, res) => {
    const posted = await submitForm(req, StructureForm, (f) => createStructure(db, f), (again) => renderStructureForm(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.platform.structureCreated');
    res.redirect(303, `/platform/structures/${posted.result}/admins/new`);
  });

  /**
   * A first account opened from the platform: a structure's admin, a network's coordinator. `path` is where
   * its form posts, under the record it belongs to; `load` finds that record (404), `create` opens the account.
   */
  const accountPages = <R extends { id: number; name: string }>(path: string, load: (req: Request) => Promise<R>, page: (res: Response, record: R) => { heading: string; intro: string },
    create: (record: R, input: z.infer<typeof PlatformAccountForm>) => Promise<unknown>, done: string) => {
    const render = (res: Response, record: R, status: number, values: Record<string, string>, errors: FormErrors) => {
      const shown = page(res, record);
      res.status(status).render('structures/account-new', { title: shown.heading, ...shown, action: path.replace(/:\w+/, String(record.id)), values, errors });
    };
    router.get(`${path}/new`, ...platform, async (req, res) => {
      render(res, await load(req), 200, {}, {});
    });
    router.post(path, ...platform, async (req, res) => {
      const record = await load(req);
      const posted = await submitForm(req, PlatformAccountForm, (f) => create(record, f), (again) => render(res, record, again.status, again.values, again.errors));
      if (!posted.ok) return;
      flash(req, 'notice', done);
      res.redirect(303, '/platform');
    });
  };

  accountPages('/platform/structures/:structureId/admins', (req) => structureFor(db, req), (res, structure) => ({
    heading: res.locals.t('structures.form.adminTitle', { structure: structure.name }), intro: res.locals.t('structures.form.adminIntro'),
  }), (structure, f) => createStructureAdmin(db, structure, f), 'structures.platform.adminCreated');

  accountPages('/platform/networks/:networkId/coordinators', (req) => networkFor(db, req), (res, network) => ({
    heading: res.locals.t('structures.form.coordinatorTitle', { network: network.name }), intro: res.locals.t('structures.form.coordinatorIntro'),
  }), (network, f) => createCoordinator(db, network, f), 'structures.platform.coordinatorCreated');

  return router;
}
