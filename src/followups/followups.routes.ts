import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, PHASES, type ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { SITUATIONS } from '../participants/participant.js';
import {
  CONTRACTS, ENGAGEMENTS, followUpForm, followUpFormValues, followUpProgress, followUpState, knownEngagements, listFollowUps,
  loadFollowUp, MILESTONES, recordFollowUp, rescheduleFollowUp, rescheduleForm, scheduleFollowUps, type Engagement, type FollowUpItem,
} from './followup.js';

function keptEngagements(body: unknown): Engagement[] {
  const v = (body as Record<string, unknown> | undefined)?.engagement;
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.filter((x): x is Engagement => (ENGAGEMENTS as readonly unknown[]).includes(x));
}

export function followUpsRoutes(db: Db): Router {
  const router = Router();

  const groupFor = async (req: Request, action: 'viewFollowUps' | 'recordFollowUp'): Promise<ScopedGroup> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, action, group));
    return group;
  };

  router.get('/groups/:id/followups', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewFollowUps');
    const on = today();
    const [followUps, progress] = await Promise.all([listFollowUps(db, group.id, on), followUpProgress(db, group.id, on)]);
    const items = followUps.map((f) => ({ ...f, state: followUpState(f, on) }));
    res.render('followups/index', {
      title: res.locals.t('followups.titleOf', { group: group.name }),
      group, progress, engagements: ENGAGEMENTS,
      toDo: items.filter((f) => f.state === 'overdue' || f.state === 'due').sort((a, b) => a.due_on.localeCompare(b.due_on)),
      byMilestone: MILESTONES.map((m) => ({ months: m, items: items.filter((f) => f.milestone_months === m) })),
      isBack: PHASES.indexOf(group.phase) >= PHASES.indexOf('return'),
    });
  });

  // Before /:followUpId, so "schedule" is never read as an id.
  router.post('/groups/:id/followups/schedule', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'recordFollowUp');
    if (PHASES.indexOf(group.phase) < PHASES.indexOf('return')) flash(req, 'alert', 'followups.schedule.notBack');
    else if (!group.return_date) flash(req, 'alert', 'followups.schedule.noReturnDate');
    else {
      const added = await scheduleFollowUps(db, group.id);
      flash(req, 'notice', added ? 'followups.schedule.done' : 'followups.schedule.nothingNew', { n: String(added) });
    }
    res.redirect(303, `/groups/${group.id}/followups`);
  });

  interface FormState {
    values: Record<string, string>;
    engagement: Engagement[];
    errors: FormErrors;
    dueValues?: Record<string, string>;
    dueErrors?: FormErrors;
  }

  const renderShow = (res: Response, group: ScopedGroup, followUp: FollowUpItem, state: FormState, status = 200) =>
    res.status(status).render('followups/show', {
      title: res.locals.t('followups.show.title', { name: `${followUp.first_name} ${followUp.last_name}`, months: followUp.milestone_months }),
      group, followUp, state: followUpState(followUp),
      canRecord: can(res.locals.user, 'recordFollowUp', group),
      situations: SITUATIONS, contracts: CONTRACTS, engagements: ENGAGEMENTS,
      values: state.values, engagement: state.engagement, errors: state.errors,
      dueValues: state.dueValues ?? { dueOn: followUp.due_on }, dueErrors: state.dueErrors ?? {},
    });

  router.get('/groups/:id/followups/:followUpId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewFollowUps');
    const followUp = await loadFollowUp(db, group, req.params.followUpId);
    const { values, engagement } = followUpFormValues(followUp, followUp.done_on ? [] : await knownEngagements(db, followUp));
    renderShow(res, group, followUp, { values, engagement, errors: {} });
  });

  router.post('/groups/:id/followups/:followUpId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'recordFollowUp');
    const followUp = await loadFollowUp(db, group, req.params.followUpId);
    const form = parseForm(followUpForm(group.return_date), req.body);
    if (!form.ok) return renderShow(res, group, followUp, { values: keptInput(req.body), engagement: keptEngagements(req.body), errors: form.errors }, 422);
    await recordFollowUp(db, req.user!, followUp, form.data);
    flash(req, 'notice', 'followups.record.done', { name: `${followUp.first_name} ${followUp.last_name}` });
    res.redirect(303, `/groups/${group.id}/followups`);
  });

  router.post('/groups/:id/followups/:followUpId/due', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'recordFollowUp');
    const followUp = await loadFollowUp(db, group, req.params.followUpId);
    const form = parseForm(rescheduleForm(group.return_date), req.body);
    if (!form.ok) {
      const { values, engagement } = followUpFormValues(followUp, followUp.done_on ? [] : await knownEngagements(db, followUp));
      return renderShow(res, group, followUp, { values, engagement, errors: {}, dueValues: keptInput(req.body), dueErrors: form.errors }, 422);
    }
    await rescheduleFollowUp(db, followUp, form.data.dueOn);
    flash(req, 'notice', 'followups.reschedule.done');
    res.redirect(303, `/groups/${group.id}/followups/${followUp.id}`);
  });

  return router;
}
