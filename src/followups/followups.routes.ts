import { Router, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { hasReturned } from '../phases/order.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { isRefusal } from '../http/refusal.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import { SITUATIONS } from '../participants/participant.js';
import {
  CONTRACTS, ENGAGEMENTS, followUpForm, followUpFormValues, followUpState, listFollowUps, outcomeOf,
  planFollowUps, recordFollowUp, rescheduleFollowUp, rescheduleForm, tallyOf, type Engagement, type FollowUpItem,
} from './followup.js';
import { followUpFor } from './scope.js';
import { plannedRoundsText, roundsByUrgency } from './rounds.js';
import { settingsOf } from '../structures/settings.js';

const keptEngagements = (body: unknown): Engagement[] =>
  keptList(body, 'engagement').filter((x): x is Engagement => (ENGAGEMENTS as readonly string[]).includes(x));

export function followUpsRoutes(db: Db, config: Config): Router {
  const router = Router();

  router.get('/groups/:id/followups', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewFollowUps');
    const on = today();
    const [followUps, { milestones }] = await Promise.all([listFollowUps(db, group.id, on), settingsOf(db, group.structure_id)]);
    const rounds = roundsByUrgency(followUps.map((f) => ({ ...f, state: followUpState(f, on), outcome: outcomeOf(f) })), milestones, on);
    res.render('followups/index', {
      title: res.locals.t('followups.titleOf', { group: group.name }),
      group, engagements: ENGAGEMENTS, rounds, isBack: hasReturned(group.phase),
      progress: tallyOf(rounds.flatMap((r) => r.items), on),
      plannedRounds: { list: plannedRoundsText(milestones, req.lang), count: Math.max(...milestones) },
    });
  });

  // Before /:followUpId, so "schedule" is never read as an id.
  router.post('/groups/:id/followups/schedule', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'recordFollowUp');
    try {
      const added = await planFollowUps(db, group);
      flash(req, 'notice', added ? 'followups.schedule.done' : 'followups.schedule.nothingNew', { n: String(added) });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupFollowUps(group.id));
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
      group, followUp, state: followUpState(followUp), outcome: outcomeOf(followUp),
      canRecord: can(res.locals.user, 'recordFollowUp', group),
      situations: SITUATIONS, contracts: CONTRACTS, engagements: ENGAGEMENTS,
      values: state.values, engagement: state.engagement, errors: state.errors,
      dueValues: state.dueValues ?? { dueOn: followUp.due_on }, dueErrors: state.dueErrors ?? {},
      linkDays: config.outbox.followUpLinkDays,
    });

  router.get('/groups/:id/followups/:followUpId', requireSignedIn, async (req, res) => {
    const { group, followUp } = await followUpFor(db, req, 'viewFollowUps');
    renderShow(res, group, followUp, { ...(await followUpFormValues(db, followUp)), errors: {} });
  });

  router.post('/groups/:id/followups/:followUpId', requireSignedIn, async (req, res) => {
    const { user, group, followUp } = await followUpFor(db, req, 'recordFollowUp');
    const posted = await submitForm(req, followUpForm(group.return_date), (f) => recordFollowUp(db, user, followUp, f), (again) =>
      renderShow(res, group, followUp, { values: again.values, engagement: keptEngagements(req.body), errors: again.errors }, again.status));
    if (!posted.ok) return;
    flash(req, 'notice', posted.data.reached ? 'followups.record.done' : 'followups.record.notReached', { name: `${followUp.first_name} ${followUp.last_name}` });
    res.redirect(303, paths.groupFollowUps(group.id));
  });

  router.post('/groups/:id/followups/:followUpId/due', requireSignedIn, async (req, res) => {
    const { group, followUp } = await followUpFor(db, req, 'recordFollowUp');
    const posted = await submitForm(req, rescheduleForm(group.return_date), (f) => rescheduleFollowUp(db, followUp, f.dueOn), async (again) =>
      renderShow(res, group, followUp, { ...(await followUpFormValues(db, followUp)), errors: {}, dueValues: again.values, dueErrors: again.errors }, again.status));
    if (!posted.ok) return;
    flash(req, 'notice', 'followups.reschedule.done');
    res.redirect(303, paths.groupFollowUp(group.id, followUp.id));
  });

  return router;
}
