import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan, requireCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { journeyPath } from '../journey/journey.js';
import {
  AssessmentRefused, assessmentDeltas, assessmentValues, fillAssessment, findAssessment, findOwnEnrolment, FREE_TEXT_MAX, isMomentOpen,
  parseAssessmentForm, parseMoment, whenMomentOpens, type AssessmentMoment, type OwnEnrolment,
} from './assessment.js';
import {
  addCompetence, answerCounts, CompetenceForm, CompetenceRefused, deleteCompetence, listCompetences, loadCompetence, moveCompetence,
  MoveForm, renameCompetence, setCompetenceActive, type CompetenceRow,
} from './competence.js';
import { assessmentWording } from './wording.js';

export function assessmentsRoutes(db: Db): Router {
  const router = Router();

  // ---- the worker's and director's view: deltas per youth, and the group's averages ------------------

  router.get('/groups/:id/assessments', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'viewAssessments', group));
    const deltas = await assessmentDeltas(db, group.id);
    res.render('assessments/index', {
      title: res.locals.t('assessments.group.titleOf', { group: group.name }),
      group, deltas, beforeOpen: isMomentOpen('before', group.phase), afterOpen: isMomentOpen('after', group.phase),
      w: assessmentWording(res.locals.lang),
    });
  });

  // ---- the youth's own form -------------------------------------------------------------------------

  /** The group, the moment, and the signed-in youth's own enrolment in it; anyone else may not fill it (403). */
  const ownAssessment = async (req: Request): Promise<{ group: ScopedGroup; moment: AssessmentMoment; own: OwnEnrolment }> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    const moment = parseMoment(req.params.moment);
    const own = await findOwnEnrolment(db, req.user!, group.id);
    assertCan(Boolean(own) && can(req.user, 'fillAssessment', { group, youthUserId: own!.user_id }));
    return { group, moment, own: own! };
  };

  const renderForm = async (
    res: Response, status: number, ctx: { group: ScopedGroup; moment: AssessmentMoment; own: OwnEnrolment },
    form?: { values: Record<string, string>; errors: FormErrors; missing: CompetenceRow[] },
  ) => {
    const { group, moment, own } = ctx;
    const [competences, existing] = await Promise.all([listCompetences(db, { activeOnly: true }), findAssessment(db, own.enrolment_id, moment)]);
    const open = isMomentOpen(moment, group.phase) && own.status === 'enrolled';
    const closedBecause = own.status !== 'enrolled' ? 'withdrawn' : open ? null : `${whenMomentOpens(moment, group.phase)}_${moment}`;
    res.status(status).render('assessments/form', {
      title: res.locals.t(`assessments.form.title_${moment}`),
      group, moment, open, closedBecause, competences, existing: existing ?? null,
      values: form?.values ?? assessmentValues(existing, competences),
      errors: form?.errors ?? {},
      missing: form?.missing ?? [],
      journeyUrl: await journeyPath(db, res.req.user!, group.id),
      freeTextMax: FREE_TEXT_MAX,
      // The free answer can be a short video too, through the media module's upload page.
      canFilm: can(res.req.user, 'uploadMedia', group),
      w: assessmentWording(res.locals.lang),
    });
  };

  router.get('/groups/:id/assessments/:moment', requireSignedIn, async (req, res) => {
    await renderForm(res, 200, await ownAssessment(req));
  });

  router.post('/groups/:id/assessments/:moment', requireSignedIn, async (req, res) => {
    const ctx = await ownAssessment(req);
    const competences = await listCompetences(db, { activeOnly: true });
    const values = keptInput(req.body);
    const form = parseAssessmentForm(req.body, competences);
    if (!form.ok) return renderForm(res, 422, ctx, { values, errors: form.errors, missing: form.missing });
    try {
      await fillAssessment(db, req.user!, ctx.own, ctx.moment, form.answers, form.freeText);
    } catch (err) {
      if (!(err instanceof AssessmentRefused)) throw err;
      const missing = competences.filter((c) => err.missing.includes(c.id));
      return renderForm(res, 422, ctx, { values, errors: { _form: err.messageKey }, missing });
    }
    flash(req, 'notice', `assessments.form.saved_${ctx.moment}`);
    if (req.body?.then === 'video' && can(req.user, 'uploadMedia', ctx.group)) {
      return res.redirect(303, `/groups/${ctx.group.id}/media/new?moment=${ctx.moment}`);
    }
    res.redirect(303, `${await journeyPath(db, req.user!, ctx.group.id)}#my-assessments`);
  });

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
    const form = parseForm(CompetenceForm, req.body);
    if (!form.ok) return renderEditor(res, 422, { id: 'new', values: keptInput(req.body), errors: form.errors });
    try {
      await addCompetence(db, form.data);
    } catch (err) {
      if (err instanceof CompetenceRefused) return renderEditor(res, 422, { id: 'new', values: keptInput(req.body), errors: { [err.field]: err.messageKey } });
      throw err;
    }
    flash(req, 'notice', 'assessments.competences.added');
    res.redirect(303, '/admin/competences');
  });

  router.post('/admin/competences/:competenceId', ...admin, async (req, res) => {
    const competence = await loadCompetence(db, req.params.competenceId);
    const form = parseForm(CompetenceForm, req.body);
    if (!form.ok) return renderEditor(res, 422, { id: competence.id, values: keptInput(req.body), errors: form.errors });
    try {
      await renameCompetence(db, competence, form.data);
    } catch (err) {
      if (err instanceof CompetenceRefused) return renderEditor(res, 422, { id: competence.id, values: keptInput(req.body), errors: { [err.field]: err.messageKey } });
      throw err;
    }
    flash(req, 'notice', 'assessments.competences.renamed');
    res.redirect(303, `/admin/competences#competence-${competence.id}`);
  });

  router.post('/admin/competences/:competenceId/move', ...admin, async (req, res) => {
    const competence = await loadCompetence(db, req.params.competenceId);
    const form = parseForm(MoveForm, req.body);
    if (!form.ok) return renderEditor(res, 422, { id: competence.id, values: {}, errors: { _form: 'assessments.competences.directionInvalid' } });
    await moveCompetence(db, competence, form.data.direction);
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
    try {
      await deleteCompetence(db, competence);
    } catch (err) {
      if (err instanceof CompetenceRefused) return renderEditor(res, 422, { id: competence.id, values: {}, errors: { _form: err.messageKey } });
      throw err;
    }
    flash(req, 'notice', 'assessments.competences.deleted');
    res.redirect(303, '/admin/competences');
  });

  return router;
}
