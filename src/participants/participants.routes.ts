import { readFile } from 'node:fs/promises';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireSignedIn } from '../auth/guards.js';
import { rememberCodeToShow, renderCodeSheet } from '../auth/code-sheet.js';
import { pendingCode } from '../auth/one-time-code.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { isRefusal } from '../http/refusal.js';
import { discard, receiveOneFile, receivedFile } from '../http/uploads.js';
import type { FormErrors } from '../http/validation.js';
import type { ScopedGroup } from '../groups/group.js';
import { PHASES } from '../phases/order.js';
import { paths } from '../http/paths.js';
import { groupFor } from '../groups/scope.js';
import {
  enrol, isMinorAt, loadYouthAccount, openYouthAccount, SITUATIONS, updateYouthFile, youthAccountStatus, youthFileForm, youthFileValues,
  ageOn, type YouthFile,
} from './participant.js';
import { enrolmentFor } from './scope.js';
import { ageBandAt, daysAbroad, FACT_CHOICES } from './funder-facts.js';
import { rejoin, withdraw, withdrawalHistory, withdrawForm, WITHDRAWAL_REASONS } from './withdrawal.js';
import { importSentList, IMPORT_FIELDS, MAX_IMPORT_BYTES, type ImportProblem, type SentList } from './youth-import.js';
import { youthGroupsPanel } from '../followups/peer-leaders.js';
import { youthSms } from '../outbox/sign-in-code.js';
import { messagesToYouth } from '../outbox/reminders.js';
import { linkCandidates, LinkForm, linkPanel, linkYouthFiles, otherFileFor, unlinkYouthFile } from './youth-link.js';

const fullName = (file: YouthFile) => `${file.first_name} ${file.last_name}`;
const situationOptions = (t: Response['locals']['t']) => SITUATIONS.map((s) => ({ value: s, label: t(`participants.situations.${s}`) }));

/** A form page as first shown (200) or shown again after a refused post (FormAgain). */
type FormPage = Pick<FormAgain, 'values' | 'errors'> & { status?: number };
const blank = (values: Record<string, string>): FormPage => ({ values, errors: {} });

export function participantsRoutes(db: Db, config: Config): Router {
  const router = Router();

  // ---- enrolling one youth -------------------------------------------------------------------------

  const renderNew = (res: Response, group: ScopedGroup, page: FormPage) =>
    res.status(page.status ?? 200).render('participants/new', {
      title: res.locals.t('participants.enrol.title'), group, values: page.values, errors: page.errors, situations: situationOptions(res.locals.t), facts: FACT_CHOICES,
    });

  router.get('/groups/:id/youths/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'manageYouths');
    renderNew(res, group, blank({ departing: 'yes', enrolledOn: today() }));
  });

  router.post('/groups/:id/youths', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'manageYouths');
    const posted = await submitForm(req, youthFileForm(), (f) => enrol(db, group, f, user.id), (again) => renderNew(res, group, again));
    if (!posted.ok) return;
    flash(req, 'notice', 'participants.enrol.done', { name: `${posted.data.firstName} ${posted.data.lastName}` });
    res.redirect(303, req.body?.next === 'another' ? paths.groupYouthNew(group.id) : paths.groupYouth(group.id, posted.result));
  });

  // ---- importing a list ----------------------------------------------------------------------------

  // The list's file goes to a temporary file (never held in memory), read and removed at once; a pasted
  // list may be as large as a file.
  const receiveListFile = receiveOneFile({
    uploadDir: config.uploadDir, field: 'file', maxBytes: MAX_IMPORT_BYTES, textFields: { count: 5, maxBytes: MAX_IMPORT_BYTES },
  });

  /** What the import form sent; a file too large, or a second file, is a problem to show on the form, not an error page. */
  async function receiveList(req: Request, res: Response): Promise<SentList> {
    const uploadProblem = await new Promise<SentList['uploadProblem']>((resolve, reject) =>
      receiveListFile(req, res, (err?: unknown) => {
        const code = (err as { code?: unknown } | undefined)?.code;
        if (!err) resolve(undefined);
        else if (code === 'LIMIT_FILE_SIZE' || code === 'LIMIT_FIELD_VALUE') resolve('tooBig');
        else if (code === 'LIMIT_FILE_COUNT') resolve('oneFile');
        // A broken multipart body (400), a full disk (507): the error page.
        else reject(err);
      }));
    const file = receivedFile(req);
    try {
      const pasted = typeof req.body?.csv === 'string' ? req.body.csv : '';
      return { pasted, fileBytes: file && !uploadProblem ? await readFile(file.tempPath) : null, uploadProblem };
    } finally {
      await discard(file);
    }
  }

  const renderImport = (res: Response, group: ScopedGroup, csv: string, problems: ImportProblem[], status = 200) =>
    res.status(status).render('participants/import', {
      title: res.locals.t('participants.import.title'), group, csv, problems, fields: IMPORT_FIELDS,
    });

  router.get('/groups/:id/youths/import', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'manageYouths');
    renderImport(res, group, '', []);
  });

  router.post('/groups/:id/youths/import', requireSignedIn, async (req, res) => {
    // Permission first, then the upload: nobody else gets to put a file on this server's disk.
    const { user, group } = await groupFor(db, req, 'manageYouths');
    const imported = await importSentList(db, group, await receiveList(req, res), user.id);
    if (!imported.ok) return renderImport(res, group, imported.text, imported.problems, 422);
    flash(req, 'notice', 'participants.import.done', { count: String(imported.count) });
    res.redirect(303, paths.group(group.id));
  });

  // ---- one youth's file ----------------------------------------------------------------------------

  router.get('/groups/:id/youths/:enrolmentId', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'viewYouthFiles');
    const [history, account, groupsPanel, link, sms, sent] = await Promise.all([
      withdrawalHistory(db, file.enrolment_id), youthAccountStatus(db, file), youthGroupsPanel(db, user, file.youth_id, group), linkPanel(db, user, file, group), youthSms(db, file),
      messagesToYouth(db, file.youth_id),
    ]);
    res.render('participants/show', {
      title: res.locals.t('participants.file.title', { name: fullName(file) }),
      group, file, history, account, groupsPanel, link, sms: { ...sms, sent },
      ageToday: ageOn(file.birth_date, today()),
      minorAtDeparture: isMinorAt(file.birth_date, group.departure_date),
      ageAtDeparture: group.departure_date ? ageOn(file.birth_date, group.departure_date) : null,
      ageBand: ageBandAt(file.birth_date, group.departure_date), daysAbroad: daysAbroad(group.departure_date, group.return_date),
    });
  });

  const renderEdit = (res: Response, group: ScopedGroup, file: YouthFile, page: FormPage) =>
    res.status(page.status ?? 200).render('participants/edit', {
      title: res.locals.t('participants.file.editTitle', { name: fullName(file) }),
      group, file, values: page.values, errors: page.errors, situations: situationOptions(res.locals.t), facts: FACT_CHOICES,
    });

  router.get('/groups/:id/youths/:enrolmentId/edit', requireSignedIn, async (req, res) => {
    const { group, file } = await enrolmentFor(db, req, 'manageYouths');
    renderEdit(res, group, file, blank(youthFileValues(file)));
  });

  router.post('/groups/:id/youths/:enrolmentId', requireSignedIn, async (req, res) => {
    const { group, file } = await enrolmentFor(db, req, 'manageYouths');
    const posted = await submitForm(req, youthFileForm(file.enrolled_on), (f) => updateYouthFile(db, file, f), (again) => renderEdit(res, group, file, again));
    if (!posted.ok) return;
    flash(req, 'notice', 'participants.file.saved');
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  // ---- leaving and coming back ---------------------------------------------------------------------

  const renderWithdraw = (res: Response, group: ScopedGroup, file: YouthFile, page: FormPage) =>
    res.status(page.status ?? 200).render('participants/withdraw', {
      title: res.locals.t('participants.withdraw.title'), group, file, values: page.values, errors: page.errors, reasons: WITHDRAWAL_REASONS, phases: PHASES,
    });

  router.get('/groups/:id/youths/:enrolmentId/withdraw', requireSignedIn, async (req, res) => {
    const { group, file } = await enrolmentFor(db, req, 'manageYouths');
    if (file.status === 'withdrawn') {
      flash(req, 'alert', 'participants.errors.alreadyWithdrawn');
      return res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
    }
    renderWithdraw(res, group, file, blank({ withdrawnOn: today() }));
  });

  router.post('/groups/:id/youths/:enrolmentId/withdraw', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'manageYouths');
    const posted = await submitForm(req, withdrawForm(file.enrolled_on), (f) => withdraw(db, user, file, f), (again) => renderWithdraw(res, group, file, again));
    if (!posted.ok) return;
    flash(req, 'notice', 'participants.withdraw.done', { name: fullName(file) });
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  router.post('/groups/:id/youths/:enrolmentId/rejoin', requireSignedIn, async (req, res) => {
    const { group, file } = await enrolmentFor(db, req, 'manageYouths');
    try {
      await rejoin(db, file);
      flash(req, 'notice', 'participants.rejoin.done', { name: fullName(file) });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  // ---- one youth in two structures -----------------------------------------------------------------

  const renderLink = async (res: Response, user: Express.User, group: ScopedGroup, file: YouthFile, page: FormPage) =>
    res.status(page.status ?? 200).render('participants/link', {
      title: res.locals.t('participants.link.title', { name: fullName(file) }),
      group, file, values: page.values, errors: page.errors, candidates: await linkCandidates(db, user, group),
    });

  router.get('/groups/:id/youths/:enrolmentId/link', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'linkYouthFiles');
    await renderLink(res, user, group, file, blank({}));
  });

  router.post('/groups/:id/youths/:enrolmentId/link', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'linkYouthFiles');
    const posted = await submitForm(
      req, LinkForm,
      async (f) => linkYouthFiles(db, user, file, group, await otherFileFor(db, user, f.otherEnrolmentId)),
      (again) => renderLink(res, user, group, file, again),
    );
    if (!posted.ok) return;
    flash(req, 'notice', 'participants.link.done');
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  router.post('/groups/:id/youths/:enrolmentId/unlink', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'linkYouthFiles');
    try {
      await unlinkYouthFile(db, user, file);
      flash(req, 'notice', 'participants.link.undone');
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  // ---- the youth's account -------------------------------------------------------------------------

  router.post('/groups/:id/youths/:enrolmentId/account', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'createYouthAccount');
    try {
      const opened = await openYouthAccount(db, user, file);
      rememberCodeToShow(req, opened.userId, opened.issued);
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
      return res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
    }
    res.redirect(303, paths.groupYouthAccount(group.id, file.enrolment_id));
  });

  router.get('/groups/:id/youths/:enrolmentId/account', requireSignedIn, async (req, res) => {
    const { group, file } = await enrolmentFor(db, req, 'createYouthAccount');
    const account = await loadYouthAccount(db, file);
    const pending = await pendingCode(db, account.id);
    await renderCodeSheet(req, res, account, { backTo: paths.groupYouth(group.id, file.enrolment_id), reissueAction: paths.groupYouthAccount(group.id, file.enrolment_id), pending }, config.publicUrl);
  });

  return router;
}
