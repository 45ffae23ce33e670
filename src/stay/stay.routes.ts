import { Router, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { keepOfflineUntil } from '../http/offline.js';
import { recordAudit } from '../documents/audit-log.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { oncePerForm, oneRecordPerForm } from '../http/once-per-form.js';
import { paths } from '../http/paths.js';
import { keptList, type FormErrors } from '../http/validation.js';
import { listGroupYouths } from '../participants/participant.js';
import { localNow } from '../meetings/meeting.js';
import { renderSheetPdf } from './sheet-pdf.js';
import {
  acknowledgeIncident, alertDirectors, correctIncident, DailyNoteForm, emergencySheet, healthFieldOf, IncidentCorrectionForm, IncidentForm, incidentFormValues,
  incidentHistory, listIncidents, recordIncident, saveSheet, SEVERITIES, SheetForm, sheetFormValues, sheetKeptUntil, TOLD, writeDailyNote, type EmergencySheet,
  type Incident,
} from './stay.js';
import { incidentFor } from './scope.js';

const incidentOpened = (db: Db, user: Express.User, group: ScopedGroup, incident: Incident) =>
  recordAudit(db, user, 'stay.incidentOpened', { groupId: group.id, subjectType: 'incident', subjectId: incident.id });

const sheetOpened = (db: Db, user: Express.User, group: ScopedGroup, format: 'page' | 'pdf') =>
  recordAudit(db, user, 'stay.sheetOpened', { groupId: group.id, subjectType: 'group', subjectId: group.id, details: { format } });

export function stayRoutes(db: Db, publicUrl: string): Router {
  const router = Router();

  // ---- The emergency sheet ----

  router.get('/groups/:id/stay/sheet', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewEmergencySheet');
    const sheet = await emergencySheet(db, group.id);
    await sheetOpened(db, user, group, 'page');
    const keptUntil = sheetKeptUntil(group, today());
    if (keptUntil && can(user, 'keepEmergencySheetOffline', group)) keepOfflineUntil(res, keptUntil);
    res.render('stay/sheet', { title: res.locals.t('stay.sheet.titleOf', { group: group.name }), group, ...sheet });
  });

  router.get('/groups/:id/stay/sheet.pdf', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewEmergencySheet');
    const pdf = await renderSheetPdf(group, await emergencySheet(db, group.id), req.t, req.lang);
    await sheetOpened(db, user, group, 'pdf');
    res.set('Content-Type', 'application/pdf').set('Content-Disposition', `attachment; filename="fiche-urgence-${group.id}-${today()}.pdf"`).send(pdf);
  });

  const renderSheetForm = (res: Response, group: ScopedGroup, sheet: EmergencySheet, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('stay/sheet-edit', { title: res.locals.t('stay.sheet.editTitle'), group, youths: sheet.youths, healthFieldOf, values, errors });

  router.get('/groups/:id/stay/sheet/edit', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'editEmergencySheet');
    const sheet = await emergencySheet(db, group.id);
    renderSheetForm(res, group, sheet, sheetFormValues(sheet), {});
  });

  router.post('/groups/:id/stay/sheet', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'editEmergencySheet');
    const posted = await submitForm(req, SheetForm, (f) => saveSheet(db, user, group.id, f), async ({ status, values, errors }: FormAgain) =>
      renderSheetForm(res, group, await emergencySheet(db, group.id), values, errors, status));
    if (!posted.ok) return;
    flash(req, 'notice', 'stay.sheet.saved');
    res.redirect(303, paths.groupStaySheet(group.id));
  });

  // ---- Incidents ----

  router.get('/groups/:id/stay/incidents', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewIncidents');
    res.render('stay/incidents', { title: res.locals.t('stay.incident.listTitle'), group, incidents: await listIncidents(db, group.id) });
  });

  const renderIncidentForm = async (res: Response, group: ScopedGroup, form: { incident?: Incident; chosen: number[]; values: Record<string, string>; errors: FormErrors }, status = 200) => {
    // A youth named by the incident stays on its correction form after withdrawing, so the box can be unticked.
    const youths = (await listGroupYouths(db, group.id)).filter((y) => y.status === 'enrolled' || form.incident?.youths.some((i) => i.enrolment_id === y.enrolment_id));
    const page = form.incident ? 'edit' : 'new';
    res.status(status).render(`stay/incident-${page}`, { title: res.locals.t(`stay.incident.${page}Title`), group, youths, severities: SEVERITIES, told: TOLD, ...form });
  };

  router.get('/groups/:id/stay/incidents/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'recordIncident');
    await renderIncidentForm(res, group, { chosen: [], values: { occurredAt: localNow().slice(0, 16) }, errors: {} });
  });

  router.post('/groups/:id/stay/incidents', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'recordIncident');
    const posted = await submitForm(req, IncidentForm, (f) => oneRecordPerForm(db, req, async () => {
      const id = await recordIncident(db, user, group.id, f);
      await alertDirectors(db, user, group, id, f.severity, publicUrl);
      return id;
    }), ({ status, values, errors }) => renderIncidentForm(res, group, { chosen: keptList(req.body, 'youth').map(Number), values, errors }, status));
    if (!posted.ok) return;
    flash(req, 'notice', 'stay.incident.recorded');
    res.redirect(303, posted.result ? paths.groupIncident(group.id, posted.result) : paths.groupIncidents(group.id));
  });

  router.get('/groups/:id/stay/incidents/:incidentId', requireSignedIn, async (req, res) => {
    const { user, group, incident } = await incidentFor(db, req, 'viewIncidents');
    await incidentOpened(db, user, group, incident);
    res.render('stay/incident', { title: res.locals.t('stay.incident.title'), group, incident, told: TOLD, history: await incidentHistory(db, incident) });
  });

  // The correction form shows the incident as it stands: an opening like the incident's page.
  router.get('/groups/:id/stay/incidents/:incidentId/edit', requireSignedIn, async (req, res) => {
    const { user, group, incident } = await incidentFor(db, req, 'correctIncident');
    await incidentOpened(db, user, group, incident);
    await renderIncidentForm(res, group, { incident, chosen: incident.youths.map((y) => y.enrolment_id), values: incidentFormValues(incident), errors: {} });
  });

  router.post('/groups/:id/stay/incidents/:incidentId', requireSignedIn, async (req, res) => {
    const { user, group, incident } = await incidentFor(db, req, 'correctIncident');
    const posted = await submitForm(req, IncidentCorrectionForm, (f) => oncePerForm(db, req, async () => {
      const { raised } = await correctIncident(db, user, incident, f);
      if (raised) await alertDirectors(db, user, group, incident.id, f.severity, publicUrl, true);
    }), ({ status, values, errors }) => renderIncidentForm(res, group, {
      incident, chosen: keptList(req.body, 'youth').map(Number), errors,
      // Corrected meanwhile: the message says so and the history shows it; sending again, knowingly, replaces it.
      values: status === 409 ? { ...values, revision: String(incident.revision) } : values,
    }, status));
    if (!posted.ok) return;
    flash(req, 'notice', 'stay.incident.corrected');
    res.redirect(303, paths.groupIncident(group.id, incident.id));
  });

  router.post('/groups/:id/stay/incidents/:incidentId/acknowledge', requireSignedIn, async (req, res) => {
    const { user, group, incident } = await incidentFor(db, req, 'acknowledgeIncident');
    await acknowledgeIncident(db, user, incident);
    flash(req, 'notice', 'stay.incident.acknowledged');
    res.redirect(303, paths.groupIncident(group.id, incident.id));
  });

  // ---- Daily notes ----

  const renderNoteForm = (res: Response, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('stay/note-new', { title: res.locals.t('stay.notes.newTitle'), group, values, errors });

  router.get('/groups/:id/stay/notes/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'writeDailyNote');
    renderNoteForm(res, group, { day: localNow().slice(0, 10) }, {});
  });

  router.post('/groups/:id/stay/notes', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'writeDailyNote');
    const posted = await submitForm(req, DailyNoteForm, (f) => oncePerForm(db, req, () => writeDailyNote(db, user, group.id, f)),
      ({ status, values, errors }) => renderNoteForm(res, group, values, errors, status));
    if (!posted.ok) return;
    flash(req, 'notice', 'stay.notes.saved');
    res.redirect(303, `${paths.group(group.id)}#stay`);
  });

  return router;
}
