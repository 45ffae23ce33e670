import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import dayjs from 'dayjs';
import type { Db } from '../../src/db/knex.js';
import type { ReceivedFile } from '../../src/http/uploads.js';
import { readinessOfGroup } from '../../src/documents/readiness.js';
import { checkDocument, findDocument, handInDocument, knownInvalidity, type DocumentTarget, type HandInInput } from '../../src/documents/youth-document.js';
import { requirementsOf, type Kind } from '../../src/documents/requirements.js';

import { pdfBytes, pngBytes } from '../support/sample-files.js';
import { leadOf, userFor } from '../support/accounts.js';
import { testDatabase } from '../support/database.js';
import { enrolled, newGroup, youth } from '../participants/fixtures.js';

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

/** The paper `kind` of a youth of the group, as the papers page names it for its lead. */
async function paperTarget(db: Db, groupId: number, enrolmentId: number, kind: Kind): Promise<DocumentTarget> {
  const group = await db('groups').where({ id: groupId }).first();
  const requirement = (await requirementsOf(db, [group])).get(groupId)!.find((r) => r.kind === kind)!;
  return { record: { group: { id: groupId, access: 'lead' }, youthUserId: null }, groupId, enrolmentId, requirement };
}

/** A scan of a youth's paper, handed in through the model as the worker would (passport by default). */
export async function giveScan(db: Db, uploadDir: string, workerId: number, groupId: number, enrolmentId: number, kind: Kind = 'passport_or_id'): Promise<void> {
  await handInDocument(
    db, uploadDir, await userFor(db, workerId), await paperTarget(db, groupId, enrolmentId, kind),
    { onPaper: false, idType: 'passport', expiryDate: '2035-01-01', validFrom: '2000-01-01', visaAppliedOn: '2000-01-01', visaDecision: 'granted' },
    receivedFile(uploadDir, pdfBytes(), 'passeport.pdf'),
  );
}

/**
 * A paper the worker saw on the original (no scan), as its form records it, then checked unless
 * `checked` is false (it stays "received"): good for the trip, or "checked, not valid" when its dates
 * say so, as the worker's form leaves no other choice.
 */
export async function paperSeen(db: Db, worker: Express.User, groupId: number, enrolmentId: number, kind: Kind, input: Omit<HandInInput, 'onPaper'>, checked = true): Promise<void> {
  const target = await paperTarget(db, groupId, enrolmentId, kind);
  await handInDocument(db, testDatabase().config.uploadDir, worker, target, { onPaper: true, ...input });
  if (!checked) return;
  const trip = await db('groups').where({ id: groupId }).first('departure_date', 'return_date');
  const youth = await db('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where('enrolments.id', enrolmentId).first('youths.birth_date');
  const doc = (await findDocument(db, enrolmentId, kind))!;
  await checkDocument(db, worker, { ...target, youth, trip }, knownInvalidity(target.requirement, youth, trip, doc) ? 'invalid' : 'checked', null);
}

/** Every paper every departing youth of the group needs, seen by its lead, checked and valid long after the trip. */
export async function papersReady(db: Db, groupId: number): Promise<void> {
  const group = await db('groups').where({ id: groupId }).first();
  const lead = await leadOf(db, groupId);
  const { youths } = await readinessOfGroup(db, group);
  for (const y of youths) {
    for (const p of y.papers.filter((paper) => paper.applies)) {
      await paperSeen(db, lead, groupId, y.enrolmentId, p.requirement.kind, {
        expiryDate: '2099-12-31', validFrom: '2000-01-01', ...(p.requirement.kind === 'visa' ? { visaAppliedOn: '2000-01-01', visaDecision: 'granted' } : {}),
      });
    }
  }
}

/**
 * A group to Algeria (passport, visa, insurance, image rights; exit authorisation and the parent's ID for a
 * minor) leaving in four months, led by `leadUserId`: 5 youths, 3 of them minors at the departure, 26
 * papers asked, none handed in yet.
 */
export async function oranGroup(db: Db, leadUserId: number, name: string): Promise<{ groupId: number; enrolments: { id: number; name: string }[] }> {
  const departure = dayjs().add(4, 'month');
  const { id: groupId } = await newGroup(db, leadUserId, {
    name, country: 'DZ', departureDate: departure.format('YYYY-MM-DD'), returnDate: departure.add(15, 'day').format('YYYY-MM-DD'),
  });
  const adult = departure.subtract(20, 'year').format('YYYY-MM-DD');
  const minor = departure.subtract(16, 'year').format('YYYY-MM-DD');
  const enrolments = [];
  for (const [first, birthDate] of [['Aya', adult], ['Bryan', adult], ['Cassandra', minor], ['Dounia', minor], ['Enzo', minor]] as const) {
    const file = await enrolled(db, { id: groupId }, youth(first, 'Oranais', { birthDate }));
    enrolments.push({ id: file.enrolment_id, name: `${first} Oranais` });
  }
  return { groupId, enrolments };
}

/** How many of the group's papers are at this status. */
export async function papersAt(db: Db, groupId: number, status: string): Promise<number> {
  const [row] = await db('youth_documents').join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
    .where({ group_id: groupId, 'youth_documents.status': status }).count({ n: '*' });
  return Number(row!.n);
}
