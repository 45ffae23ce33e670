import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn, signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { nextPhase, PHASES } from './order.js';
import { takeOverOf } from './history.js';
import {
  ApprovalForm, TransitionForm, advancePhase, approveDeparture, departureGate, listTransitions,
  ownGateLine, phaseChecklist, type DepartureGate,
} from './phase.js';

async function renderPhasePage(db: Db, req: Request, res: Response, group: ScopedGroup, status = 200, extra: { errors?: FormErrors; values?: Record<string, string>; gate?: DepartureGate } = {}) {
  // The gate names every youth with their missing papers: it is not even computed for someone who may not
  // read it. A youth gets their own line instead.
  const preparing = group.phase === 'preparation';
  const readsGate = can(req.user, 'viewReadiness', group);
  const gate = preparing && readsGate ? extra.gate ?? (await departureGate(db, group)) : null;
  const ownLine = preparing && !readsGate ? await ownGateLine(db, group, signedIn(req)) : null;
  const [checklist, transitions, takeOver] = await Promise.all([
    phaseChecklist(db, group, { gate, followUps: can(req.user, 'viewFollowUps', group) }),
    listTransitions(db, group.id),
    takeOverOf(db, group.id),
  ]);
  res.status(status).render('phases/show', {
    title: res.locals.t('phases.pageTitle'),
    group, gate, ownLine, checklist, transitions, takeOver, phases: PHASES, next: nextPhase(group.phase),
    errors: extra.errors ?? {}, values: extra.values ?? {},
  });
}

export function phasesRoutes(db: Db): Router {
  const router = Router();

  router.get('/groups/:id/phase', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewGroup');
    await renderPhasePage(db, req, res, group);
  });

  router.post('/groups/:id/transitions', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'changePhase');
    const posted = await submitForm(req, TransitionForm, (f) => advancePhase(db, user, group, f.to, f.note), (again) =>
      renderPhasePage(db, req, res, group, again.status, { ...again, gate: again.refusal?.detail as DepartureGate | undefined }));
    if (!posted.ok) return;
    flash(req, 'notice', 'phases.move.done', { phase: req.t(`phases.${posted.data.to}`) });
    res.redirect(303, paths.groupPhase(group.id));
  });

  router.post('/groups/:id/approval', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'approveDeparture');
    const posted = await submitForm(req, ApprovalForm, (f) => approveDeparture(db, user, group, f.overrideReason), (again) =>
      renderPhasePage(db, req, res, group, again.status, again));
    if (!posted.ok) return;
    flash(req, 'notice', posted.data.overrideReason ? 'phases.approve.doneOverride' : 'phases.approve.done');
    res.redirect(303, paths.groupPhase(group.id));
  });

  return router;
}
