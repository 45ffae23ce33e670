import { Router, type Response } from 'express';
import { secretPath } from '../http/access-log.js';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import type { ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { parseId } from '../http/params.js';
import { paths } from '../http/paths.js';
import type { FormErrors } from '../http/validation.js';
import { isMinorAt, type YouthFile } from '../participants/participant.js';
import { youthFileFor } from '../participants/scope.js';
import { phoneForDisplay } from '../outbox/sms-rules.js';
import { today } from '../db/time.js';
import {
  AnswerForm, answerLink, linksOf, linkState, openLink, revokeParentLink, sendFormValues, SendForm, sendParentLink, shownText, type ParentPage,
} from './parent-consent.js';

export function parentConsentRoutes(db: Db, config: Config): Router {
  const router = Router();
  const days = config.parentLinkDays;

  // ---- the worker's page: send a link, see the answers, revoke ----------------------------------------

  const renderWorkerPage = async (res: Response, group: ScopedGroup, file: YouthFile, values: Record<string, string>, errors: FormErrors, status = 200) => {
    const links = await linksOf(db, file.enrolment_id);
    res.status(status).render('parent-consent/worker', {
      title: res.locals.t('parentConsent.worker.titleOf', { name: `${file.first_name} ${file.last_name}` }),
      group, file, links, values, errors, days, minor: isMinorAt(file.birth_date, today()) === true,
      stateOf: linkState,
    });
  };

  router.get('/groups/:id/youths/:enrolmentId/parent-consent', requireSignedIn, async (req, res) => {
    const { group, file } = await youthFileFor(db, req, 'recordConsent');
    await renderWorkerPage(res, group, file, sendFormValues(file), {});
  });

  router.post('/groups/:id/youths/:enrolmentId/parent-consent', requireSignedIn, async (req, res) => {
    const { user, group, file } = await youthFileFor(db, req, 'recordConsent');
    const posted = await submitForm(req, SendForm, (input) => sendParentLink(db, user, file, input, { publicUrl: config.publicUrl, days }), (again) =>
      renderWorkerPage(res, group, file, again.values, again.errors, again.status));
    if (!posted.ok) return;
    const quiet = new Date(posted.result.notBefore).getTime() > Date.now() + 1000;
    flash(req, 'notice', quiet ? 'parentConsent.worker.sentQuiet' : 'parentConsent.worker.sent', { address: phoneForDisplay(posted.result.address) || posted.result.address });
    res.redirect(303, paths.groupYouthParentConsent(group.id, file.enrolment_id));
  });

  router.post('/groups/:id/youths/:enrolmentId/parent-consent/:linkId/revoke', requireSignedIn, async (req, res) => {
    const { user, group, file } = await youthFileFor(db, req, 'recordConsent');
    const revoked = await revokeParentLink(db, user, file, parseId(req.params.linkId));
    flash(req, revoked ? 'notice' : 'alert', revoked ? 'parentConsent.worker.revoked' : 'parentConsent.worker.notRevoked');
    res.redirect(303, paths.groupYouthParentConsent(group.id, file.enrolment_id));
  });

  // ---- the parent's page: the link alone opens it, no account -----------------------------------------

  // Unknown, used, expired or revoked: one page, one status, so a link says nothing about what it was.
  const closed = (res: Response) => res.status(404).render('parent-consent/closed', { title: res.locals.t('parentConsent.page.title') });

  const textOf = (res: Response, page: ParentPage) => {
    const date = (d: string | null) => (d ? res.locals.formatDate(d, 'long') : res.locals.t('parentConsent.page.noDate'));
    return shownText(res.locals.t, page, { from: date(page.departure_date), to: date(page.return_date) });
  };

  const renderParentPage = (res: Response, page: ParentPage, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('parent-consent/parent', { title: res.locals.t('parentConsent.page.title'), text: textOf(res, page), values, errors, done: false });

  // The token in the path opens the page: it never reaches the access log.
  router.use('/parents/:consentToken', secretPath('/parents/…'));
  router.get('/parents/:consentToken', async (req, res) => {
    const page = await openLink(db, String(req.params.consentToken));
    if (!page) return closed(res);
    renderParentPage(res, page, { parentName: page.link.parent_name ?? '' }, {});
  });

  router.post('/parents/:consentToken', async (req, res) => {
    const page = await openLink(db, String(req.params.consentToken));
    if (!page) return closed(res);
    const posted = await submitForm(req, AnswerForm, (input) => answerLink(db, page, input, textOf(res, page), res.locals.lang), (again) =>
      again.status === 410 ? closed(res) : renderParentPage(res, page, again.values, again.errors, again.status));
    if (!posted.ok) return;
    res.render('parent-consent/parent', { title: res.locals.t('parentConsent.page.title'), done: true });
  });

  return router;
}
