import { stat } from 'node:fs/promises';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import { MB, type Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import { ResumableUploads, type UploadPurpose } from '../http/resumable-uploads.js';
import { discard, receiveFiles, receiveOneFile, receivedFile, receivedFiles, sendStoredFile, storedFilePath } from '../http/uploads.js';
import type { FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { isMinorAt } from '../participants/participant.js';
import { auditFilterChoices, listAudit } from './audit-log.js';
import { BoardCheckForm, checkReceivedPapers, type BulkCheckResult } from './bulk-check.js';
import { countNotLeaving, readinessOfGroup } from './readiness.js';
import {
  ensureRequirements, isKind, KINDS, requirementsFormValues, requirementsOf, resetRequirements, saveRequirements, RequirementsForm, HEALTH_DETAILS,
} from './requirements.js';
import { retentionOverview, structureRetentionDays, PURGED_KINDS } from './retention.js';
import { papersFor, requiredPaperFor, type RequiredPaper, type YouthPapers } from './scope.js';
import { fieldsOfPaper, guessedKinds, handInSeveral, valuesOfPapers, type ScanResult } from './several-scans.js';
import {
  CheckForm, checkDocument, deadlineOf, documentsOfEnrolments, evaluate, findDocument, handInDocument, handInForm, handInFromFields, knownInvalidity, logDownload, refuseUnlessScan, SCAN_TYPES, scanKeptAs,
  type Evaluation, type MissingDocument,
} from './youth-document.js';

const paperPath = (p: RequiredPaper) => `${paths.groupYouthDocuments(p.group.id, p.file.enrolment_id)}#paper-${p.requirement.kind}`;

type CheckedEvaluation = Evaluation & { invalidity: MissingDocument | null };

function redirectWithFlash(req: Request, res: Response, message: string, url: string): void {
  flash(req, 'notice', message);
  res.redirect(303, url);
}

export function documentsRoutes(db: Db, config: Config, resumable: ResumableUploads): Router {
  const router = Router();
  const maxMb = Math.floor(config.limits.document / MB);

  /** The papers asked of this youth, each with where it stands and what its dates already say against it. */
  async function papersOfYouth(p: YouthPapers): Promise<CheckedEvaluation[]> {
    const [rules, docs] = await Promise.all([requirementsOf(db, [p.group]), documentsOfEnrolments(db, [p.file.enrolment_id])]);
    return rules
      .get(p.group.id)!
      .filter((r) => r.enabled)
      .map((r) => evaluate(r, p.file, p.group, docs.find((d) => d.kind === r.kind)))
      .filter((e) => e.applies)
      .map((e) => ({ ...e, invalidity: e.doc ? knownInvalidity(e.requirement, p.file, p.group, e.doc) : null }));
  }

  async function renderPapers(
    res: Response,
    p: YouthPapers,
    status = 200,
    form: { kind?: string; errors?: FormErrors; values?: Record<string, string> } = {},
  ) {
    res.status(status).render('documents/youth', {
      title: p.user.id === p.file.user_id
        ? res.locals.t('documents.youth.mine')
        : res.locals.t('documents.youth.title', { name: `${p.file.first_name} ${p.file.last_name}` }),
      group: p.group, file: p.file, papers: await papersOfYouth(p), record: p.record,
      form: { kind: form.kind ?? null, errors: form.errors ?? {}, values: form.values ?? {} },
      minorAtDeparture: isMinorAt(p.file.birth_date, p.group.departure_date),
      maxMb,
    });
  }

  /** The form for several scans of one youth; after a post, with each file's result and the refused papers' input. */
  async function renderScans(res: Response, p: YouthPapers, status = 200, results: ScanResult[] | null = null, errors: FormErrors = {}, values: Record<string, string> = {}) {
    const papers = await papersOfYouth(p);
    res.status(status).render('documents/scans', {
      title: res.locals.t('documents.scans.title', { name: `${p.file.first_name} ${p.file.last_name}` }),
      group: p.group, file: p.file, record: p.record, papers, guess: guessedKinds(papers), results, errors, maxMb,
      paperErrors: Object.fromEntries(papers.map((e) => [e.requirement.kind, fieldsOfPaper(errors, e.requirement.kind)])),
      values: valuesOfPapers(papers, values),
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // The group's board and rules

  /** The board; after a "check at once", each paper's result; after several scans of one youth, each file's. */
  type BoardAnswer = { status?: number; results?: BulkCheckResult[]; scans?: { name: string; enrolmentId: number; results: ScanResult[] }; errors?: FormErrors };
  const renderBoard = async (res: Response, group: ScopedGroup, answer: BoardAnswer = {}) => {
    const [board, notLeaving] = await Promise.all([readinessOfGroup(db, group), countNotLeaving(db, group.id)]);
    res.status(answer.status ?? 200).render('documents/board', {
      title: res.locals.t('documents.board.title'), group, board, notLeaving, readyCount: board.youths.filter((y) => y.ready).length,
      results: answer.results ?? null, scans: answer.scans ?? null, errors: answer.errors ?? {},
    });
  };

  router.get('/groups/:id/documents', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewReadiness');
    await renderBoard(res, group);
  });

  // The board itself answers, with each paper's result: a redirect would lose them, and posting again
  // finds nothing left to check.
  router.post('/groups/:id/documents/check', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'checkGroupDocuments');
    const posted = await submitForm(req, BoardCheckForm, (line) => checkReceivedPapers(db, user, group, line), (again) =>
      renderBoard(res, group, again));
    if (posted.ok) await renderBoard(res, group, { results: posted.result });
  });

  const renderRequirements = async (res: Response, group: ScopedGroup, status: number, values: Record<string, string>, errors: FormErrors) => {
    const requirements = await ensureRequirements(db, group);
    res.status(status).render('documents/requirements', {
      title: res.locals.t('documents.requirements.title'), group, requirements, values, errors, healthDetails: HEALTH_DETAILS,
      deadlines: Object.fromEntries(requirements.map((r) => [r.kind, deadlineOf(r, group)])),
    });
  };

  router.get('/groups/:id/documents/requirements', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'manageRequirements');
    await renderRequirements(res, group, 200, requirementsFormValues(await ensureRequirements(db, group)), {});
  });

  router.post('/groups/:id/documents/requirements', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'manageRequirements');
    if (req.body?.reset === 'yes') {
      await resetRequirements(db, user, group);
      return redirectWithFlash(req, res, 'documents.requirements.resetDone', paths.groupRequirements(group.id));
    }
    const posted = await submitForm(req, RequirementsForm, (rules) => saveRequirements(db, user, group, rules), (again) =>
      renderRequirements(res, group, again.status, again.values, again.errors));
    if (!posted.ok) return;
    redirectWithFlash(req, res, 'documents.requirements.saved', paths.groupDocuments(group.id));
  });

  // ---------------------------------------------------------------------------------------------------
  // A youth's papers

  router.get('/groups/:id/youths/:enrolmentId/documents', requireSignedIn, async (req, res) => {
    await renderPapers(res, await papersFor(db, req));
  });

  // Several scans of one youth at once, from the board. Who may hand in is decided before the upload starts,
  // as for one paper: a refused user's files are never written anywhere.
  router.get('/groups/:id/youths/:enrolmentId/scans', requireSignedIn, async (req, res) => {
    await renderScans(res, await papersFor(db, req, 'uploadYouthDocument'));
  });

  const beforeScans: RequestHandler = async (req, res, next) => {
    res.locals.papers = await papersFor(db, req, 'uploadYouthDocument');
    next();
  };

  /** A file too large, too many files, a cut body: nothing was kept, and the form says so. */
  const scansProblem: ErrorRequestHandler = async (err, req, res, next) => {
    const problem = (err as { uploadProblem?: string } | null)?.uploadProblem;
    if (!problem || !res.locals.papers) return next(err);
    const why = problem === 'tooLarge' ? 'tooLarge' : (err as { code?: string }).code === 'LIMIT_FILE_COUNT' ? 'tooMany' : 'malformed';
    try {
      await Promise.all(receivedFiles(req).map((f) => discard(f)));
      await renderScans(res, res.locals.papers as YouthPapers, problem === 'tooLarge' ? 413 : 400, null, { _form: `documents.scans.errors.${why}` });
    } catch (e) {
      next(e);
    }
  };

  // Answered by the board itself when every file was saved, with each file's result (a redirect would lose
  // them, as for the check at once; and the next youth is one tap away); by the form again (422) when one
  // was refused, with each file's result and the refused papers' input.
  const receiveScans = receiveFiles({ uploadDir: config.uploadDir, field: 'scans', maxBytes: config.limits.document, maxFiles: KINDS.length });
  router.post('/groups/:id/youths/:enrolmentId/scans', requireSignedIn, beforeScans, receiveScans, async (req: Request, res: Response) => {
    const p = res.locals.papers as YouthPapers;
    const files = receivedFiles(req);
    if (!files.length) return renderScans(res, p, 422, null, { _form: 'documents.scans.errors.noFiles' }, req.body);
    const done = await handInSeveral(db, config.uploadDir, p.user, p.target, await papersOfYouth(p), req.body, files);
    await ensureRequirements(db, p.group);
    if (done.results.some((r) => !r.saved)) return renderScans(res, p, 422, done.results, done.errors, req.body);
    if (!can(p.user, 'viewReadiness', p.group)) return redirectWithFlash(req, res, 'documents.handIn.done', paths.groupYouthDocuments(p.group.id, p.file.enrolment_id));
    await renderBoard(res, p.group, { scans: { name: `${p.file.first_name} ${p.file.last_name}`, enrolmentId: p.file.enrolment_id, results: done.results } });
  }, scansProblem);

  // Who may hand in is decided before the upload starts: a refused user's file is never written anywhere.
  const beforeUpload: RequestHandler = async (req, res, next) => {
    res.locals.papers = await requiredPaperFor(db, req, 'uploadYouthDocument');
    next();
  };

  /** A scan too large or a malformed upload: the page again, with the message next to the file field. */
  const uploadProblem: ErrorRequestHandler = async (err, req, res, next) => {
    const problem = (err as { uploadProblem?: string } | null)?.uploadProblem;
    const paper = res.locals.papers as RequiredPaper | undefined;
    if (!problem || !paper) return next(err);
    try {
      await discard(receivedFile(req));
      const message = problem === 'tooLarge' ? 'documents.errors.tooLarge' : 'documents.errors.malformed';
      await renderPapers(res, paper, problem === 'tooLarge' ? 413 : 400, { kind: paper.requirement.kind, errors: { scan: message }, values: {} });
    } catch (e) {
      next(e);
    }
  };

  const receiveScan = [requireSignedIn, beforeUpload, receiveOneFile({ uploadDir: config.uploadDir, field: 'scan', maxBytes: config.limits.document })];
  router.post('/groups/:id/youths/:enrolmentId/documents/:kind', ...receiveScan, async (req: Request, res: Response) => {
    const paper = res.locals.papers as RequiredPaper;
    const file = receivedFile(req);
    const posted = await submitForm(req, handInForm(paper.requirement), (f) =>
      handInDocument(db, config.uploadDir, paper.user, { ...paper.target, requirement: paper.requirement }, f, file), async (again) => {
      await discard(file);
      await renderPapers(res, paper, again.status, { kind: paper.requirement.kind, ...again });
    });
    if (!posted.ok) return;
    await ensureRequirements(db, paper.group);
    redirectWithFlash(req, res, handedIn(paper), paperPath(paper));
  }, uploadProblem);

  const handedIn = (paper: RequiredPaper) => (paper.user.id === paper.file.user_id ? 'documents.handIn.done' : 'documents.handIn.doneTheirs');

  // The same paper's scan, resumably (tus): the page's script sends it in pieces that survive a dropped
  // network, the form above stays for a phone without the script. Same question asked before any byte, the
  // paper's dates checked when the upload is created, and the complete file handed in as the form's is.
  const scanUpload = (req: Request, res: Response, paper: RequiredPaper): UploadPurpose => ({
    name: 'scan', user: paper.user, groupId: paper.group.id, target: `${paper.file.enrolment_id}/${paper.requirement.kind}`,
    maxBytes: config.limits.document,
    basePath: `${paths.groupYouthDocument(paper.group.id, paper.file.enrolment_id, paper.requirement.kind)}/tus`,
    explain: (refusal) => res.locals.t(refusal.messageKey, { mb: maxMb }),
    accept: (metadata) => void handInFromFields(paper.requirement, metadata),
    checkFirstBytes: refuseUnlessScan,
    finish: async (file, metadata) => {
      const input = handInFromFields(paper.requirement, metadata);
      await handInDocument(db, config.uploadDir, paper.user, { ...paper.target, requirement: paper.requirement }, input, file);
      await ensureRequirements(db, paper.group);
      flash(req, 'notice', handedIn(paper));
      return paperPath(paper);
    },
    finishedAs: async (uploadId) => {
      const kept = await scanKeptAs(db, paper.file.enrolment_id, paper.requirement.kind, paper.user.id, uploadId);
      return kept && { location: paperPath(paper), size: kept.size };
    },
  });

  resumable.mount(router, '/groups/:id/youths/:enrolmentId/documents/:kind/tus', requireSignedIn, async (req, res) =>
    scanUpload(req, res, await requiredPaperFor(db, req, 'uploadYouthDocument')));

  router.post('/groups/:id/youths/:enrolmentId/documents/:kind/status', requireSignedIn, async (req, res) => {
    const paper = await requiredPaperFor(db, req, 'checkYouthDocuments');
    const posted = await submitForm(req, CheckForm, (f) =>
      checkDocument(db, paper.user, { ...paper.target, requirement: paper.requirement, youth: paper.file, trip: paper.group }, f.decision, f.reason), (again) =>
      renderPapers(res, paper, again.status, { kind: `${paper.requirement.kind}-check`, ...again }));
    if (!posted.ok) return;
    const done = { checked: 'documents.check.doneChecked', invalid: 'documents.check.doneInvalid', rejected: 'documents.check.doneRejected' }[posted.data.decision];
    redirectWithFlash(req, res, done, paperPath(paper));
  });

  router.get('/groups/:id/youths/:enrolmentId/documents/:kind/scan', requireSignedIn, async (req, res) => {
    const papers = await papersFor(db, req);
    if (!isKind(req.params.kind)) throw notFound();
    const doc = await findDocument(db, papers.file.enrolment_id, req.params.kind);
    if (!doc?.scan_path || !doc.scan_mime) throw notFound();
    const absolute = storedFilePath(config.uploadDir, doc.scan_path);
    if (!(await stat(absolute).catch(() => null))?.isFile()) throw notFound();
    await logDownload(db, papers.user, papers.target, doc);
    const ext = SCAN_TYPES[doc.scan_mime] ?? 'bin';
    const name = `${res.locals.t(`documents.fileNames.${doc.kind}`)}-${papers.file.first_name}-${papers.file.last_name}.${ext}`;
    await sendStoredFile(res, absolute, { mime: doc.scan_mime, downloadName: name, attachment: true });
  });

  // ---------------------------------------------------------------------------------------------------
  // The audit log and the retention of scans

  router.get('/admin/audit', requireSignedIn, requireCan('viewAuditLog'), async (req, res) => {
    const int = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : undefined);
    const { structureId } = signedIn(req);
    const filter = { structureId, groupId: int(req.query.group), userId: int(req.query.user), page: int(req.query.page) ?? 1 };
    const [log, choices] = await Promise.all([listAudit(db, filter), auditFilterChoices(db, structureId)]);
    const page = Math.min(Math.max(1, filter.page), log.pages);
    const query = (p: number) =>
      '?' + new URLSearchParams({ ...(filter.groupId ? { group: String(filter.groupId) } : {}), ...(filter.userId ? { user: String(filter.userId) } : {}), page: String(p) }).toString();
    res.render('documents/audit', { title: res.locals.t('documents.audit.title'), log, choices, filter, page, query });
  });

  router.get('/admin/retention', requireSignedIn, requireCan('viewRetention'), async (req, res) => {
    const { structureId } = signedIn(req);
    const retentionDays = await structureRetentionDays(db, structureId, config.retentionDays);
    const overview = await retentionOverview(db, structureId, retentionDays);
    res.render('documents/retention', { title: res.locals.t('documents.retention.title'), overview, retentionDays, purgedKinds: PURGED_KINDS });
  });

  return router;
}
