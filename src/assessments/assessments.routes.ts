import { Router, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { groupFor } from '../groups/scope.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { isRefusal } from '../http/refusal.js';
import { keptInput, type FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import { journeyPath } from '../journey/journey.js';
import {
  assessmentDeltas, assessmentValues, fillAssessment, findAssessment, FREE_TEXT_MAX, isMomentOpen, parseAssessmentForm, whenMomentOpens,
} from './assessment.js';
import {
  addCompetence, answerCounts, CompetenceForm, deleteCompetence, DeleteCompetenceForm, listCompetences, loadCompetence, moveCompetence,
  MoveForm, renameCompetence, setCompetenceActive, type CompetenceRow,
} from './competence.js';
import { ownAssessmentFor, type OwnAssessment } from './scope.js';
import { assessmentWording } from './wording.js';

export function assessmentsRoutes(db: Db): Router {
  const router = Router();

  // ---- the worker's and director's view: deltas per youth, and the group's averages ------------------

  router.get('/groups/:id/assessments', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewAssessments');
    const deltas = await assessmentDeltas(db, group.id);
    res.render('assessments/index', {
      title: res.locals.t('assessments.group.titleOf', { group: group.name }),
      group, deltas, beforeOpen: isMomentOpen('before', group.phase), afterOpen: isMomentOpen('after', group.phase),
      w: assessmentWording(res.locals.lang),
    });
  });

  // ---- the youth's own form -------------------------------------------------------------------------

  const renderForm = async (
    res: Response, status: number, { user, group, moment, own }: OwnAssessment,
    form?: { values: Record<string, string>; errors: FormErrors; missing: CompetenceRow[] },
  ) => {
    const [competences, existing] = await Promise.all([listCompetences(db, { activeOnly: true }), findAssessment(db, own.enrolment_id, moment)]);
    const open = isMomentOpen(moment, group.phase) && own.status === 'enrolled';
    const closedBecause = own.status !== 'enrolled' ? 'withdrawn' : open ? null : `${whenMomentOpens(moment, group.phase)}_${moment}`;
    res.status(status).render('assessments/form', {
      title: res.locals.t(`assessments.form.title_${moment}`),
      group, moment, open, closedBecause, competences, existing: existing ?? null,
      values: form?.values ?? assessmentValues(existing, competences),
      errors: form?.errors ?? {},
      missing: form?.missing ?? [],
      journeyUrl: await journeyPath(db, user, group.id),
      freeTextMax: FREE_TEXT_MAX,
      // The free answer can be a short video too, through the media module's upload page.
      canFilm: can(user, 'uploadMedia', group),
      w: assessmentWording(res.locals.lang),
    });
  };

  router.get('/groups/:id/assessments/:moment', requireSignedIn, async (req, res) => {
    await renderForm(res, 200, await ownAssessmentFor(db, req));
  });

  // One score per active competence, the list read from the database: a bulk form, read by
  // parseAssessmentForm (which names the missing ones) rather than by one schema.
  router.post('/groups/:id/assessments/:moment', requireSignedIn, async (req, res) => {
    const mine = await ownAssessmentFor(db, req);
    const competences = await listCompetences(db, { activeOnly: true });
    const again = (errors: FormErrors, missing: CompetenceRow[]) => renderForm(res, 422, mine, { values: keptInput(req.body), errors, missing });
    const form = parseAssessmentForm(req.body, competences);
    if (!form.ok) return again(form.errors, form.missing);
    try {
      await fillAssessment(db, mine.user, mine.own, mine.moment, form.answers, form.freeText);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      return again({ [err.field]: err.messageKey }, competences.filter((c) => (err.detail as number[]).includes(c.id)));
    }
    flash(req, 'notice', `assessments.form.saved_${mine.moment}`);
    res.redirect(303, await afterSaving(mine, req.body?.then === 'video'));
  });

  // "Save and film": straight to the video form for the same moment, when they may upload.
  async function afterSaving(mine: OwnAssessment, thenVideo: boolean): Promise<string> {
    if (thenVideo && can(mine.user, 'uploadMedia', mine.group)) return `${paths.groupMediumNew(mine.group.id)}?moment=${mine.moment}`;
    return `${await journeyPath(db, mine.user, mine.group.id)}#my-assessments`;
  }

  // ---- the admin's competence editor ----------------------------------------------------------------

  const admin = [requireSignedIn, requireCan('manageCompetences')];

  const renderEditor = async (res: Response, status: number, failed?: { id: number | 'new'; values: Record<string, string>; errors: FormErrors }) => {
    const [competences, counts] = await Promise.all([listCompetences(db), answerCounts(db)]);
    res.status(status).render('assessments/competences', {
      title: res.locals.t('assessments.competences.title'),
      competences, counts, failed: failed ?? null,
      w: assessmentWording(res.locals.lang),
    });
  };

  router.get('/admin/competences', ...admin, async (_req, res) => {
    await renderEditor(res, 200);
  });

  router.post('/admin/competences', ...admin, async (req, res) => {
    const posted = await submitForm(req, CompetenceForm, (input) => addCompetence(db, input), (again) =>
      renderEditor(res, again.status, { id: 'new', values: again.values, errors: again.errors }));
    if (!posted.ok) return;
    flash(req, 'notice', 'assessments.competences.added');
    res.redirect(303, '/admin/competences');
  });

  router.post('/admin/competences/:competenceId', ...admin, async (req, res) => {
    const competence = await loadCompetence(db, req.params.competenceId);
    const posted = await submitForm(req, CompetenceForm, (input) => renameCompetence(db, competence, input), (again) =>
      renderEditor(res, again.status, { id: competence.id, values: again.values, errors: again.errors }));
    if (!posted.ok) return;
    flash(req, 'notice', 'assessments.competences.renamed');
    res.redirect(303, `/admin/competences#competence-${competence.id}`);
  });

  router.post('/admin/competences/:competenceId/move', ...admin, async (req, res) => {
    const competence = await loadCompetence(db, req.params.competenceId);
    const posted = await submitForm(req, MoveForm, (direction) => moveCompetence(db, competence, direction), (again) =>
      renderEditor(res, again.status, { id: competence.id, values: {}, errors: again.errors }));
    if (!posted.ok) return;
    res.redirect(303, `/admin/competences#competence-${competence.id}`);
  });

  for (const [action, active] of [['deactivate', false], ['activate', true]] as const) {
    router.post(`/admin/competences/:competenceId/${action}`, ...admin, async (req, res) => {
      const competence = await loadCompetence(db, req.params.competenceId);
      await setCompetenceActive(db, competence, active);
      flash(req, 'notice', `assessments.competences.${action}d`);
      res.redirect(303, `/admin/competences#competence-${competence.id}`);
    });
  }

  router.post('/admin/competences/:competenceId/delete', ...admin, async (req, res) => {
    const competence = await loadCompetence(db, req.params.competenceId);
    const posted = await submitForm(req, DeleteCompetenceForm, () => deleteCompetence(db, competence), (again) =>
      renderEditor(res, again.status, { id: competence.id, values: {}, errors: again.errors }));
    if (!posted.ok) return;
    flash(req, 'notice', 'assessments.competences.deleted');
    res.redirect(303, '/admin/competences');
  });

  return router;
}
