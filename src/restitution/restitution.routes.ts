import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { keptList, type FormErrors } from '../http/validation.js';
import {
  chosenMediumIds, deleteEvent, EVENT_TYPES, eventForm, eventFormValues, listEvents, possiblePresenters, recordEvent,
  showableMedia, updateEvent, youthCredits, type EventItem,
} from './restitution.js';
import { eventFor } from './scope.js';
import { restitutionSummary } from './summary.js';
import { oncePerForm } from '../http/once-per-form.js';
import { paths } from '../http/paths.js';

/** The ids ticked on a refused form, to tick them again. */
const keptIds = (body: unknown, name: string): number[] => keptList(body, name).filter((x) => /^\d{1,12}$/.test(x)).map(Number);

export function restitutionRoutes(db: Db): Router {
  const router = Router();

  router.get('/groups/:id/restitution', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewRestitution');
    const [events, credits, summary] = await Promise.all([
      listEvents(db, group.id),
      youthCredits(db, group.id),
      restitutionSummary(db, group, false),
    ]);
    res.render('restitution/index', { title: res.locals.t('restitution.titleOf', { group: group.name }), group, events, credits, summary });
  });

  interface FormState {
    values: Record<string, string>;
    presenters: number[];
    chosenMedia: number[];
    errors: FormErrors;
  }

  const renderForm = async (res: Response, group: ScopedGroup, event: EventItem | null, state: FormState, status = 200) => {
    const [youths, media] = await Promise.all([possiblePresenters(db, group.id), showableMedia(db, group.id)]);
    res.status(status).render(event ? 'restitution/edit' : 'restitution/new', {
      title: res.locals.t(event ? 'restitution.form.editTitle' : 'restitution.form.newTitle'),
      group, event, ...state, youths, media, types: EVENT_TYPES,
    });
  };

  router.get('/groups/:id/restitution/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'manageRestitution');
    await renderForm(res, group, null, { values: {}, presenters: [], chosenMedia: [], errors: {} });
  });

  /** The form shown again after a refused post: what was typed and ticked, and the messages. */
  const again = (req: Request, res: Response, group: ScopedGroup, event: EventItem | null) => ({ status, values, errors }: FormAgain) =>
    renderForm(res, group, event, { values, presenters: keptIds(req.body, 'presenter'), chosenMedia: keptIds(req.body, 'medium'), errors }, status);

  router.post('/groups/:id/restitution', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'manageRestitution');
    const posted = await submitForm(req, eventForm(group.return_date), (f) => oncePerForm(db, req, () => recordEvent(db, user, group, f)),
      again(req, res, group, null));
    if (!posted.ok) return;
    if (posted.result) flash(req, 'notice', 'restitution.form.created');
    res.redirect(303, paths.groupRestitution(group.id));
  });

  router.get('/groups/:id/restitution/:eventId/edit', requireSignedIn, async (req, res) => {
    const { group, event } = await eventFor(db, req, 'manageRestitution');
    await renderForm(res, group, event, {
      values: eventFormValues(event), presenters: event.presenters.map((p) => p.enrolment_id), chosenMedia: await chosenMediumIds(db, event), errors: {},
    });
  });

  router.post('/groups/:id/restitution/:eventId', requireSignedIn, async (req, res) => {
    const { group, event } = await eventFor(db, req, 'manageRestitution');
    const posted = await submitForm(req, eventForm(group.return_date), (f) => updateEvent(db, event, f), again(req, res, group, event));
    if (!posted.ok) return;
    flash(req, 'notice', 'restitution.form.saved');
    res.redirect(303, paths.groupRestitution(group.id));
  });

  router.post('/groups/:id/restitution/:eventId/delete', requireSignedIn, async (req, res) => {
    const { group, event } = await eventFor(db, req, 'manageRestitution');
    await deleteEvent(db, event);
    flash(req, 'notice', 'restitution.delete.done');
    res.redirect(303, paths.groupRestitution(group.id));
  });

  return router;
}
