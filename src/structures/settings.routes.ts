import { stat } from 'node:fs/promises';
import { Router, type ErrorRequestHandler, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { discard, receiveOneFile, receivedFile, sendStoredFile } from '../http/uploads.js';
import { submitForm } from '../http/forms.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { MILESTONES } from '../followups/followup.js';
import { ownStructure } from './scope.js';
import { LOGO_MAX_BYTES, logoOf, saveSettings, setLogo, settingsFormValues, settingsHistory, settingsOf, SettingsForm } from './settings.js';
import { setNamedInNetwork, StructureSettingsForm } from './structure.js';

interface ShownForm {
  values: Record<string, string>;
  errors: FormErrors;
}

/** The structure's settings page, for its admin: being named to its network, then its own settings. */
export function settingsRoutes(db: Db, config: Config): Router {
  const router = Router();
  const guard = [requireSignedIn, requireCan('manageStructure')];

  /** The page; a form given is the one refused, shown again with its input, the other shows what is stored. */
  const renderSettings = async (req: Request, res: Response, status: number, shown: { named?: ShownForm; settings?: ShownForm & { milestones: string[] }; logo?: FormErrors }) => {
    const structure = await ownStructure(db, req);
    const settings = await settingsOf(db, structure.id);
    const logo = await logoOf(db, config.uploadDir, structure.id);
    res.status(status).render('structures/settings', {
      title: res.locals.t('structures.settings.title'), structure,
      named: shown.named ?? { values: { namedInNetwork: structure.named_in_network ? 'yes' : 'no' }, errors: {} },
      settings: shown.settings ?? { values: settingsFormValues(settings), errors: {}, milestones: settings.milestones.map(String) },
      milestones: MILESTONES, defaultRetentionDays: config.retentionDays,
      logo: { stored: logo !== null, errors: shown.logo ?? {}, maxMb: LOGO_MAX_BYTES / (1024 * 1024) },
      history: await settingsHistory(db, structure.id),
    });
  };

  router.get('/admin/structure', ...guard, async (req, res) => {
    await renderSettings(req, res, 200, {});
  });

  router.post('/admin/structure', ...guard, async (req, res) => {
    const structure = await ownStructure(db, req);
    const posted = await submitForm(req, StructureSettingsForm, (f) => setNamedInNetwork(db, structure.id, f.namedInNetwork), (again) =>
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
