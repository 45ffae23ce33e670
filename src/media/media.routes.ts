import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { listGroupYouths, loadYouthFile, type YouthFile } from '../participants/participant.js';
import { youthFileFor } from '../participants/scope.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { parseFields, submitForm, type FormAgain } from '../http/forms.js';
import { Refusal } from '../http/refusal.js';
import { discard, receivedFile, receiveOneFile, sendStoredFile, storedFilePath } from '../http/uploads.js';
import { ResumableUploads, type UploadPurpose } from '../http/resumable-uploads.js';
import { keptInput, type FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import { ConsentForm, consentHistory, CONSENT_LEVELS, groupConsents, recordConsent, USE_LEVELS, youthConsent, type ConsentShortfall } from './consent.js';
import { selfAssessmentBesideVideos } from '../assessments/beside-videos.js';
import { mediaProbe, type MediaProbe } from './media-probe.js';
import { addMedium, deleteMedium, dropRefusedUpload, formatDuration, formatSize, mediumKeptAs, refuseUnlessMedium } from './medium-file.js';
import {
  beforeAfter, defaultMoment, DeleteMediumForm, listGroupMedia, MEDIA_KINDS, mediumFormFor, mediumFormValues, mediumTags, MOMENTS,
  updateMedium, UploadForm,
} from './medium.js';
import { mediumFor, type MediumInGroup } from './scope.js';

/** How the body of an upload arrived: whole, cut by the sender who left, or refused on the way (its file gone). */
type Received = 'ok' | 'gone' | Refusal;

export function mediaRoutes(db: Db, config: Config, resumable: ResumableUploads, probe: MediaProbe = mediaProbe()): Router {
  const router = Router();
  const limits = config.limits;
  const store = { uploadDir: config.uploadDir, probe, limits };

  // The upload's own limit is the largest one (a video's): the kind, and so its real limit, is known only
  // once the first bytes have been read; a photo or PDF over its own limit is refused (413) after that.
  const receive = receiveOneFile({ uploadDir: config.uploadDir, field: 'file', maxBytes: limits.video });

  function receiveUpload(req: Request, res: Response): Promise<Received> {
    return new Promise((resolve, reject) => {
      const refuse = (refusal: Refusal) => void discard(receivedFile(req)).then(() => resolve(refusal), reject);
      receive(req, res, (err?: unknown) => {
        if (!err) return resolve('ok');
        const problem = (err as { uploadProblem?: string }).uploadProblem;
        if (problem === 'tooLarge') return refuse(new Refusal('file', 'media.errors.tooLarge', 413));
        // Gone means the sender left mid-body. A body that arrived whole is destroyed too once read (Node's
        // autoDestroy), and a whole but malformed one (empty, cut multipart) still deserves an answer.
        if (req.destroyed && !req.complete) return resolve('gone');
        // A broken multipart body is the sender's mistake; a full disk (ENOSPC...) is ours.
        if (problem === 'malformed' || (err instanceof Error && !(err as NodeJS.ErrnoException).code)) return refuse(new Refusal('file', 'media.errors.malformed'));
        reject(err);
      });
    });
  }

  const sizes = (res: Response) => {
    const f = (n: number) => formatSize(res.locals.t, n, res.locals.lang);
    return { video: f(limits.video), photo: f(limits.photo), document: f(limits.document) };
  };
  const viewHelpers = (res: Response) => ({
    formatDuration,
    formatSize: (n: number) => formatSize(res.locals.t, n, res.locals.lang),
    moments: MOMENTS,
    kinds: MEDIA_KINDS,
  });

  // ---- the group's media ---------------------------------------------------------------------------

  router.get('/groups/:id/media', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewMedia');
    const seesConsents = can(user, 'recordConsent', { group, youthUserId: null });
    const [media, consents] = await Promise.all([listGroupMedia(db, group.id), seesConsents ? groupConsents(db, group.id) : null]);
    res.render('media/index', {
      title: res.locals.t('media.titleOf', { group: group.name }),
      group, media, consents, canUpload: can(user, 'uploadMedia', group), ...viewHelpers(res),
    });
  });

  // ---- adding --------------------------------------------------------------------------------------

  const renderNew = (res: Response, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('media/new', {
      title: res.locals.t('media.upload.title'), group, values, errors, limits, sizes: sizes(res), ...viewHelpers(res),
    });

  // A refused upload (its file already gone): the form's messages, and the file's beside them.
  const renderNewAgain = (res: Response, group: ScopedGroup, page: FormAgain, fileRefused?: Refusal) =>
    renderNew(res, group, page.values, fileRefused ? { ...page.errors, file: fileRefused.messageKey } : page.errors, fileRefused?.status ?? page.status);

  router.get('/groups/:id/media/new', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'uploadMedia');
    const asked = typeof req.query.moment === 'string' && (MOMENTS as readonly string[]).includes(req.query.moment) ? req.query.moment : null;
    renderNew(res, group, { moment: asked ?? defaultMoment(group.phase) }, {});
  });

  router.post('/groups/:id/media', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'uploadMedia');
    // Permission first, then the upload: nobody else gets to put a file on this server's disk.
    const received = await receiveUpload(req, res);
    if (received === 'gone') return void res.destroy();
    const file = receivedFile(req);
    if (received !== 'ok') return renderNew(res, group, keptInput(req.body), { file: received.messageKey }, received.status);
    // An invalid form still says what is wrong with the file sent with it.
    const posted = await submitForm(req, UploadForm, (input) => addMedium(db, store, user, group.id, input, file), async (again) =>
      renderNewAgain(res, group, again, again.refusal ? undefined : await dropRefusedUpload(file, limits)));
    if (!posted.ok) return;
    flash(req, 'notice', file ? 'media.upload.done' : 'media.upload.doneReport');
    answerCreated(req, res, paths.groupMedium(group.id, posted.result));
  });

  // ---- adding, resumably (tus): the page's script sends the file in pieces that survive a dropped network;
  // the form above stays for a phone without the script. Same question asked, same final step, same flash.

  /** The form's fields, sent as the upload's metadata: checked when it is created, and again at its end. */
  const uploadInput = (metadata: Record<string, string>) =>
    parseFields(UploadForm, { moment: metadata.moment, caption: metadata.caption ?? '', body: metadata.body ?? '' });

  const mediaUpload = (req: Request, res: Response, user: Express.User, group: ScopedGroup): UploadPurpose => ({
    name: 'media', user, groupId: group.id, maxBytes: limits.video, basePath: `${paths.groupMedia(group.id)}/tus`,
    explain: (refusal) => res.locals.t(refusal.messageKey, sizes(res)),
    accept: (metadata) => void uploadInput(metadata),
    checkFirstBytes: refuseUnlessMedium,
    finish: async (file, metadata) => {
      const mediumId = await addMedium(db, store, user, group.id, uploadInput(metadata), file);
      flash(req, 'notice', 'media.upload.done');
      return paths.groupMedium(group.id, mediumId);
    },
    finishedAs: async (uploadId) => {
      const kept = await mediumKeptAs(db, group.id, user.id, uploadId);
      return kept && { location: paths.groupMedium(group.id, kept.id), size: kept.size };
    },
  });

  // Created, then carried on (where it stands, its next bytes, given up) by its author only: 404 for anyone else.
  resumable.mount(router, '/groups/:id/media/tus', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'uploadMedia');
    return mediaUpload(req, res, user, group);
  });

  // The page's script sends the form itself (for its progress bar) and goes to the new medium on its own.
  function answerCreated(req: Request, res: Response, location: string): void {
    if (req.accepts(['html', 'json']) === 'json') return void res.status(201).location(location).json({ location });
    res.redirect(303, location);
  }

  // ---- one medium ----------------------------------------------------------------------------------

  interface ShownAgain {
    status: number;
    errors: FormErrors;
    values?: Record<string, string>;
    checked?: number[];
    shortfalls?: ConsentShortfall[];
  }

  const renderShow = async (req: Request, res: Response, { user, group, medium, record }: MediumInGroup, again?: ShownAgain) => {
    const canEdit = can(user, 'editMedium', record);
    const decidesUse = can(user, 'decideMediumUse', record);
    const tags = await mediumTags(db, medium);
    // Who may be named: the group's youths for the adults, herself for a youth; consents only for those who
    // decide how far media go.
    const youths = canEdit
      ? (await listGroupYouths(db, group.id, group.departure_date)).filter((y) => can(user, 'tagYouth', { medium: record, youthUserId: y.user_id }))
      : [];
    const consents = decidesUse ? await groupConsents(db, group.id) : [];
    res.status(again?.status ?? 200).render('media/show', {
      title: medium.caption ?? res.locals.t(`media.kinds.${medium.kind}`),
      group, medium, tags, youths, consents, canEdit, decidesUse, useLevels: USE_LEVELS,
      values: again?.values ?? mediumFormValues(medium),
      checked: again?.checked ?? tags.map((t) => t.youth_id),
      errors: again?.errors ?? {},
      shortfalls: again?.shortfalls ?? [],
      ...viewHelpers(res),
    });
  };

  /** The youths ticked on a posted medium form, to tick them again. */
  const tickedYouths = (body: { youth?: unknown } | undefined): number[] => ([] as unknown[]).concat(body?.youth ?? []).map(Number).filter(Number.isInteger);

  router.get('/groups/:id/media/:mediumId', requireSignedIn, async (req, res) => {
    await renderShow(req, res, await mediumFor(db, req));
  });

  router.post('/groups/:id/media/:mediumId', requireSignedIn, async (req, res) => {
    const found = await mediumFor(db, req, 'editMedium');
    const posted = await submitForm(req, mediumFormFor(found), (input) => updateMedium(db, found, found.medium, input), (again) =>
      renderShow(req, res, found, { ...again, checked: tickedYouths(req.body), shortfalls: again.refusal?.detail as ConsentShortfall[] | undefined }));
    if (!posted.ok) return;
    flash(req, 'notice', posted.result.clearanceWithdrawn ? 'media.show.clearanceWithdrawn' : 'media.show.saved');
    res.redirect(303, paths.groupMedium(found.group.id, found.medium.id));
  });

  router.post('/groups/:id/media/:mediumId/delete', requireSignedIn, async (req, res) => {
    const found = await mediumFor(db, req, 'editMedium');
    const posted = await submitForm(req, DeleteMediumForm, () => deleteMedium(db, config.uploadDir, found.medium), (again) =>
      renderShow(req, res, found, { status: again.status, errors: again.errors }));
    if (!posted.ok) return;
    flash(req, 'notice', 'media.delete.done');
    res.redirect(303, paths.groupMedia(found.group.id));
  });

  // The files themselves: never a static folder, always through the group's permission. Ranges (206) let
  // a phone seek in a long video without downloading it whole.
  router.get('/groups/:id/media/:mediumId/file', requireSignedIn, async (req, res) => {
    const { medium } = await mediumFor(db, req);
    if (!medium.stored_path || !medium.mime) throw notFound();
    const ext = path.extname(medium.stored_path);
    await sendStoredFile(res, storedFilePath(config.uploadDir, medium.stored_path), {
      mime: medium.mime,
      downloadName: medium.original_name ?? `tremplin-${medium.id}${ext}`,
      attachment: req.query.download === '1',
    });
  });

  router.get('/groups/:id/media/:mediumId/thumbnail', requireSignedIn, async (req, res) => {
    const { medium } = await mediumFor(db, req);
    // Without ffmpeg there is no thumbnail: a photo is then its own.
    const relative = medium.thumbnail_path ?? (medium.kind === 'photo' ? medium.stored_path : null);
    if (!relative) throw notFound();
    await sendStoredFile(res, storedFilePath(config.uploadDir, relative), {
      mime: medium.thumbnail_path ? 'image/jpeg' : medium.mime ?? 'application/octet-stream',
      downloadName: `tremplin-${medium.id}-thumbnail${path.extname(relative)}`,
    });
  });

  // ---- image rights --------------------------------------------------------------------------------

  const renderConsent = async (res: Response, group: ScopedGroup, file: YouthFile, values: Record<string, string>, errors: FormErrors, status = 200) => {
    const [current, history] = await Promise.all([youthConsent(db, group.id, file.enrolment_id), consentHistory(db, file.enrolment_id)]);
    res.status(status).render('media/consent', {
      title: res.locals.t('media.consent.titleOf', { name: `${file.first_name} ${file.last_name}` }),
      group, file, current, history, values, errors, levels: CONSENT_LEVELS,
    });
  };

  router.get('/groups/:id/youths/:enrolmentId/consent', requireSignedIn, async (req, res) => {
    const { group, file } = await youthFileFor(db, req, 'recordConsent');
    const current = await youthConsent(db, group.id, file.enrolment_id);
    await renderConsent(res, group, file, current?.consent ? { level: current.consent.level, parental: current.consent.parental ? 'yes' : '' } : {}, {});
  });

  router.post('/groups/:id/youths/:enrolmentId/consent', requireSignedIn, async (req, res) => {
    const { user, group, file } = await youthFileFor(db, req, 'recordConsent');
    const posted = await submitForm(req, ConsentForm, (input) => recordConsent(db, user, file, input), (again) =>
      renderConsent(res, group, file, again.values, again.errors, again.status));
    if (!posted.ok) return;
    flash(req, 'notice', 'media.consent.saved', { name: `${file.first_name} ${file.last_name}` });
    if (posted.result.narrowedMedia) flash(req, 'notice', 'media.consent.narrowed', { count: String(posted.result.narrowedMedia) });
    res.redirect(303, `${paths.groupMedia(group.id)}#consents`);
  });

  // ---- before and after ----------------------------------------------------------------------------

  const renderBeforeAfter = async (res: Response, user: Express.User, group: ScopedGroup, youth: YouthFile | null) => {
    const [pair, youths] = await Promise.all([beforeAfter(db, group.id, youth?.youth_id), listGroupYouths(db, group.id)]);
    const name = youth ? `${youth.first_name} ${youth.last_name}` : group.name;
    res.render('media/before-after', {
      title: res.locals.t('media.beforeAfter.titleOf', { name }),
      group, pair, youth: youth ? { enrolment_id: youth.enrolment_id, name } : null,
      youths: youths.map((y) => ({ enrolment_id: y.enrolment_id, name: `${y.first_name} ${y.last_name}`, withdrawn: y.status === 'withdrawn' })),
      canUpload: can(user, 'uploadMedia', group),
      selfAssessment: await selfAssessmentBesideVideos(db, user, res.locals.lang, group, youth?.enrolment_id),
      ...viewHelpers(res),
    });
  };

  router.get('/groups/:id/before-after', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewMedia');
    await renderBeforeAfter(res, user, group, null);
  });

  router.get('/groups/:id/youths/:enrolmentId/before-after', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'viewMedia');
    await renderBeforeAfter(res, user, group, await loadYouthFile(db, group, req.params.enrolmentId));
  });

  return router;
}
