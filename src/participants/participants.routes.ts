import { mkdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import multer from 'multer';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { requireSignedIn, assertCan } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { rememberCodeToShow, renderCodeSheet } from '../auth/code-sheet.js';
import { pendingCode } from '../auth/one-time-code.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { HttpError, notFound } from '../http/errors.js';
import { loadVisibleGroup, PHASES, type ScopedGroup } from '../groups/group.js';
import {
  AccountInactiveError, DuplicateYouthError, enrol, isMinorAt, loadYouthFile, openYouthAccount, SITUATIONS, updateYouthFile,
  youthAccountStatus, youthFileForm, youthFileValues, ageOn, type YouthFile,
} from './participant.js';
import { AlreadyWithdrawnError, NotWithdrawnError, rejoin, withdraw, withdrawalHistory, withdrawForm, WITHDRAWAL_REASONS } from './withdrawal.js';
import { decodeCsvBytes, importYouths, IMPORT_FIELDS, MAX_IMPORT_BYTES, type ImportProblem } from './youth-import.js';
import { youthGroupsPanel } from '../followups/peer-leaders.js';
import { withoutInvisibleControls } from '../http/form-text.js';

// Uploaded lists go to a temporary file (never held in memory) and are deleted as soon as they are read.
const IMPORT_DIR = path.join(os.tmpdir(), 'tremplin-imports');
const receiveList = multer({
  storage: multer.diskStorage({
    destination: (_req, _file, cb) => {
      mkdir(IMPORT_DIR, { recursive: true }).then(() => cb(null, IMPORT_DIR), (err: Error) => cb(err, IMPORT_DIR));
    },
  }),
  limits: { fileSize: MAX_IMPORT_BYTES, fieldSize: MAX_IMPORT_BYTES, files: 1, fields: 5 },
}).single('file');

/** Runs the upload; a file over the limit, or more than one file, is a problem to show on the form, not an error page. */
function receiveUpload(req: Request, res: Response): Promise<'ok' | 'tooBig' | 'oneFile'> {
  return new Promise((resolve, reject) => {
    receiveList(req, res, (err: unknown) => {
      if (err instanceof multer.MulterError && (err.code === 'LIMIT_FILE_SIZE' || err.code === 'LIMIT_FIELD_VALUE')) resolve('tooBig');
      else if (err instanceof multer.MulterError && err.code === 'LIMIT_FILE_COUNT') resolve('oneFile');
      // A broken or unexpected multipart body is the client's mistake; a full disk (ENOSPC...) is ours.
      else if (err instanceof multer.MulterError || (err instanceof Error && !(err as NodeJS.ErrnoException).code)) reject(new HttpError(400));
      else if (err) reject(err);
      else resolve('ok');
    });
  });
}

const fileUrl = (group: { id: number }, file: { enrolment_id: number }) => `/groups/${group.id}/youths/${file.enrolment_id}`;
const fullName = (file: YouthFile) => `${file.first_name} ${file.last_name}`;
const situationOptions = (t: Response['locals']['t']) => SITUATIONS.map((s) => ({ value: s, label: t(`participants.situations.${s}`) }));

export function participantsRoutes(db: Db, config: Config): Router {
  const router = Router();

  /** The group through the user's scope (404 outside it), then the question asked of it (403). */
  async function groupFor(req: Request, action: 'manageYouths' | 'viewYouthFiles' | 'createYouthAccount'): Promise<ScopedGroup> {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, action, group));
    return group;
  }

  // ---- enrolling one youth -------------------------------------------------------------------------

  const renderNew = (res: Response, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('participants/new', {
      title: res.locals.t('participants.enrol.title'), group, values, errors, situations: situationOptions(res.locals.t),
    });

  router.get('/groups/:id/youths/new', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    renderNew(res, group, { departing: 'yes' }, {});
  });

  router.post('/groups/:id/youths', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const form = parseForm(youthFileForm(), req.body);
    if (!form.ok) return renderNew(res, group, keptInput(req.body), form.errors, 422);
    let enrolmentId: number;
    try {
      enrolmentId = await enrol(db, group, form.data);
    } catch (err) {
      if (err instanceof DuplicateYouthError) return renderNew(res, group, keptInput(req.body), { _form: 'participants.errors.duplicate' }, 422);
      throw err;
    }
    flash(req, 'notice', 'participants.enrol.done', { name: `${form.data.firstName} ${form.data.lastName}` });
    res.redirect(303, req.body?.next === 'another' ? `/groups/${group.id}/youths/new` : `/groups/${group.id}/youths/${enrolmentId}`);
  });

  // ---- importing a list ----------------------------------------------------------------------------

  const renderImport = (res: Response, group: ScopedGroup, csv: string, problems: ImportProblem[], status = 200) =>
    res.status(status).render('participants/import', {
      title: res.locals.t('participants.import.title'), group, csv, problems, fields: IMPORT_FIELDS,
    });

  router.get('/groups/:id/youths/import', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    renderImport(res, group, '', []);
  });

  router.post('/groups/:id/youths/import', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    // Permission first, then the upload: nobody else gets to put a file on this server's disk.
    let received: 'ok' | 'tooBig' | 'oneFile';
    let text: string;
    // After a refused upload multer may leave req.file as a placeholder without a path (its file is
    // already removed): only a file that was kept on disk is read and removed here.
    const keptFile = () => (received === 'ok' && typeof req.file?.path === 'string' ? req.file.path : undefined);
    try {
      received = await receiveUpload(req, res);
      const kept = keptFile();
      const bytes = kept ? await readFile(kept) : null;
      text = typeof req.body?.csv === 'string' ? req.body.csv : '';
      if (bytes && bytes.length) {
        const decoded = decodeCsvBytes(bytes);
        if (!decoded.ok) return renderImport(res, group, text, [decoded.problem], 422);
        text = decoded.text;
      }
    } finally {
      const kept = keptFile();
      if (kept) await rm(kept, { force: true });
    }
    // This form is parsed by its own multer, and a file's content never passes the form cleaning: a NUL in
    // a pasted or exported list would otherwise make PostgreSQL refuse the whole import.
    text = withoutInvisibleControls(text);
    if (received === 'tooBig' || received === 'oneFile') return renderImport(res, group, text, [{ line: null, key: received }], 422);
    if (!text.trim()) return renderImport(res, group, text, [{ line: null, key: 'nothing' }], 422);
    const result = await importYouths(db, group, text);
    if (!result.ok) return renderImport(res, group, text.replace(/^\uFEFF/, ''), result.problems, 422);
    flash(req, 'notice', 'participants.import.done', { count: String(result.count) });
    res.redirect(303, `/groups/${group.id}`);
  });

  // ---- one youth's file ----------------------------------------------------------------------------

  router.get('/groups/:id/youths/:enrolmentId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewYouthFiles');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    const [history, account, groupsPanel] = await Promise.all([withdrawalHistory(db, file.enrolment_id), youthAccountStatus(db, file), youthGroupsPanel(db, req.user!, file.youth_id)]);
    res.render('participants/show', {
      title: res.locals.t('participants.file.title', { name: fullName(file) }),
      group, file, history, account, groupsPanel,
      ageToday: ageOn(file.birth_date, today()),
      minorAtDeparture: isMinorAt(file.birth_date, group.departure_date),
      ageAtDeparture: group.departure_date ? ageOn(file.birth_date, group.departure_date) : null,
    });
  });

  const renderEdit = (res: Response, group: ScopedGroup, file: YouthFile, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('participants/edit', {
      title: res.locals.t('participants.file.editTitle', { name: fullName(file) }),
      group, file, values, errors, situations: situationOptions(res.locals.t),
    });

  router.get('/groups/:id/youths/:enrolmentId/edit', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    renderEdit(res, group, file, youthFileValues(file), {});
  });

  router.post('/groups/:id/youths/:enrolmentId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    const form = parseForm(youthFileForm(file.enrolled_on), req.body);
    if (!form.ok) return renderEdit(res, group, file, keptInput(req.body), form.errors, 422);
    try {
      await updateYouthFile(db, file, form.data);
    } catch (err) {
      if (err instanceof DuplicateYouthError) return renderEdit(res, group, file, keptInput(req.body), { _form: 'participants.errors.duplicate' }, 422);
      throw err;
    }
    flash(req, 'notice', 'participants.file.saved');
    res.redirect(303, fileUrl(group, file));
  });

  // ---- leaving and coming back ---------------------------------------------------------------------

  const renderWithdraw = (res: Response, group: ScopedGroup, file: YouthFile, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('participants/withdraw', {
      title: res.locals.t('participants.withdraw.title'), group, file, values, errors, reasons: WITHDRAWAL_REASONS, phases: PHASES,
    });

  router.get('/groups/:id/youths/:enrolmentId/withdraw', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    if (file.status === 'withdrawn') {
      flash(req, 'alert', 'participants.errors.alreadyWithdrawn');
      return res.redirect(303, fileUrl(group, file));
    }
    renderWithdraw(res, group, file, { withdrawnOn: today() }, {});
  });

  router.post('/groups/:id/youths/:enrolmentId/withdraw', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    const form = parseForm(withdrawForm(file.enrolled_on), req.body);
    if (!form.ok) return renderWithdraw(res, group, file, keptInput(req.body), form.errors, 422);
    try {
      await withdraw(db, req.user!, file, form.data);
    } catch (err) {
      if (err instanceof AlreadyWithdrawnError) return renderWithdraw(res, group, file, keptInput(req.body), { _form: 'participants.errors.alreadyWithdrawn' }, 409);
      throw err;
    }
    flash(req, 'notice', 'participants.withdraw.done', { name: fullName(file) });
    res.redirect(303, fileUrl(group, file));
  });

  router.post('/groups/:id/youths/:enrolmentId/rejoin', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'manageYouths');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    try {
      await rejoin(db, file);
      flash(req, 'notice', 'participants.rejoin.done', { name: fullName(file) });
    } catch (err) {
      if (!(err instanceof NotWithdrawnError)) throw err;
      flash(req, 'alert', 'participants.errors.notWithdrawn');
    }
    res.redirect(303, fileUrl(group, file));
  });

  // ---- the youth's account -------------------------------------------------------------------------

  router.post('/groups/:id/youths/:enrolmentId/account', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'createYouthAccount');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    try {
      const opened = await openYouthAccount(db, req.user!, file);
      rememberCodeToShow(req, opened.userId, opened.issued);
    } catch (err) {
      if (!(err instanceof AccountInactiveError)) throw err;
      flash(req, 'alert', 'participants.errors.accountInactive');
      return res.redirect(303, fileUrl(group, file));
    }
    res.redirect(303, `${fileUrl(group, file)}/account`);
  });

  router.get('/groups/:id/youths/:enrolmentId/account', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'createYouthAccount');
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    if (!file.user_id) throw notFound();
    const account = await db('users').where({ id: file.user_id }).first('id', 'display_name');
    if (!account) throw notFound();
    res.locals.pending = await pendingCode(db, account.id);
    await renderCodeSheet(req, res, account, { backTo: fileUrl(group, file), reissueAction: `${fileUrl(group, file)}/account` }, config.publicUrl);
  });

  return router;
}
