import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, PHASES, type ScopedGroup } from '../groups/group.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { parseId } from '../http/params.js';
import { keptInput, type FormErrors } from '../http/validation.js';
import { meetingsCalendar } from './calendar-feed.js';
import {
  ATTENDANCE_STATUSES, attendanceRates, consecutiveUnexcusedAbsences, deleteMeeting, DURATION_CHOICES, ensureCalendarToken,
  findGroupByCalendarToken, findMeeting, isUpcoming, keptStatuses, lastCalendarRenewal, listMeetings, localToday, meetingDate,
  meetingFormValues, MEETING_TYPES, MeetingRefused, newMeetingValues, parseMeetingForm, parseRegisterForm, planMeeting,
  recordAttendance, registerFor, RegisterRefused, renewCalendarToken, updateMeeting, upcomingMeetings, type MeetingRow,
} from './meeting.js';
import { oncePerForm } from '../http/once-per-form.js';

type MeetingAction = 'viewMeetings' | 'manageMeetings' | 'takeAttendance' | 'viewAttendance' | 'renewCalendarLink';

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

  /** The group of the URL, through the user's scope (404 outside it), and the question asked of it (403). */
  const groupFor = async (req: Request, action: MeetingAction): Promise<ScopedGroup> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, action, group));
    return group;
  };

  /** A meeting is looked up by its id and its group's: another group's meeting is not found. */
  const meetingOf = async (req: Request, group: ScopedGroup): Promise<MeetingRow> => {
    const meeting = await findMeeting(db, group.id, parseId(req.params.meetingId));
    if (!meeting) throw notFound();
    return meeting;
  };

  const formLocals = { types: MEETING_TYPES, phases: PHASES, durations: DURATION_CHOICES, formatDuration };

  router.get('/groups/:id/meetings', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMeetings');
    const token = await ensureCalendarToken(db, group.id);
    const today = localToday();
    // Youths see what is coming, never the registers: those are about the other youths too.
    const seesAttendance = can(req.user, 'viewAttendance', group);
    const meetings = seesAttendance ? await listMeetings(db, group.id) : await upcomingMeetings(db, group.id, { today });
    const [rates, flags] = seesAttendance
      ? await Promise.all([attendanceRates(db, group.id), consecutiveUnexcusedAbsences(db, [group.id])])
      : [null, []];
    const renewal = can(req.user, 'renewCalendarLink', group) ? await lastCalendarRenewal(db, group.id) : null;
    res.render('meetings/index', {
      title: res.locals.t('meetings.titleOf', { group: group.name }),
      group,
      upcoming: meetings.filter((m) => isUpcoming(m, today)),
      past: meetings.filter((m) => !isUpcoming(m, today)).reverse(),
      seesAttendance,
      rates,
      flags,
      today,
      calendar: { ...feedUrl(token), renewal },
      formatDuration,
    });
  });

  router.get('/groups/:id/meetings/new', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageMeetings');
    res.render('meetings/new', { title: res.locals.t('meetings.new'), group, values: newMeetingValues(group.phase), errors: {}, ...formLocals });
  });

  router.post('/groups/:id/meetings', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageMeetings');
    const form = parseMeetingForm(req.body);
    if (!form.ok) {
      return res.status(422).render('meetings/new', { title: res.locals.t('meetings.new'), group, values: keptInput(req.body), errors: form.errors, ...formLocals });
    }
    if (await oncePerForm(db, req, () => planMeeting(db, req.user!, group.id, form.data))) flash(req, 'notice', 'meetings.form.created');
    res.redirect(303, `/groups/${group.id}/meetings`);
  });

  const renderShow = async (
    req: Request, res: Response, group: ScopedGroup, meeting: MeetingRow,
    refused?: { messageKey: string; kept: Record<number, string>; flagged: number[] },
  ) => {
    const seesRegister = can(req.user, 'viewAttendance', group) || can(req.user, 'takeAttendance', group);
    res.status(refused ? 422 : 200).render('meetings/show', {
      title: res.locals.t(`meetings.types.${meeting.type}`),
      group,
      meeting,
      register: seesRegister ? await registerFor(db, meeting) : null,
      canTake: can(req.user, 'takeAttendance', group),
      registerOpen: meetingDate(meeting) <= localToday(),
      statuses: ATTENDANCE_STATUSES,
      refused: refused ?? null,
      formatDuration,
    });
  };

  router.get('/groups/:id/meetings/:meetingId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMeetings');
    await renderShow(req, res, group, await meetingOf(req, group));
  });

  const renderEdit = (res: Response, group: ScopedGroup, meeting: MeetingRow, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('meetings/edit', { title: res.locals.t('meetings.edit'), group, meeting, values, errors, ...formLocals });

  router.get('/groups/:id/meetings/:meetingId/edit', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageMeetings');
    const meeting = await meetingOf(req, group);
    renderEdit(res, group, meeting, 200, meetingFormValues(meeting), {});
  });

  router.post('/groups/:id/meetings/:meetingId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageMeetings');
    const meeting = await meetingOf(req, group);
    const form = parseMeetingForm(req.body);
    if (!form.ok) return renderEdit(res, group, meeting, 422, keptInput(req.body), form.errors);
    await updateMeeting(db, meeting, form.data);
    flash(req, 'notice', 'meetings.form.saved');
    res.redirect(303, `/groups/${group.id}/meetings/${meeting.id}`);
  });

  router.post('/groups/:id/meetings/:meetingId/delete', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageMeetings');
    const meeting = await meetingOf(req, group);
    try {
      await deleteMeeting(db, meeting, { confirmLosingRegister: req.body?.confirm === 'yes' });
    } catch (err) {
      if (err instanceof MeetingRefused) return renderEdit(res, group, meeting, 422, meetingFormValues(meeting), { confirm: err.messageKey });
      throw err;
    }
    flash(req, 'notice', 'meetings.delete.done');
    res.redirect(303, `/groups/${group.id}/meetings`);
  });

  router.post('/groups/:id/meetings/:meetingId/register', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'takeAttendance');
    const meeting = await meetingOf(req, group);
    const form = parseRegisterForm(req.body);
    if (!form.ok) return renderShow(req, res, group, meeting, { messageKey: form.messageKey, kept: keptStatuses(req.body), flagged: [] });
    try {
      await recordAttendance(db, req.user!, meeting, form.statuses);
    } catch (err) {
      if (err instanceof RegisterRefused) return renderShow(req, res, group, meeting, { messageKey: err.messageKey, kept: keptStatuses(req.body), flagged: err.enrolmentIds });
      throw err;
    }
    flash(req, 'notice', 'meetings.register.saved');
    res.redirect(303, `/groups/${group.id}/meetings/${meeting.id}`);
  });

  router.post('/groups/:id/calendar/renew', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'renewCalendarLink');
    await renewCalendarToken(db, req.user!, group.id);
    flash(req, 'notice', 'meetings.calendar.renewed');
    res.redirect(303, `/groups/${group.id}/meetings#calendar-title`);
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
