import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Db } from '../../src/db/knex.js';
import { nowIso } from '../../src/db/time.js';
import type { ReceivedFile } from '../../src/http/uploads.js';
import { readinessOfGroup } from '../../src/documents/readiness.js';
import { handInDocument } from '../../src/documents/youth-document.js';
import { requirementsOf, type Kind } from '../../src/documents/requirements.js';

import { pdfBytes, pngBytes } from '../support/sample-files.js';
import { userFor } from '../support/accounts.js';

export { pdfBytes, pngBytes };

export function jpegBytes(): Buffer {
  return Buffer.from(
    '/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABhY3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAABUAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAAAAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9YWVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAMZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDABALDA4MChAODQ4SERATGCgaGBYWGDEjJR0oOjM9PDkzODdASFxOQERXRTc4UG1RV19iZ2hnPk1xeXBkeFxlZ2P/2wBDARESEhgVGC8aGi9jQjhCY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2NjY2P/wAARCAAIAAgDASIAAhEBAxEB/8QAFQABAQAAAAAAAAAAAAAAAAAAAAP/xAAbEAEAAAcAAAAAAAAAAAAAAAAAFiUyUmWCkv/EABUBAQEAAAAAAAAAAAAAAAAAAAIF/8QAFhEBAQEAAAAAAAAAAAAAAAAAAAER/9oADAMBAAIRAxEAPwCEmhzKb380gEm26//Z',
    'base64',
  );
}

/** A file as the upload path hands it over once received: in UPLOAD_DIR/tmp, hashed, its head kept. */
export function receivedFile(uploadDir: string, bytes: Buffer, originalName = 'scan.pdf'): ReceivedFile {
  const dir = path.join(uploadDir, 'tmp');
  mkdirSync(dir, { recursive: true });
  const tempPath = path.join(dir, `${randomUUID()}.part`);
  writeFileSync(tempPath, bytes);
  return { tempPath, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), head: bytes.subarray(0, 4100), originalName };
}

/** A scan of a youth's paper, handed in through the model as the worker would (passport by default). */
export async function giveScan(db: Db, uploadDir: string, workerId: number, groupId: number, enrolmentId: number, kind: Kind = 'passport_or_id'): Promise<void> {
  const group = await db('groups').where({ id: groupId }).first();
  const requirement = (await requirementsOf(db, [group])).get(groupId)!.find((r) => r.kind === kind)!;
  await handInDocument(
    db, uploadDir, await userFor(db, workerId), { record: { group: { id: groupId, access: 'lead' }, youthUserId: null }, groupId, enrolmentId, requirement },
    { onPaper: false, idType: 'passport', expiryDate: '2035-01-01', validFrom: '2000-01-01', visaAppliedOn: '2000-01-01', visaDecision: 'granted' },
    receivedFile(uploadDir, pdfBytes(), 'passeport.pdf'),
  );
}

/** Every paper every departing youth of the group needs, checked and valid long after the trip. */
export async function papersReady(db: Db, groupId: number): Promise<void> {
  const group = await db('groups').where({ id: groupId }).first();
  const { youths } = await readinessOfGroup(db, group);
  const now = nowIso();
  const rows = youths.flatMap((y) =>
    y.papers
      .filter((p) => p.applies)
      .map((p) => ({
        enrolment_id: y.enrolmentId, kind: p.requirement.kind, status: 'checked', expiry_date: '2099-12-31', valid_from: '2000-01-01',
        id_type: p.requirement.kind === 'passport_or_id' ? 'passport' : null,
        visa_applied_on: p.requirement.kind === 'visa' ? '2000-01-01' : null, visa_decision: p.requirement.kind === 'visa' ? 'granted' : null,
        checked_at: now, updated_at: now,
      })),
  );
  await db('youth_documents').whereIn('enrolment_id', youths.map((y) => y.enrolmentId)).del();
  if (rows.length) await db('youth_documents').insert(rows);
}
