import { Router, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { recordAudit } from '../documents/audit-log.js';
import { groupFor } from '../groups/scope.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { isLanguage } from '../http/i18n.js';
import { notFound } from '../http/errors.js';
import { paths } from '../http/paths.js';
import { keptList } from '../http/validation.js';
import { listGroupYouths } from '../participants/participant.js';
import { journeyPath } from '../journey/journey.js';
import {
  approveCertificate, ApproveForm, certificateStatus, certificateStatuses, certificateValues, CertificateForm, choosableCompetences,
  GENERAL_TEXT_MAX, isCertificateOpen, saveCertificate, WORDS_MAX,
} from './certificate.js';
import { certificateContents } from './contents.js';
import { renderCertificatePdf } from './certificate-pdf.js';
import { certificateFor, type CertificateInGroup } from './scope.js';
import { keyCompetenceLabel } from './key-competences.js';

export function certificatesRoutes(db: Db): Router {
  const router = Router();

  // ---- the leads' and director's list: whose certificate waits for a confirmation ----

  router.get('/groups/:id/certificates', requireSignedIn, async (req, res) => {
    const { group } = await groupFor(db, req, 'viewCertificates');
    const [youths, statuses] = await Promise.all([listGroupYouths(db, group.id), certificateStatuses(db, group.id)]);
    res.render('certificates/index', {
      title: res.locals.t('certificates.list.titleOf', { group: group.name }),
      group, youths, statuses, open: isCertificateOpen(group.phase),
    });
  });

  // ---- one youth's certificate: the youth writes and previews, a lead confirms, all three download ----

  const renderPage = async (res: Response, status: number, c: CertificateInGroup, form?: { values: Record<string, string>; chosen: number[]; errors: FormAgain['errors'] }) => {
    const { user, group, file, record, certificate } = c;
    const canWrite = can(user, 'writeCertificate', record);
    const saved = certificateValues(certificate);
    res.status(status).render('certificates/show', {
      title: res.locals.t(canWrite ? 'certificates.page.titleOwn' : 'certificates.page.titleOf', { name: `${file.first_name} ${file.last_name}` }),
      group, file, certificate,
      state: certificateStatus(certificate),
      open: isCertificateOpen(group.phase) && file.status === 'enrolled',
      canWrite, canApprove: can(user, 'approveCertificate', record),
      choosable: canWrite ? await choosableCompetences(db, file.enrolment_id) : [],
      contents: certificate ? await certificateContents(db, group, file, certificate) : null,
      values: form?.values ?? saved.values,
      chosen: form?.chosen ?? saved.chosen,
      errors: form?.errors ?? {},
      backUrl: canWrite ? await journeyPath(db, user, group.id) : paths.groupCertificates(group.id),
      keyCompetenceLabel, wordsMax: WORDS_MAX, generalTextMax: GENERAL_TEXT_MAX,
    });
  };

  router.get('/groups/:id/youths/:enrolmentId/certificate', requireSignedIn, async (req, res) => {
    await renderPage(res, 200, await certificateFor(db, req, 'viewCertificate'));
  });

  router.post('/groups/:id/youths/:enrolmentId/certificate', requireSignedIn, async (req, res) => {
    const c = await certificateFor(db, req, 'writeCertificate');
    const posted = await submitForm(req, CertificateForm, (input) => saveCertificate(db, c.user, c.owner, input), ({ status, values, errors }) =>
      renderPage(res, status, c, { values, chosen: keptList(req.body, 'competence').map(Number), errors }));
    if (!posted.ok) return;
    flash(req, 'notice', posted.result.changed ? 'certificates.page.saved' : 'certificates.page.unchanged');
    res.redirect(303, `${paths.groupYouthCertificate(c.group.id, c.file.enrolment_id)}#preview`);
  });

  router.post('/groups/:id/youths/:enrolmentId/certificate/approve', requireSignedIn, async (req, res) => {
    const c = await certificateFor(db, req, 'approveCertificate');
    const posted = await submitForm(req, ApproveForm, (version) => approveCertificate(db, c.user, c.file.enrolment_id, version), ({ status, errors }) =>
      renderPage(res, status, c, { ...certificateValues(c.certificate), errors }));
    if (!posted.ok) return;
    flash(req, 'notice', 'certificates.page.approvedNotice');
    res.redirect(303, paths.groupYouthCertificate(c.group.id, c.file.enrolment_id));
  });

  // Only a confirmed certificate exists on paper: before, the page says it waits for the worker.
  router.get('/groups/:id/youths/:enrolmentId/certificate.pdf', requireSignedIn, async (req, res) => {
    const c = await certificateFor(db, req, 'viewCertificate');
    if (!c.certificate || certificateStatus(c.certificate) !== 'approved') throw notFound();
    const lang = isLanguage(req.query.lang) ? req.query.lang : req.lang;
    const pdf = await renderCertificatePdf(await certificateContents(db, c.group, c.file, c.certificate), lang);
    await recordAudit(db, c.user, 'certificate.downloaded', {
      groupId: c.group.id, subjectType: 'enrolment', subjectId: c.file.enrolment_id, details: { lang, version: c.certificate.version },
    });
    res.set('Content-Type', 'application/pdf')
      .set('Content-Disposition', `attachment; filename="certificat-${c.file.enrolment_id}-${lang}.pdf"`)
      .send(pdf);
  });

  return router;
}
