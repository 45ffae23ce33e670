import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { can } from '../auth/permissions.js';
import { forbidden } from '../http/errors.js';
import { youthFileFor, type YouthInGroup } from '../participants/scope.js';
import { findCertificate, type Certificate, type CertificateOwner } from './certificate.js';

export interface CertificateInGroup extends YouthInGroup {
  certificate: Certificate | null;
  owner: CertificateOwner;
}

type CertificateAction = 'viewCertificate' | 'writeCertificate' | 'approveCertificate';

/**
 * The certificate of the youth named by `:enrolmentId` in the group `:id`, through the user's scope. Reading
 * someone else's is a 404 (a certificate's very existence is the youth's business); an act not theirs, on a
 * certificate they may read, a 403.
 */
export async function certificateFor(db: Db, req: Request, action: CertificateAction): Promise<CertificateInGroup> {
  const found = await youthFileFor(db, req, 'viewCertificate', 'hidden');
  const { user, file, group, record } = found;
  if (!can(user, action, record)) throw forbidden();
  return {
    ...found,
    certificate: (await findCertificate(db, file.enrolment_id)) ?? null,
    owner: { enrolmentId: file.enrolment_id, userId: file.user_id, status: file.status, phase: group.phase },
  };
}
