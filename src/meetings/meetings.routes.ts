import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import type { ScopedGroup } from '../groups/group.js';
import { PHASES } from '../phases/order.js';
import { groupFor } from '../groups/scope.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { meetingsCalendar } from './calendar-feed.js';
import {
  ATTENDANCE_STATUSES, deleteMeeting, DeleteMeetingForm, DURATION_CHOICES, ensureCalendarToken, findGroupByCalendarToken, findMeeting, keptStatuses,
  lastRegisterSave, listMeetings, loadedRegisterVersion, localToday, meetingDate, MeetingForm, meetingFormValues, meetingsOverview, MEETING_TYPES, newMeetingValues, planMeeting,
  recordAttendance, registerFor, RegisterForm, registerKeptUntil, registersToKeep, registerVersion, renewCalendarToken, updateMeeting, type MeetingRow,
} from './meeting.js';
import { meetingFor, type MeetingInGroup } from './scope.js';
import { oncePerForm } from '../http/once-per-form.js';
import { paths } from '../http/paths.js';
import { renderToKeep } from '../http/cached-html.js';
import { VersionedCache } from '../db/data-version.js';
import { keepOfflineUntil } from '../http/offline.js';

/** "2 h", "1 h 30", "45 min": how a duration reads on a poster. */
export function formatDuration(minutes: number): string {
  // No-break spaces: "2 h" must not be cut across two lines.
  if (minutes < 60) return `${minutes}\u00a0min`;
  const m = minutes % 60;
  return `${Math.floor(minutes / 60)}\u00a0h${m ? `\u00a0${String(m).padStart(2, '0')}` : ''}`;
}

export function meetingsRoutes(db: Db, config: Config): Router {
  const router = Router();
  // Links that leave the app (a phone's calendar, a feed's events) are built on the configured address,
  // never on the request's Host header, which its sender chooses.
  const publicHost = new URL(config.publicUrl).host;
  const feedUrl = (token: string) => ({ webcal: `webcal://${publicHost}/calendar/${token}.ics`, https: `${config.publicUrl}/calendar/${token}.ics` });

  const formLocals = { types: MEETING_TYPES, phases: PHASES, durations: DURATION_CHOICES, formatDuration };

  router.get('/groups/:id/meetings', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewMeetings');
    const token = await ensureCalendarToken(db, group.id);
    const { renewal, ...overview } = await meetingsOverview(db, user, group);
    res.render('meetings/index', {
      title: res.locals.t('meetings.titleOf', { group: group.name }),
      group, ...overview, calendar: { ...feedUrl(token), renewal }, formatDuration,
      // The registers this page hands to the phone to keep, for a room without network (public/sw.js).
      offlineRegisters: can(user, 'keepRegisterOffline', group)
        ? registersToKeep([...overview.upcoming, ...overview.past], localToday()).map((m) => paths.groupMeeting(group.id, m.id))
        : [],
    });
  });

  const renderNew = (res: Response, group: ScopedGroup, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('meetings/new', { title: res.locals.t('meetings.new'), group, values, errors, ...formLocals });

  router.get('/groups/:id/meetings/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'manageMeetings');
    renderNew(res, group, 200, newMeetingValues(group.phase), {});
  });

  router.post('/groups/:id/meetings', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'manageMeetings');
    const posted = await submitForm(req, MeetingForm, (input) => oncePerForm(db, req, () => planMeeting(db, user, group.id, input)), (again) =>
      renderNew(res, group, again.status, again.values, again.errors));
    if (!posted.ok) return;
    if (posted.result) flash(req, 'notice', 'meetings.form.created');
    res.redirect(303, paths.groupMeetings(group.id));
  });

  // A session's register lines, kept until the data version changes (src/db/data-version.ts): the worker
  // opens it at every session, often several times (the youths arriving), between two writes. The session
  // and its group are read through the user's scope on every request; the lines depend on them only.
  const registers = new VersionedCache();

  const renderShow = async (req: Request, res: Response, { user, group, meeting }: MeetingInGroup, again?: FormAgain) => {
    const seesRegister = can(user, 'viewAttendance', group) || can(user, 'takeAttendance', group);
    // A refused register: its message, the statuses as they were sent, and the youths it is about.
    const refused = again && { messageKey: again.errors._form, kept: keptStatuses(req.body), flagged: (again.refusal?.detail as number[] | undefined) ?? [] };
    const kept = seesRegister ? await registers.at(db, req) : null;
    const register = kept ? await kept.get(JSON.stringify(meeting), () => registerFor(db, meeting)) : null;
    const canTake = can(user, 'takeAttendance', group);
    // Rendering the register's lines was a good part of the page's cost (bench:http, BENCH_ONLY=register with
    // --cpu-prof): kept as HTML per language until the next write, like the journey's; not a refused one,
    // which shows what was sent.
    const registerList = kept && register && register.length > 0 && canTake && !refused
      ? await kept.get(JSON.stringify(['html', res.locals.lang, meeting]), () =>
          renderToKeep(res, 'meetings/_register-list', { register, refused: null, statuses: ATTENDANCE_STATUSES }))
      : null;
    res.status(again?.status ?? 200).render('meetings/show', {
      title: res.locals.t(`meetings.types.${meeting.type}`),
      group,
      meeting,
      register,
      registerList,
      canTake,
      registerOpen: meetingDate(meeting) <= localToday(),
      // Kept on the phone before its day, the page must hold the form it will need on the day (public/offline.js).
      keptAhead: can(user, 'keepRegisterOffline', group),
      registerVersion: registerVersion(meeting),
      statuses: ATTENDANCE_STATUSES,
      refused: refused ?? null,
      formatDuration,
    });
  };

  router.get('/groups/:id/meetings/:meetingId', requireSignedIn, async (req, res) => {
    const found = await meetingFor(db, req, 'viewMeetings', registers);
    if (can(found.user, 'keepRegisterOffline', found.group)) keepOfflineUntil(res, registerKeptUntil(localToday()));
    await renderShow(req, res, found);
  });

  const renderEdit = (res: Response, group: ScopedGroup, meeting: MeetingRow, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('meetings/edit', { title: res.locals.t('meetings.edit'), group, meeting, values, errors, ...formLocals });

  router.get('/groups/:id/meetings/:meetingId/edit', requireSignedIn, async (req, res) => {
    const { group, meeting } = await meetingFor(db, req, 'manageMeetings');
    renderEdit(res, group, meeting, 200, meetingFormValues(meeting), {});
  });

  router.post('/groups/:id/meetings/:meetingId', requireSignedIn, async (req, res) => {
    const { group, meeting } = await meetingFor(db, req, 'manageMeetings');
    const posted = await submitForm(req, MeetingForm, (input) => updateMeeting(db, meeting, input), (again) =>
      renderEdit(res, group, meeting, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'meetings.form.saved');
    res.redirect(303, paths.groupMeeting(group.id, meeting.id));
  });

  router.post('/groups/:id/meetings/:meetingId/delete', requireSignedIn, async (req, res) => {
    const { group, meeting } = await meetingFor(db, req, 'manageMeetings');
    const posted = await submitForm(req, DeleteMeetingForm, (f) => deleteMeeting(db, meeting, f), (again) =>
      renderEdit(res, group, meeting, again.status, meetingFormValues(meeting), again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', 'meetings.delete.done');
    res.redirect(303, paths.groupMeetings(group.id));
  });

  // Someone else saved the register after this form was loaded: both registers side by side, theirs as
  // recorded and this one not applied, with a button that sends this one again over theirs.
  const renderConflict = async (req: Request, res: Response, { group, meeting }: MeetingInGroup) =>
    res.status(409).render('meetings/conflict', {
      title: res.locals.t('meetings.conflict.title'),
      group, meeting, register: await registerFor(db, meeting), saved: await lastRegisterSave(db, meeting),
      yours: keptStatuses(req.body), version: registerVersion(meeting), statuses: ATTENDANCE_STATUSES,
    });

  router.post('/groups/:id/meetings/:meetingId/register', requireSignedIn, async (req, res) => {
    const found = await meetingFor(db, req, 'takeAttendance');
    // Once per form: a register queued on a phone without network may reach the server twice (the answer to
    // the first send lost on the way back); the second changes nothing and is not taken for a conflict.
    const posted = await submitForm(
      req, RegisterForm,
      (statuses) => oncePerForm(db, req, () => recordAttendance(db, found.user, found.meeting, statuses, loadedRegisterVersion(req.body))),
      async (again) => {
        if (again.status !== 409) return renderShow(req, res, found, again);
        return renderConflict(req, res, { ...found, meeting: (await findMeeting(db, found.group.id, found.meeting.id))! });
      });
    if (!posted.ok) return;
    flash(req, 'notice', 'meetings.register.saved');
    res.redirect(303, paths.groupMeeting(found.group.id, found.meeting.id));
  });

  router.post('/groups/:id/calendar/renew', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'renewCalendarLink');
    await renewCalendarToken(db, user, group.id);
    flash(req, 'notice', 'meetings.calendar.renewed');
    res.redirect(303, `${paths.groupMeetings(group.id)}#calendar-title`);
  });

  // The calendar feed: no sign-in (a phone calendar cannot sign in), only the group's secret token. It
  // holds no youth's data: group name, and each meeting's type, time, place and notes.
  router.get('/calendar/:token.ics', async (req, res) => {
    // The token is the feed's only lock: the access log must not keep it.
    res.locals.loggedPath = '/calendar/….ics';
    const group = await findGroupByCalendarToken(db, req.params.token);
    if (!group) throw notFound();
    const meetings = await listMeetings(db, group.id);
    const body = meetingsCalendar(meetings, {
      groupName: group.name,
      host: new URL(config.publicUrl).hostname,
      origin: config.publicUrl,
      typeLabel: (type) => req.t(`meetings.types.${type}`),
    });
    res.set('Content-Disposition', `inline; filename="tremplin-${group.id}.ics"`);
    res.type('text/calendar; charset=utf-8').send(body);
  });

  return router;
}
