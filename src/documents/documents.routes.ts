import { stat } from 'node:fs/promises';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { assertCan, requireCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { discard, receiveOneFile, receivedFile, sendStoredFile, storedFilePath } from '../http/uploads.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import { isMinorAt, loadYouthFile, type YouthFile } from '../participants/participant.js';
import { auditFilterChoices, listAudit } from './audit-log.js';
import { countNotLeaving, readinessOfGroup } from './readiness.js';
import {
  ensureRequirements, isKind, requirementsFormValues, requirementsFromForm, requirementsOf, resetRequirements, saveRequirements,
  RequirementsForm, HEALTH_DETAILS, type Requirement,
} from './requirements.js';
import { retentionOverview, PURGED_KINDS } from './retention.js';
import {
  CheckForm, DocumentRefused, checkDocument, deadlineOf, documentsOfEnrolments, evaluate, findDocument, handInDocument, handInForm, logDownload,
  youthRecord, SCAN_TYPES, type DocumentTarget, type Evaluation,
} from './youth-document.js';

/** A youth's papers as a page needs them: the group and file through the user's scope, and whose they are. */
interface YouthPapers {
  group: ScopedGroup;
  file: YouthFile;
  target: Omit<DocumentTarget, 'requirement'>;
}

const papersPath = (groupId: number, enrolmentId: number) => `/groups/${groupId}/youths/${enrolmentId}/documents`;

function redirectWithFlash(req: Request, res: Response, message: string, url: string): void {
  flash(req, 'notice', message);
  res.redirect(303, url);
}

export function documentsRoutes(db: Db, config: Config): Router {
  const router = Router();

  /**
   * The youth named in the URL, in a group the user sees. Someone who may not read this youth's papers —
   * another youth of the group — finds nothing there (404), as if the youth did not exist.
   */
  async function loadYouthPapers(req: Request): Promise<YouthPapers> {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    const record = youthRecord(group, file);
    if (!can(req.user, 'viewYouthDocuments', record)) throw notFound();
    return { group, file, target: { record, groupId: group.id, enrolmentId: file.enrolment_id } };
  }

  /** The requirement named by `:kind`, as the group asks it of this youth; any other kind names nothing. */
  async function loadRequirement(group: ScopedGroup, kind: unknown): Promise<Requirement> {
    if (!isKind(kind)) throw notFound();
    const requirement = (await requirementsOf(db, [group])).get(group.id)!.find((r) => r.kind === kind);
    if (!requirement?.enabled) throw notFound();
    return requirement;
  }

  async function renderPapers(
    res: Response,
    p: YouthPapers,
    status = 200,
    form: { kind?: string; errors?: FormErrors; values?: Record<string, string> } = {},
  ) {
    const [rules, docs] = await Promise.all([requirementsOf(db, [p.group]), documentsOfEnrolments(db, [p.file.enrolment_id])]);
    const papers: Evaluation[] = rules
      .get(p.group.id)!
      .filter((r) => r.enabled)
      .map((r) => evaluate(r, p.file, p.group, docs.find((d) => d.kind === r.kind)))
      .filter((e) => e.applies);
    res.status(status).render('documents/youth', {
      title: (res.locals.user as Express.User | null)?.id === p.file.user_id
        ? res.locals.t('documents.youth.mine')
        : res.locals.t('documents.youth.title', { name: `${p.file.first_name} ${p.file.last_name}` }),
      group: p.group, file: p.file, papers, record: p.target.record, base: papersPath(p.group.id, p.file.enrolment_id),
      form: { kind: form.kind ?? null, errors: form.errors ?? {}, values: form.values ?? {} },
      minorAtDeparture: isMinorAt(p.file.birth_date, p.group.departure_date),
      maxMb: Math.floor(config.limits.document / (1024 * 1024)),
    });
  }

  // ---------------------------------------------------------------------------------------------------
  // The group's board and rules

  router.get('/groups/:id/documents', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'viewReadiness', group));
    const [board, notLeaving] = await Promise.all([readinessOfGroup(db, group), countNotLeaving(db, group.id)]);
    res.render('documents/board', {
      title: res.locals.t('documents.board.title'), group, board, notLeaving, readyCount: board.youths.filter((y) => y.ready).length,
    });
  });

  const renderRequirements = async (res: Response, group: ScopedGroup, status: number, values: Record<string, string>, errors: FormErrors) => {
    const requirements = await ensureRequirements(db, group);
    res.status(status).render('documents/requirements', {
      title: res.locals.t('documents.requirements.title'), group, requirements, values, errors, healthDetails: HEALTH_DETAILS,
      deadlines: Object.fromEntries(requirements.map((r) => [r.kind, deadlineOf(r, group)])),
    });
  };

  router.get('/groups/:id/documents/requirements', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'manageRequirements', group));
    await renderRequirements(res, group, 200, requirementsFormValues(await ensureRequirements(db, group)), {});
  });

  router.post('/groups/:id/documents/requirements', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'manageRequirements', group));
    if (req.body?.reset === 'yes') {
      await resetRequirements(db, req.user!, group);
      return redirectWithFlash(req, res, 'documents.requirements.resetDone', `/groups/${group.id}/documents/requirements`);
    }
    const form = parseForm(RequirementsForm, req.body);
    if (!form.ok) return renderRequirements(res, group, 422, keptInput(req.body), form.errors);
    await saveRequirements(db, req.user!, group, requirementsFromForm(form.data as Record<string, unknown>));
    redirectWithFlash(req, res, 'documents.requirements.saved', `/groups/${group.id}/documents`);
  });

  // ---------------------------------------------------------------------------------------------------
  // A youth's papers

  router.get('/groups/:id/youths/:enrolmentId/documents', requireSignedIn, async (req, res) => {
    await renderPapers(res, await loadYouthPapers(req));
  });

  // Who may hand in is decided before the upload starts: a refused user's file is never written anywhere.
  const beforeUpload: RequestHandler = async (req, res, next) => {
    const papers = await loadYouthPapers(req);
    assertCan(can(req.user, 'uploadYouthDocument', papers.target.record));
    const requirement = await loadRequirement(papers.group, req.params.kind);
    res.locals.papers = { ...papers, requirement };
    next();
  };

  /** A scan too large or a malformed upload: the page again, with the message next to the file field. */
  const uploadProblem: ErrorRequestHandler = async (err, req, res, next) => {
    const problem = (err as { uploadProblem?: string } | null)?.uploadProblem;
    const papers = res.locals.papers as (YouthPapers & { requirement: Requirement }) | undefined;
    if (!problem || !papers) return next(err);
    try {
      await discard(receivedFile(req));
      const message = problem === 'tooLarge' ? 'documents.errors.tooLarge' : 'documents.errors.malformed';
      await renderPapers(res, papers, problem === 'tooLarge' ? 413 : 400, { kind: papers.requirement.kind, errors: { scan: message }, values: {} });
    } catch (e) {
      next(e);
    }
  };

  router.post(
    '/groups/:id/youths/:enrolmentId/documents/:kind',
    requireSignedIn,
    beforeUpload,
    receiveOneFile({ uploadDir: config.uploadDir, field: 'scan', maxBytes: config.limits.document }),
    async (req: Request, res: Response) => {
      const papers = res.locals.papers as YouthPapers & { requirement: Requirement };
      const { requirement } = papers;
      const file = receivedFile(req);
      const again = (errors: FormErrors) => renderPapers(res, papers, 422, { kind: requirement.kind, errors, values: keptInput(req.body) });
      try {
        const form = parseForm(handInForm(requirement), req.body);
        if (!form.ok) {
          await discard(file);
          return await again(form.errors);
        }
        await handInDocument(db, config.uploadDir, req.user!, { ...papers.target, requirement }, form.data, file);
      } catch (err) {
        // Whatever went wrong, the temporary file goes (a kept file has already left the temporary folder).
        await discard(file);
        if (err instanceof DocumentRefused) return again({ [err.field]: err.messageKey });
        throw err;
      }
      await ensureRequirements(db, papers.group);
      redirectWithFlash(req, res, 'documents.handIn.done', `${papersPath(papers.group.id, papers.file.enrolment_id)}#paper-${requirement.kind}`);
    },
    uploadProblem,
  );

  router.post('/groups/:id/youths/:enrolmentId/documents/:kind/status', requireSignedIn, async (req, res) => {
    const papers = await loadYouthPapers(req);
    assertCan(can(req.user, 'checkYouthDocuments', papers.target.record));
    const requirement = await loadRequirement(papers.group, req.params.kind);
    const again = (errors: FormErrors) => renderPapers(res, papers, 422, { kind: `${requirement.kind}-check`, errors, values: keptInput(req.body) });
    const form = parseForm(CheckForm, req.body);
    if (!form.ok) return again(form.errors);
    try {
      await checkDocument(db, req.user!, { ...papers.target, requirement }, form.data.decision, form.data.reason);
    } catch (err) {
      if (err instanceof DocumentRefused) return again({ [err.field]: err.messageKey });
      throw err;
    }
    const done = form.data.decision === 'checked' ? 'documents.check.doneChecked' : 'documents.check.doneRejected';
    redirectWithFlash(req, res, done, `${papersPath(papers.group.id, papers.file.enrolment_id)}#paper-${requirement.kind}`);
  });

  router.get('/groups/:id/youths/:enrolmentId/documents/:kind/scan', requireSignedIn, async (req, res) => {
    const papers = await loadYouthPapers(req);
    if (!isKind(req.params.kind)) throw notFound();
    const doc = await findDocument(db, papers.file.enrolment_id, req.params.kind);
    if (!doc?.scan_path || !doc.scan_mime) throw notFound();
    const absolute = storedFilePath(config.uploadDir, doc.scan_path);
    if (!(await stat(absolute).catch(() => null))?.isFile()) throw notFound();
    await logDownload(db, req.user!, papers.target, doc);
    const ext = SCAN_TYPES[doc.scan_mime] ?? 'bin';
    const name = `${res.locals.t(`documents.fileNames.${doc.kind}`)}-${papers.file.first_name}-${papers.file.last_name}.${ext}`;
    await sendStoredFile(res, absolute, { mime: doc.scan_mime, downloadName: name, attachment: true });
  });

  // ---------------------------------------------------------------------------------------------------
  // The audit log and the retention of scans

  router.get('/admin/audit', requireSignedIn, requireCan('viewAuditLog'), async (req, res) => {
    const int = (v: unknown) => (typeof v === 'string' && /^\d{1,9}$/.test(v) ? Number(v) : undefined);
    const filter = { groupId: int(req.query.group), userId: int(req.query.user), page: int(req.query.page) ?? 1 };
    const [log, choices] = await Promise.all([listAudit(db, filter), auditFilterChoices(db)]);
    const page = Math.min(Math.max(1, filter.page), log.pages);
    const query = (p: number) =>
      '?' + new URLSearchParams({ ...(filter.groupId ? { group: String(filter.groupId) } : {}), ...(filter.userId ? { user: String(filter.userId) } : {}), page: String(p) }).toString();
    res.render('documents/audit', { title: res.locals.t('documents.audit.title'), log, choices, filter, page, query });
  });

  router.get('/admin/retention', requireSignedIn, requireCan('viewRetention'), async (_req, res) => {
    const overview = await retentionOverview(db, config.retentionDays);
    res.render('documents/retention', { title: res.locals.t('documents.retention.title'), overview, retentionDays: config.retentionDays, purgedKinds: PURGED_KINDS });
  });

  return router;
}
