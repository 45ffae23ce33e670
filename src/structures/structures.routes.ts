import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { formatCell } from '../reports/tables.js';
import { countShown, hidesSmallCounts, ratioShown } from '../reports/small-counts.js';
import { networkFigures } from './network.js';
import { networkFor, structureFor } from './scope.js';
import {
  createCoordinator, createNetwork, createStructure, createStructureAdmin, findNetwork, listNetworks, NetworkForm, platformOverview,
  PlatformAccountForm, StructureForm,
} from './structure.js';

export function structuresRoutes(db: Db): Router {
  const router = Router();
  const platform = [requireSignedIn, requireCan('managePlatform')];

  // ---------------------------------------------------------------------------------------------------
  // The network's figures, for its coordinator

  router.get('/network', requireSignedIn, requireCan('readNetwork'), async (req, res) => {
    const user = signedIn(req);
    const network = await findNetwork(db, user.networkId!);
    if (!network) throw notFound();
    const hide = hidesSmallCounts(user, req.query);
    const count = countShown(hide);
    const ratio = ratioShown(hide);
    const number = (value: number | null, kind: 'avg' | 'pct') => formatCell({ value, kind }, req.lang);
    const columns = (await networkFigures(db, user, network.id)).map((c) => ({
      label: c.name ?? res.locals.t('structures.network.anonymous', { letter: c.letter }),
      groups: count(c.groups),
      departed: count(c.departed),
      reachedPerDeparted: number(ratio(c.reachedPerDeparted, c.departed), 'avg'),
      atSixMonths: number(ratio(c.atSixMonths.share, c.atSixMonths.known), 'pct'),
      atSixMonthsOf: res.locals.t('structures.network.ofKnown', { part: count(c.atSixMonths.jobOrTraining), known: count(c.atSixMonths.known) }),
    }));
    res.render('structures/network', { title: res.locals.t('structures.network.title'), network, columns });
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
