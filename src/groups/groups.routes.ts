import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { listGroupYouths } from '../participants/participant.js';
import { groupFunnel } from '../participants/funnel.js';
import { staySection } from '../stay/stay.js';
import { budgetSummary } from '../budget/budget.js';
import { formatEuros } from '../budget/money.js';
import { restitutionSummary } from '../restitution/summary.js';
import { localToday, nextMeeting as nextMeetingOf } from '../meetings/meeting.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { parseId } from '../http/params.js';
import type { FormErrors } from '../http/validation.js';
import { COUNTRY_CODES } from './countries.js';
import {
  addCoLead, addCompanion, addFunder, CloneForm, cloneGroup, CoLeadForm, CompanionForm, createGroup, FUNDER_LINES_ON_NEW_GROUP, FunderForm, GroupForm, NewGroupForm,
  groupFormValues, listActiveWorkers, listCompanions, listFunders,
  listVisibleGroups, listWorkers, removeCoLead, removeCompanion, removeFunder, TAKE_OVER_PHASES, updateGroup, type ScopedGroup,
} from './group.js';
import { groupFor } from './scope.js';
import { travelDistanceOf } from './travel-distance.js';
import { PHASES } from '../phases/order.js';
import { takeOverOf } from '../phases/history.js';
import { newSubmissionToken, oncePerForm, oneRecordPerForm } from '../http/once-per-form.js';

/** The new group's page; the list when the first send of the form is still making it after the wait. */
const groupPage = (id: number | null): string => (id === null ? '/groups' : paths.group(id));
import { paths } from '../http/paths.js';
import { VersionedCache } from '../db/data-version.js';
import { renderToKeep } from '../http/cached-html.js';
import { today } from '../db/time.js';

export function groupsRoutes(db: Db): Router {
  const router = Router();

  router.get('/groups', requireSignedIn, requireCan('listGroups'), async (req, res) => {
    const groups = await listVisibleGroups(db, signedIn(req));
    res.render('groups/index', { title: res.locals.t('groups.title'), groups, phases: PHASES });
  });

  const renderNew = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('groups/new', {
      title: res.locals.t('groups.form.newTitle'), values, errors, countries: COUNTRY_CODES, funderLines: FUNDER_LINES_ON_NEW_GROUP, takeOverPhases: TAKE_OVER_PHASES,
    });

  router.get('/groups/new', requireSignedIn, requireCan('createGroup'), async (_req, res) => {
    await renderNew(res, 200, { minAttendancePct: '60', destinationCountry: '', submissionToken: newSubmissionToken() }, {});
  });

  // A form sent twice makes one group, and both answers go to its page. Its token stays on the form through
  // a refused send (values.submissionToken), so the corrected form is still the same form.
  router.post('/groups', requireSignedIn, requireCan('createGroup'), async (req, res) => {
    const posted = await submitForm(req, NewGroupForm, (f) => oneRecordPerForm(db, req, () => createGroup(db, signedIn(req), f, f.funders, f.takeOver)), (again) =>
      renderNew(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'groups.form.created');
    res.redirect(303, groupPage(posted.result));
  });

  const renderEdit = async (res: Response, group: ScopedGroup, status: number, values: Record<string, string>, errors: FormErrors) => {
    const [funders, companions, workers, activeWorkers] = await Promise.all([
      listFunders(db, group.id), listCompanions(db, group.id), listWorkers(db, group.id), listActiveWorkers(db, group),
    ]);
    res.status(status).render('groups/edit', {
      title: res.locals.t('groups.form.editTitle'), group, values, errors, funders, companions, workers, activeWorkers, countries: COUNTRY_CODES,
    });
  };

  router.get('/groups/:id/edit', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'editGroup');
    await renderEdit(res, group, 200, groupFormValues(group), {});
  });

  router.post('/groups/:id', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'editGroup');
    const posted = await submitForm(req, GroupForm, (f) => updateGroup(db, group, f), (again) =>
      renderEdit(res, group, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'groups.form.saved');
    res.redirect(303, paths.group(group.id));
  });

  // The small lists of the edit page: each form re-renders the whole page with its own errors on failure.
  // Adding twice by a double click adds once (oncePerForm); removing is idempotent already.
  const listAction = <S extends z.ZodType>(schema: S, act: (group: ScopedGroup, data: z.infer<S>, user: Express.User) => Promise<void>, done: string) =>
    async (req: Request, res: Response) => {
      const { user, group } = await groupFor(db, req, 'editGroup');
      const posted = await submitForm(req, schema, (f) => oncePerForm(db, req, () => act(group, f, user)), (again) =>
        renderEdit(res, group, again.status, { ...groupFormValues(group), ...again.values }, again.errors));
      if (!posted.ok) return;
      if (posted.result) flash(req, 'notice', done);
      res.redirect(303, paths.groupEdit(group.id));
    };

  router.post('/groups/:id/funders', requireSignedIn, listAction(FunderForm, (g, f) => addFunder(db, g.id, f), 'groups.funders.added'));
  router.post('/groups/:id/companions', requireSignedIn, listAction(CompanionForm, (g, f) => addCompanion(db, g, f), 'groups.companions.added'));
  router.post('/groups/:id/workers', requireSignedIn, listAction(CoLeadForm, (g, f, user) => addCoLead(db, user, g, f), 'groups.workersForm.added'));

  const removal = (remove: (groupId: number, itemId: number) => Promise<boolean>, param: string, done: string) =>
    async (req: Request, res: Response) => {
      const { group } = await groupFor(db, req, 'editGroup');
      if (!(await remove(group.id, parseId(req.params[param])))) throw notFound();
      flash(req, 'notice', done);
      res.redirect(303, paths.groupEdit(group.id));
    };

  router.post('/groups/:id/funders/:funderId/delete', requireSignedIn, removal((g, i) => removeFunder(db, g, i), 'funderId', 'groups.funders.removed'));
  router.post('/groups/:id/companions/:companionId/delete', requireSignedIn, removal((g, i) => removeCompanion(db, g, i), 'companionId', 'groups.companions.removed'));
  router.post('/groups/:id/workers/:workerId/delete', requireSignedIn, removal((g, i) => removeCoLead(db, g, i), 'workerId', 'groups.workersForm.removed'));

  const renderClone = (res: Response, group: ScopedGroup, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('groups/clone', { title: res.locals.t('groups.clone.title'), group, values, errors });

  router.get('/groups/:id/clone', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'cloneGroup');
    renderClone(res, group, 200, { name: group.name, submissionToken: newSubmissionToken() }, {});
  });

  router.post('/groups/:id/clone', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'cloneGroup');
    const posted = await submitForm(req, CloneForm, (f) => oneRecordPerForm(db, req, () => cloneGroup(db, user, group, f)), (again) =>
      renderClone(res, group, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'groups.clone.done');
    res.redirect(303, groupPage(posted.result));
  });

  // What the group page shows of the group, kept until the data version changes (src/db/data-version.ts):
  // eight of its eleven queries, while a group's page is opened many times between two writes. What the
  // signed-in user may see is in the key, and the day (the next session is the first of today or after);
  // the group itself is read through the user's scope on every request. Measured: README "Measuring".
  const pageLists = new VersionedCache();
  const groupPageBody = async (res: Response, user: Express.User, group: ScopedGroup): Promise<string> => {
    // Who left and why is part of the youths' files: only for those who may read them.
    // The stay section appears once the group is getting ready to leave: before, there is no stay to note.
    const [files, followUps, stayNotes, money] = [
      can(user, 'viewYouthFiles', group), can(user, 'viewFollowUps', group), can(user, 'viewDailyNotes', group) && group.phase !== 'preparation', can(user, 'viewBudget', group),
    ];
    const at = await pageLists.at(db, res.req);
    const listsKey = JSON.stringify([group, files, followUps, stayNotes, money, localToday(), today()]);
    const lists = () => at.get(listsKey, async () => {
      const [nextMeeting, workers, youths, companions, funders, funnel, restitution, takeOver, stay, budget, travel] = await Promise.all([
        nextMeetingOf(db, group.id), listWorkers(db, group.id), listGroupYouths(db, group.id, group.departure_date), listCompanions(db, group.id),
        listFunders(db, group.id), files ? groupFunnel(db, group) : null, restitutionSummary(db, group, followUps), takeOverOf(db, group.id),
        stayNotes ? staySection(db, group.id) : null, money ? budgetSummary(db, group.id) : null, travelDistanceOf(db, group),
      ]);
      return { nextMeeting, workers, youths, companions, funders, funnel, restitution, takeOver, stay, budget, travel };
    });
    // Its HTML too, once rendered (half the page's cost once the lists were kept): it also reads the user
    // (`can`, a youth's own line) and the language, so both are in its key.
    return at.get(JSON.stringify(['html', res.locals.lang, user, listsKey]), async () =>
      renderToKeep(res, 'groups/show-body', { group, ...(await lists()), phases: PHASES, euros: (cents: number) => formatEuros(cents, res.req.lang) }));
  };

  router.get('/groups/:id', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewGroup');
    res.render('groups/show', { title: group.name, body: await groupPageBody(res, user, group) });
  });

  return router;
}
