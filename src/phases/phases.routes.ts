import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn, assertCan } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import {
  ApprovalForm, TransitionForm, TransitionRefused, advancePhase, approveDeparture, departureGate, listTransitions,
  nextPhase, ownGateLine, phaseChecklist, PHASES, type DepartureGate,
} from './phase.js';

async function renderPhasePage(db: Db, req: Request, res: Response, group: ScopedGroup, status = 200, extra: { errors?: FormErrors; values?: Record<string, string>; gate?: DepartureGate } = {}) {
  // The gate names every youth with their missing papers: it is not even computed for someone who may not
  // read it. A youth gets their own line instead.
  const preparing = group.phase === 'preparation';
  const readsGate = can(req.user, 'viewReadiness', group);
  const gate = preparing && readsGate ? extra.gate ?? (await departureGate(db, group)) : null;
  const ownLine = preparing && !readsGate ? await ownGateLine(db, group, req.user!) : null;
  const [checklist, transitions] = await Promise.all([
    phaseChecklist(db, group, { gate, followUps: can(req.user, 'viewFollowUps', group) }),
    listTransitions(db, group.id),
  ]);
  res.status(status).render('phases/show', {
    title: res.locals.t('transitions.title'),
    group, gate, ownLine, checklist, transitions, phases: PHASES, next: nextPhase(group.phase),
    errors: extra.errors ?? {}, values: extra.values ?? {},
  });
}

export function phasesRoutes(db: Db): Router {
  const router = Router();

  router.get('/groups/:id/phase', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'viewGroup', group));
    await renderPhasePage(db, req, res, group);
  });

  router.post('/groups/:id/transitions', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'changePhase', group));
    const form = parseForm(TransitionForm, req.body);
    if (!form.ok) return renderPhasePage(db, req, res, group, 422, { errors: form.errors, values: keptInput(req.body) });
    try {
      await advancePhase(db, req.user!, group, form.data.to, form.data.note);
    } catch (err) {
      if (!(err instanceof TransitionRefused)) throw err;
      const field = err.reasonKey.endsWith('reasonRequired') ? 'note' : '_form';
      return renderPhasePage(db, req, res, group, 422, { errors: { [field]: err.reasonKey }, values: keptInput(req.body), gate: err.gate });
    }
    flash(req, 'notice', 'transitions.move.done', { phase: req.t(`phases.${form.data.to}`) });
    res.redirect(303, `/groups/${group.id}/phase`);
  });

  router.post('/groups/:id/approval', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'approveDeparture', group));
    const form = parseForm(ApprovalForm, req.body);
    if (!form.ok) return renderPhasePage(db, req, res, group, 422, { errors: form.errors, values: keptInput(req.body) });
    try {
      await approveDeparture(db, req.user!, group, form.data.overrideReason);
    } catch (err) {
      if (!(err instanceof TransitionRefused)) throw err;
      return renderPhasePage(db, req, res, group, 422, { errors: { _form: err.reasonKey }, values: keptInput(req.body) });
    }
    flash(req, 'notice', form.data.overrideReason ? 'transitions.approve.doneOverride' : 'transitions.approve.done');
    res.redirect(303, `/groups/${group.id}/phase`);
  });

  return router;
}
