import { stat } from 'node:fs/promises';
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import { MB, type Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { discard, receiveOneFile, receivedFile, sendStoredFile } from '../http/uploads.js';
import { submitForm } from '../http/forms.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { MILESTONES } from '../followups/followup.js';
import { KINDS } from '../documents/requirements.js';
import { networkFor, ownStructure } from './scope.js';
import { networkPaperRules, papersFormValues, PapersForm, setNetworkPapers, setStructurePapers, structurePaperRules } from './papers.js';
import { LOGO_MAX_BYTES, logoOf, saveSettings, setNamedInNetwork, setLogo, settingsFormValues, settingsHistory, settingsOf, SettingsForm, type SettingChange } from './settings.js';
import { findNetwork, StructureSettingsForm, type NetworkRow } from './structure.js';

/** A recorded value as the history says it: the papers kind by kind, nothing as "default" or "none". */
function shownValue(res: Response, h: SettingChange): string {
  const t = res.locals.t as (key: string, options?: Record<string, unknown>) => string;
  if (h.value === null) return t(h.setting === 'retentionDays' ? 'structures.settingsForm.defaultValue' : 'structures.settingsForm.noValue');
  if (h.setting === 'namedInNetwork') return t(h.value === 'yes' ? 'structures.form.namedYes' : 'structures.form.namedNo');
  if (h.setting !== 'papers') return h.value;
  const rules = Object.entries(JSON.parse(h.value) as Record<string, string>);
  return rules.length ? rules.map(([kind, asked]) => t('structures.papers.historyRule', { kind: t(`documents.kinds.${kind}`), asked: t(`structures.papers.asked.${asked}`) })).join(', ') : t('structures.settingsForm.noValue');
}

interface ShownForm {
  values: Record<string, string>;
  errors: FormErrors;
}

/** The structure's settings page, for its admin: being named to its network, then its own settings. */
export function settingsRoutes(db: Db, config: Config): Router {
  const router = Router();
  const guard = [requireSignedIn, requireCan('manageStructure')];

  /** The page; a form given is the one refused, shown again with its input, the other shows what is stored. */
  const renderSettings = async (req: Request, res: Response, status: number,
    shown: { named?: ShownForm; settings?: ShownForm & { milestones: string[] }; logo?: FormErrors; papers?: ShownForm }) => {
    const structure = await ownStructure(db, req);
    const settings = await settingsOf(db, structure.id);
    const logo = await logoOf(db, config.uploadDir, structure.id);
    const networkRules = structure.network_id === null ? {} : await networkPaperRules(db, structure.network_id);
    res.status(status).render('structures/settings', {
      title: res.locals.t('structures.settings.title'), structure,
      named: shown.named ?? { values: { namedInNetwork: structure.named_in_network ? 'yes' : 'no' }, errors: {} },
      settings: shown.settings ?? { values: settingsFormValues(settings), errors: {}, milestones: settings.milestones.map(String) },
      milestones: MILESTONES, defaultRetentionDays: config.retentionDays,
      logo: { stored: logo !== null, errors: shown.logo ?? {}, maxMb: LOGO_MAX_BYTES / MB },
      papers: {
        ...(shown.papers ?? { values: papersFormValues(await structurePaperRules(db, structure.id)), errors: {} }),
        kinds: KINDS, below: networkRules, inNetwork: structure.network_id !== null,
      },
      history: (await settingsHistory(db, structure.id)).map((h) => ({ ...h, shown: shownValue(res, h) })),
    });
  };

  router.get('/admin/structure', ...guard, async (req, res) => {
    await renderSettings(req, res, 200, {});
  });

  router.post('/admin/structure', ...guard, async (req, res) => {
    const structure = await ownStructure(db, req);
    const posted = await submitForm(req, StructureSettingsForm, (f) => setNamedInNetwork(db, signedIn(req), structure.id, f.namedInNetwork), (again) =>
      renderSettings(req, res, again.status, { named: again }));
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.settings.saved');
    res.redirect(303, '/admin/structure');
  });

  router.post('/admin/structure/settings', ...guard, async (req, res) => {
    const structure = await ownStructure(db, req);
    const posted = await submitForm(req, SettingsForm, (f) => saveSettings(db, signedIn(req), structure.id, f), (again) =>
      renderSettings(req, res, again.status, { settings: { ...again, milestones: keptList(req.body, 'milestones') } }));
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.settings.saved');
    res.redirect(303, '/admin/structure');
  });

  router.post('/admin/structure/papers', ...guard, async (req, res) => {
    const structure = await ownStructure(db, req);
    const posted = await submitForm(req, PapersForm, (rules) => setStructurePapers(db, signedIn(req), structure.id, rules), (again) =>
      renderSettings(req, res, again.status, { papers: again }));
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.settings.saved');
    res.redirect(303, '/admin/structure');
  });

  // The network's default list of papers: its coordinator's page, and the same form on the platform's.

  const renderNetworkPapers = async (res: Response, network: NetworkRow, action: string, status: number, shown: ShownForm | null) => {
    res.status(status).render('structures/network-papers', {
      title: res.locals.t('structures.papers.networkTitle', { network: network.name }), network, action,
      papers: { ...(shown ?? { values: papersFormValues(await networkPaperRules(db, network.id)), errors: {} }), kinds: KINDS, below: {}, inNetwork: false },
    });
  };

  const networkPapersPages = (path: string, guards: typeof guard, load: (req: Request) => Promise<NetworkRow>) => {
    router.get(path, ...guards, async (req, res) => {
      const network = await load(req);
      await renderNetworkPapers(res, network, req.originalUrl.split('?')[0]!, 200, null);
    });
    router.post(path, ...guards, async (req, res) => {
      const network = await load(req);
      const action = req.originalUrl.split('?')[0]!;
      const posted = await submitForm(req, PapersForm, (rules) => setNetworkPapers(db, signedIn(req), network.id, rules), (again) =>
        renderNetworkPapers(res, network, action, again.status, again));
      if (!posted.ok) return;
      flash(req, 'notice', 'structures.settings.saved');
      res.redirect(303, action);
    });
  };

  networkPapersPages('/network/papers', [requireSignedIn, requireCan('setNetworkPapers')], async (req) => {
    const network = await findNetwork(db, signedIn(req).networkId!);
    if (!network) throw notFound();
    return network;
  });
  networkPapersPages('/platform/networks/:networkId/papers', [requireSignedIn, requireCan('managePlatform')], (req) => networkFor(db, req));

  // The logo: received like every upload (streamed, its type from its bytes), sent back through the app only.

  /** A logo too large or a malformed upload: the page again, the message next to the file field. */
  const logoProblem: ErrorRequestHandler = async (err, req, res, next) => {
    const problem = (err as { uploadProblem?: string } | null)?.uploadProblem;
    if (!problem) return next(err);
    try {
      await discard(receivedFile(req));
      await renderSettings(req, res, problem === 'tooLarge' ? 413 : 400, { logo: { logo: problem === 'tooLarge' ? 'structures.settingsForm.logoTooLarge' : 'structures.settingsForm.logoMalformed' } });
    } catch (e) {
      next(e);
    }
  };

  const receiveLogo = receiveOneFile({ uploadDir: config.uploadDir, field: 'logo', maxBytes: LOGO_MAX_BYTES, textFields: { count: 2, maxBytes: 1000 } });
  router.post('/admin/structure/logo', ...guard, receiveLogo, async (req: Request, res: Response) => {
    const structure = await ownStructure(db, req);
    const file = receivedFile(req);
    const posted = await submitForm(req, z.object({}), () => setLogo(db, config.uploadDir, signedIn(req), structure.id, file), async (again) => {
      await discard(file);
      await renderSettings(req, res, again.status, { logo: again.errors });
    });
    if (!posted.ok) return;
    flash(req, 'notice', 'structures.settings.saved');
    res.redirect(303, '/admin/structure');
  }, logoProblem);

  router.get('/admin/structure/logo', ...guard, async (req, res) => {
    const structure = await ownStructure(db, req);
    const logo = await logoOf(db, config.uploadDir, structure.id);
    if (!logo || !(await stat(logo.absolute).catch(() => null))?.isFile()) throw notFound();
    await sendStoredFile(res, logo.absolute, { mime: logo.mime, downloadName: `logo.${logo.path.split('.').pop()}` });
  });

  return router;
}
