import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import {
  deleteEvent, EVENT_TYPES, eventForm, eventFormValues, EventInputError, listEvents, loadEvent, possiblePresenters, recordEvent,
  showableMedia, updateEvent, youthCredits, type EventItem,
} from './restitution.js';
import { restitutionSummary } from './summary.js';
import { oncePerForm } from '../http/once-per-form.js';

/** Checkbox lists come back as one value or several; the form shows them ticked again. */
function keptIds(body: unknown, name: string): number[] {
  const v = (body as Record<string, unknown> | undefined)?.[name];
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  return list.filter((x): x is string => typeof x === 'string' && /^\d{1,12}$/.test(x)).map(Number);
}

export function restitutionRoutes(db: Db): Router {
  const router = Router();

  const groupFor = async (req: Request, action: 'viewRestitution' | 'manageRestitution'): Promise<ScopedGroup> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, action, group));
    return group;
  };

  router.get('/groups/:id/restitution', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewRestitution');
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
    const group = await groupFor(req, 'manageRestitution');
    await renderForm(res, group, null, { values: {}, presenters: [], chosenMedia: [], errors: {} });
  });

  const kept = (req: Request, errors: FormErrors): FormState =>
    ({ values: keptInput(req.body), presenters: keptIds(req.body, 'presenter'), chosenMedia: keptIds(req.body, 'medium'), errors });

  router.post('/groups/:id/restitution', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageRestitution');
    const form = parseForm(eventForm(group.return_date), req.body);
    if (!form.ok) return renderForm(res, group, null, kept(req, form.errors), 422);
    let created: boolean;
    try {
      created = await oncePerForm(db, req, () => recordEvent(db, req.user!, group, form.data));
    } catch (err) {
      if (err instanceof EventInputError) return renderForm(res, group, null, kept(req, { [err.field]: err.messageKey }), 422);
      throw err;
    }
    if (created) flash(req, 'notice', 'restitution.form.created');
    res.redirect(303, `/groups/${group.id}/restitution`);
  });

  router.get('/groups/:id/restitution/:eventId/edit', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageRestitution');
    const event = await loadEvent(db, group, req.params.eventId);
    const linked = await db('restitution_media').where({ event_id: event.id }).select('medium_id');
    await renderForm(res, group, event, {
      values: eventFormValues(event), presenters: event.presenters.map((p) => p.enrolment_id),
      chosenMedia: linked.map((m: { medium_id: number }) => m.medium_id), errors: {},
    });
  });

  router.post('/groups/:id/restitution/:eventId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageRestitution');
    const event = await loadEvent(db, group, req.params.eventId);
    const form = parseForm(eventForm(group.return_date), req.body);
    if (!form.ok) return renderForm(res, group, event, kept(req, form.errors), 422);
    try {
      await updateEvent(db, event, form.data);
    } catch (err) {
      if (err instanceof EventInputError) return renderForm(res, group, event, kept(req, { [err.field]: err.messageKey }), 422);
      throw err;
    }
    flash(req, 'notice', 'restitution.form.saved');
    res.redirect(303, `/groups/${group.id}/restitution`);
  });

  router.post('/groups/:id/restitution/:eventId/delete', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageRestitution');
    const event = await loadEvent(db, group, req.params.eventId);
    await deleteEvent(db, event);
    flash(req, 'notice', 'restitution.delete.done');
    res.redirect(303, `/groups/${group.id}/restitution`);
  });

  return router;
}
