import { Router, type Request, type Response } from 'express';
import { secretPath } from '../http/access-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { flash } from '../http/flash.js';
import { choseLanguage, isLanguage, speak } from '../http/i18n.js';
import { submitForm } from '../http/forms.js';
import { isRefusal } from '../http/refusal.js';
import { paths } from '../http/paths.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { heldForMorning, phoneForDisplay } from '../outbox/sms-rules.js';
import { SITUATIONS } from '../participants/participant.js';
import { AnswerForm, answerFollowUp, confirmYouthAnswer, openLink, revokeAnswerLink, sendAnswerLink, type OpenLink } from './answer-link.js';
import { ENGAGEMENTS } from './followup.js';
import { followUpFor } from './scope.js';

/**
 * The youth's answer page, opened from the SMS without signing in, and the worker's side of it: send the
 * link from the follow-up's page, revoke it, confirm the answer. Whatever is wrong with a token (unknown,
 * used, expired, revoked) the page says the same thing: it tells a guesser nothing.
 */
export function answerRoutes(db: Db, config: Config): Router {
  const router = Router();
  const policy = { publicUrl: config.publicUrl, days: config.outbox.followUpLinkDays };
  const closed = (res: Response) => res.status(404).render('followups/answer-closed', { title: res.locals.t('followups.answer.title') });
  // French unless the youth's account says otherwise, or they chose on the page.
  const inTheirLanguage = (req: Request, res: Response, link: OpenLink) => {
    if (!choseLanguage(req) && isLanguage(link.locale)) speak(req, res, link.locale);
  };
  const renderAnswer = (res: Response, link: OpenLink, values: Record<string, string>, engagement: string[], errors: FormErrors, status = 200) =>
    res.status(status).render('followups/answer', { title: res.locals.t('followups.answer.title'), link, situations: SITUATIONS, engagements: ENGAGEMENTS, values, engagement, errors });

  // The token in the path opens the page: it never reaches the access log.
  router.use('/suivi/:answerToken', secretPath('/suivi/…'));
  router.get('/suivi/:answerToken', async (req, res) => {
    const link = await openLink(db, String(req.params.answerToken));
    if (!link) return closed(res);
    inTheirLanguage(req, res, link);
    renderAnswer(res, link, {}, [], {});
  });

  router.post('/suivi/:answerToken', async (req, res) => {
    const link = await openLink(db, String(req.params.answerToken));
    if (!link) return closed(res);
    inTheirLanguage(req, res, link);
    const posted = await submitForm(req, AnswerForm, (f) => answerFollowUp(db, link, f), (again) =>
      renderAnswer(res, link, again.values, keptList(req.body, 'engagement'), again.errors, again.status));
    if (!posted.ok) return;
    if (!posted.result) return closed(res);
    res.render('followups/answer-done', { title: res.locals.t('followups.answer.title'), link });
  });

  router.post('/groups/:id/followups/:followUpId/link', requireSignedIn, async (req, res) => {
    const { user, group, followUp } = await followUpFor(db, req, 'recordFollowUp');
    try {
      const sent = (await sendAnswerLink(db, user, followUp, policy))!;
      flash(req, 'notice', heldForMorning(sent.notBefore) ? 'followups.link.queuedQuiet' : 'followups.link.queued', { phone: phoneForDisplay(sent.phone) });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupFollowUp(group.id, followUp.id));
  });

  router.post('/groups/:id/followups/:followUpId/link/revoke', requireSignedIn, async (req, res) => {
    const { user, group, followUp } = await followUpFor(db, req, 'recordFollowUp');
    const revoked = await revokeAnswerLink(db, user, followUp, group.id);
    flash(req, 'notice', revoked ? 'followups.link.revoked' : 'followups.link.noneOpen');
    res.redirect(303, paths.groupFollowUp(group.id, followUp.id));
  });

  router.post('/groups/:id/followups/:followUpId/confirm', requireSignedIn, async (req, res) => {
    const { user, group, followUp } = await followUpFor(db, req, 'recordFollowUp');
    try {
      await confirmYouthAnswer(db, user, followUp, group.id);
      flash(req, 'notice', 'followups.answer.confirmed', { name: `${followUp.first_name} ${followUp.last_name}` });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupFollowUp(group.id, followUp.id));
  });

  return router;
}
