import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import { listGroupYouths, loadYouthFile, type YouthFile } from '../participants/participant.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { detectType, discard, receivedFile, receiveOneFile, sendStoredFile, storedFilePath } from '../http/uploads.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { ConsentForm, consentHistory, CONSENT_LEVELS, groupConsents, recordConsent, USE_LEVELS, youthConsent, type ConsentShortfall } from './consent.js';
import { selfAssessmentBesideVideos } from '../assessments/beside-videos.js';
import { mediaProbe, type MediaProbe } from './media-probe.js';
import { formatDuration, formatSize, keepUploadedMedium, removeMediumFiles } from './medium-file.js';
import {
  beforeAfter, ConsentRefused, defaultMoment, deleteMediumRow, kindOfType, limitFor, listGroupMedia, loadMedium, MEDIA_KINDS, MediumForm,
  mediumFormValues, mediumRecord, mediumTags, MOMENTS, recordMedium, UnknownYouthError, updateMedium, UploadForm, type MediumItem,
} from './medium.js';

type Outcome = 'ok' | 'tooLarge' | 'malformed' | 'gone';

export function mediaRoutes(db: Db, config: Config, probe: MediaProbe = mediaProbe()): Router {
  const router = Router();
  const limits = config.limits;

  // The upload's own limit is the largest one (a video's): the kind, and so its real limit, is known only
  // once the first bytes have been read; a photo or PDF over its own limit is refused (413) after that.
  const receive = receiveOneFile({ uploadDir: config.uploadDir, field: 'file', maxBytes: limits.video });

  function receiveUpload(req: Request, res: Response): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      receive(req, res, (err?: unknown) => {
        if (!err) return resolve('ok');
        const problem = (err as { uploadProblem?: string }).uploadProblem;
        if (problem === 'tooLarge') return resolve('tooLarge');
        // Gone means the sender left mid-body. A body that arrived whole is destroyed too once read (Node's
        // autoDestroy), and a whole but malformed one (empty, cut multipart) still deserves an answer.
        if (req.destroyed && !req.complete) return resolve('gone');
        // A broken multipart body is the sender's mistake; a full disk (ENOSPC...) is ours.
        if (problem === 'malformed' || (err instanceof Error && !(err as NodeJS.ErrnoException).code)) return resolve('malformed');
        reject(err);
      });
    });
  }

  const groupFor = async (req: Request, action: 'viewMedia' | 'uploadMedia'): Promise<ScopedGroup> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, action, group));
    return group;
  };

  const sizes = (res: Response) => {
    const f = (n: number) => formatSize(res.locals.t, n, res.locals.lang);
    return { video: f(limits.video), photo: f(limits.photo), document: f(limits.document) };
  };
  const mediaUrl = (group: { id: number }) => `/groups/${group.id}/media`;
  const mediumUrl = (group: { id: number }, medium: { id: number }) => `${mediaUrl(group)}/${medium.id}`;
  const viewHelpers = (res: Response) => ({
    formatDuration,
    formatSize: (n: number) => formatSize(res.locals.t, n, res.locals.lang),
    moments: MOMENTS,
    kinds: MEDIA_KINDS,
  });

  // ---- the group's media ---------------------------------------------------------------------------

  router.get('/groups/:id/media', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    const seesConsents = can(req.user, 'recordConsent', { group, youthUserId: null });
    const [media, consents] = await Promise.all([listGroupMedia(db, group.id), seesConsents ? groupConsents(db, group.id) : null]);
    res.render('media/index', {
      title: res.locals.t('media.titleOf', { group: group.name }),
      group, media, consents, canUpload: can(req.user, 'uploadMedia', group), ...viewHelpers(res),
    });
  });

  // ---- adding --------------------------------------------------------------------------------------

  const renderNew = (res: Response, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('media/new', {
      title: res.locals.t('media.upload.title'), group, values, errors, limits, sizes: sizes(res), ...viewHelpers(res),
    });

  router.get('/groups/:id/media/new', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'uploadMedia');
    const asked = typeof req.query.moment === 'string' && (MOMENTS as readonly string[]).includes(req.query.moment) ? req.query.moment : null;
    renderNew(res, group, { moment: asked ?? defaultMoment(group.phase) }, {});
  });

  router.post('/groups/:id/media', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'uploadMedia');
    // Permission first, then the upload: nobody else gets to put a file on this server's disk.
    const outcome = await receiveUpload(req, res);
    if (outcome === 'gone') return void res.destroy();
    const file = receivedFile(req);
    let refusal: { status: number; errors: FormErrors } | undefined;
    let id: number | undefined;
    try {
      refusal = outcome === 'tooLarge' ? { status: 413, errors: { file: 'media.errors.tooLarge' } }
        : outcome === 'malformed' ? { status: 422, errors: { file: 'media.errors.malformed' } }
          : undefined;
      const form = parseForm(UploadForm, req.body);
      if (!refusal) {
        const errors: FormErrors = form.ok ? {} : { ...form.errors };
        const type = file ? await detectType(file) : undefined;
        const kind = type ? kindOfType(type.mime) : undefined;
        if (file && !kind) errors.file = 'media.errors.type';
        if (!file && form.ok && !form.data.body) errors.file = 'media.errors.nothing';
        if (file && kind && file.size > limitFor(kind, limits)) refusal = { status: 413, errors: { ...errors, file: 'media.errors.tooLarge' } };
        else if (!form.ok || Object.keys(errors).length) refusal = { status: 422, errors };
        else if (file && type && kind) id = await keepUploadedMedium(db, config.uploadDir, probe, req.user!, group.id, file, type, kind, form.data);
        else if (form.ok) id = await recordMedium(db, req.user!, { groupId: group.id, kind: 'report', input: form.data, file: null });
      }
    } finally {
      // Whatever was refused or failed, no temporary file stays behind (a kept file has moved already), and
      // that is done before answering.
      await discard(file);
    }
    if (refusal || id === undefined) return renderNew(res, group, keptInput(req.body), refusal?.errors ?? {}, refusal?.status ?? 422);
    flash(req, 'notice', file ? 'media.upload.done' : 'media.upload.doneReport');
    const location = mediumUrl(group, { id });
    // The page's script sends the form itself (for its progress bar) and goes to the new medium on its own.
    if (req.accepts(['html', 'json']) === 'json') return void res.status(201).location(location).json({ location });
    res.redirect(303, location);
  });

  // ---- one medium ----------------------------------------------------------------------------------

  interface Refusal {
    errors: FormErrors;
    values?: Record<string, string>;
    checked?: number[];
    shortfalls?: ConsentShortfall[];
    status?: number;
  }

  const renderShow = async (req: Request, res: Response, group: ScopedGroup, medium: MediumItem, refusal?: Refusal) => {
    const record = mediumRecord(group, medium);
    const canEdit = can(req.user, 'editMedium', record);
    const decidesUse = can(req.user, 'decideMediumUse', record);
    const tags = await mediumTags(db, medium);
    // Who may be named: the group's youths for the adults, herself for a youth; consents only for those who
    // decide how far media go.
    const youths = canEdit
      ? (await listGroupYouths(db, group.id, group.departure_date)).filter((y) => can(req.user, 'tagYouth', { medium: record, youthUserId: y.user_id }))
      : [];
    const consents = decidesUse ? await groupConsents(db, group.id) : [];
    res.status(refusal?.status ?? (refusal ? 422 : 200)).render('media/show', {
      title: medium.caption ?? res.locals.t(`media.kinds.${medium.kind}`),
      group, medium, tags, youths, consents, canEdit, decidesUse, useLevels: USE_LEVELS,
      values: refusal?.values ?? mediumFormValues(medium),
      checked: refusal?.checked ?? tags.map((t) => t.youth_id),
      errors: refusal?.errors ?? {},
      shortfalls: refusal?.shortfalls ?? [],
      ...viewHelpers(res),
    });
  };

  router.get('/groups/:id/media/:mediumId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    await renderShow(req, res, group, await loadMedium(db, group, req.params.mediumId));
  });

  router.post('/groups/:id/media/:mediumId', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    const medium = await loadMedium(db, group, req.params.mediumId);
    const record = mediumRecord(group, medium);
    assertCan(can(req.user, 'editMedium', record));
    // The use level is decided by the adults in charge; from anyone else it is ignored, not trusted.
    const body = { ...(req.body ?? {}) };
    if (!can(req.user, 'decideMediumUse', record)) delete body.useLevel;
    const form = parseForm(MediumForm, body);
    const values = keptInput(body);
    const checked = ([] as unknown[]).concat(body.youth ?? []).map(Number).filter(Number.isInteger);
    if (!form.ok) return renderShow(req, res, group, medium, { errors: form.errors, values, checked });
    let clearanceWithdrawn: boolean;
    try {
      ({ clearanceWithdrawn } = await updateMedium(db, { user: req.user!, record }, medium, form.data));
    } catch (err) {
      if (err instanceof ConsentRefused) {
        return renderShow(req, res, group, medium, {
          errors: { useLevel: 'media.errors.consent' }, values, checked, shortfalls: err.shortfalls,
        });
      }
      if (err instanceof UnknownYouthError) return renderShow(req, res, group, medium, { errors: { youth: 'media.errors.youth' }, values, checked });
      throw err;
    }
    flash(req, 'notice', clearanceWithdrawn ? 'media.show.clearanceWithdrawn' : 'media.show.saved');
    res.redirect(303, mediumUrl(group, medium));
  });

  router.post('/groups/:id/media/:mediumId/delete', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    const medium = await loadMedium(db, group, req.params.mediumId);
    assertCan(can(req.user, 'editMedium', mediumRecord(group, medium)));
    if (req.body?.confirm !== 'yes') return renderShow(req, res, group, medium, { errors: { confirm: 'media.errors.confirm' } });
    await deleteMediumRow(db, medium);
    await removeMediumFiles(config.uploadDir, medium);
    flash(req, 'notice', 'media.delete.done');
    res.redirect(303, mediaUrl(group));
  });

  // The files themselves: never a static folder, always through the group's permission. Ranges (206) let
  // a phone seek in a long video without downloading it whole.
  router.get('/groups/:id/media/:mediumId/file', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    const medium = await loadMedium(db, group, req.params.mediumId);
    if (!medium.stored_path || !medium.mime) throw notFound();
    const ext = path.extname(medium.stored_path);
    await sendStoredFile(res, storedFilePath(config.uploadDir, medium.stored_path), {
      mime: medium.mime,
      downloadName: medium.original_name ?? `tremplin-${medium.id}${ext}`,
      attachment: req.query.download === '1',
    });
  });

  router.get('/groups/:id/media/:mediumId/thumbnail', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    const medium = await loadMedium(db, group, req.params.mediumId);
    // Without ffmpeg there is no thumbnail: a photo is then its own.
    const relative = medium.thumbnail_path ?? (medium.kind === 'photo' ? medium.stored_path : null);
    if (!relative) throw notFound();
    await sendStoredFile(res, storedFilePath(config.uploadDir, relative), {
      mime: medium.thumbnail_path ? 'image/jpeg' : medium.mime ?? 'application/octet-stream',
      downloadName: `tremplin-${medium.id}-thumbnail${path.extname(relative)}`,
    });
  });

  // ---- image rights --------------------------------------------------------------------------------

  const youthFor = async (req: Request): Promise<{ group: ScopedGroup; file: YouthFile }> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    const file = await loadYouthFile(db, group, req.params.enrolmentId);
    assertCan(can(req.user, 'recordConsent', { group, youthUserId: file.user_id }));
    return { group, file };
  };

  const renderConsent = async (res: Response, group: ScopedGroup, file: YouthFile, values: Record<string, string>, errors: FormErrors, status = 200) => {
    const [current, history] = await Promise.all([youthConsent(db, group.id, file.enrolment_id), consentHistory(db, file.enrolment_id)]);
    res.status(status).render('media/consent', {
      title: res.locals.t('media.consent.titleOf', { name: `${file.first_name} ${file.last_name}` }),
      group, file, current, history, values, errors, levels: CONSENT_LEVELS,
    });
  };

  router.get('/groups/:id/youths/:enrolmentId/consent', requireSignedIn, async (req, res) => {
    const { group, file } = await youthFor(req);
    const current = await youthConsent(db, group.id, file.enrolment_id);
    await renderConsent(res, group, file, current?.consent ? { level: current.consent.level, parental: current.consent.parental ? 'yes' : '' } : {}, {});
  });

  router.post('/groups/:id/youths/:enrolmentId/consent', requireSignedIn, async (req, res) => {
    const { group, file } = await youthFor(req);
    const form = parseForm(ConsentForm, req.body);
    if (!form.ok) return renderConsent(res, group, file, keptInput(req.body), form.errors, 422);
    const { narrowedMedia } = await recordConsent(db, req.user!, file, form.data);
    flash(req, 'notice', 'media.consent.saved', { name: `${file.first_name} ${file.last_name}` });
    if (narrowedMedia) flash(req, 'notice', 'media.consent.narrowed', { count: String(narrowedMedia) });
    res.redirect(303, `${mediaUrl(group)}#consents`);
  });

  // ---- before and after ----------------------------------------------------------------------------

  const renderBeforeAfter = async (res: Response, group: ScopedGroup, youth: YouthFile | null) => {
    const [pair, youths] = await Promise.all([beforeAfter(db, group.id, youth?.youth_id), listGroupYouths(db, group.id)]);
    const name = youth ? `${youth.first_name} ${youth.last_name}` : group.name;
    res.render('media/before-after', {
      title: res.locals.t('media.beforeAfter.titleOf', { name }),
      group, pair, youth: youth ? { enrolment_id: youth.enrolment_id, name } : null,
      youths: youths.map((y) => ({ enrolment_id: y.enrolment_id, name: `${y.first_name} ${y.last_name}` })),
      canUpload: can(res.req.user, 'uploadMedia', group),
      selfAssessment: await selfAssessmentBesideVideos(db, res.req.user!, res.locals.lang, group, youth?.enrolment_id),
      ...viewHelpers(res),
    });
  };

  router.get('/groups/:id/before-after', requireSignedIn, async (req, res) => {
    await renderBeforeAfter(res, await groupFor(req, 'viewMedia'), null);
  });

  router.get('/groups/:id/youths/:enrolmentId/before-after', requireSignedIn, async (req, res) => {
    const group = await groupFor(req, 'viewMedia');
    await renderBeforeAfter(res, group, await loadYouthFile(db, group, req.params.enrolmentId));
  });

  return router;
}
