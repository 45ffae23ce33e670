import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { MILESTONES } from '../followups/followup.js';
import { ownStructure } from './scope.js';
import { saveSettings, settingsFormValues, settingsHistory, settingsOf, SettingsForm } from './settings.js';
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
  const renderSettings = async (req: Request, res: Response, status: number, shown: { named?: ShownForm; settings?: ShownForm & { milestones: string[] } }) => {
    const structure = await ownStructure(db, req);
    const settings = await settingsOf(db, structure.id);
    res.status(status).render('structures/settings', {
      title: res.locals.t('structures.settings.title'), structure,
      named: shown.named ?? { values: { namedInNetwork: structure.named_in_network ? 'yes' : 'no' }, errors: {} },
      settings: shown.settings ?? { values: settingsFormValues(settings), errors: {}, milestones: settings.milestones.map(String) },
      milestones: MILESTONES, defaultRetentionDays: config.retentionDays,
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

  return router;
}
