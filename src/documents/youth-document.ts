import { rm } from 'node:fs/promises';
import dayjs from 'dayjs';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId } from '../db/knex.js';
import { nowIso, today as todayIso } from '../db/time.js';
import { can, type YouthRecord } from '../auth/permissions.js';
import { calendarDate, isRealDate } from '../http/validation.js';
import { detectTypeOf, discard, keepFile, storedFilePath, type ReceivedFile } from '../http/uploads.js';
import { Refusal } from '../http/refusal.js';
import { parseFields } from '../http/forms.js';
import { isMinorAt } from '../participants/participant.js';
import { recordAudit } from './audit-log.js';
import type { Kind, Requirement } from './requirements.js';

/**
 * A youth's paper for one requirement of their group: at most one row per kind, replaced when the youth
 * hands in a new one. "Missing" is the absence of a row; "expired" is worked out from the dates each time
 * (the group's dates and rules move, the paper does not).
 */
// "invalid" is a paper a worker looked at and found genuine but not good for this trip (a passport that
// expires too soon): it stays missing for the departure, and the youth reads why.
export const STATUSES = ['received', 'checked', 'rejected', 'invalid'] as const;
export type Status = (typeof STATUSES)[number];
export type State = 'missing' | Exclude<Status, 'invalid'> | 'expired';
export const VISA_DECISIONS = ['pending', 'granted', 'refused'] as const;
export type VisaDecision = (typeof VISA_DECISIONS)[number];
export const ID_TYPES = ['passport', 'id_card'] as const;

/** What a scan may be: decided from its bytes, never from its name. */
export const SCAN_TYPES: Record<string, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };
/** Where scans are kept under UPLOAD_DIR (and where a resumable upload's cut-off finish is looked for). */
export const SCAN_AREA = 'documents';

export interface YouthDocumentRow {
  id: number;
  enrolment_id: number;
  kind: Kind;
  status: Status;
  rejection_reason: string | null;
  valid_from: string | null;
  expiry_date: string | null;
  id_type: (typeof ID_TYPES)[number] | null;
  visa_applied_on: string | null;
  visa_decision: VisaDecision | null;
  scan_path: string | null;
  scan_mime: string | null;
  scan_size: number | string | null;
  scan_name: string | null;
  uploaded_at: string | null;
  checked_at: string | null;
  scan_purged_at: string | null;
}

/** A line the departure gate shows: an i18n key and its values (dates as Date, formatted by the message). */
export interface MissingDocument {
  key: string;
  values?: Record<string, string | Date>;
}

export interface Evaluation {
  requirement: Requirement;
  /** The suffix of the paper's name under documents.kinds (a passport, or a passport or ID card...). */
  label: string;
  /** Asked of this youth (an exit authorisation is only for a minor at departure). */
  applies: boolean;
  state: State;
  /** Checked by a worker and valid for the whole trip: nothing more to do. */
  ready: boolean;
  /** The youth has something to hand in (nothing yet, refused, expired, a visa not applied for). */
  toHandIn: boolean;
  /** The last day to hand it in (for a visa: to apply), counted back from the departure. */
  deadline: string | null;
  overdue: boolean;
  /** The day until which the paper must be valid, when it has a validity. */
  neededUntil: string | null;
  /** Why it is not ready, as the gate says it; null when ready or not asked. */
  problem: MissingDocument | null;
  doc: YouthDocumentRow | undefined;
}

export interface TripDates {
  departure_date: string | null;
  return_date: string | null;
}

const asDay = (iso: string): Date => new Date(`${iso}T00:00:00Z`);

export function labelOf(r: Requirement): string {
  if (r.kind === 'passport_or_id') return r.idCardAccepted ? 'passport_or_id' : 'passport';
  if (r.kind === 'health') return r.detail === 'yellow_fever' ? 'health_yellow_fever' : 'health';
  return r.kind;
}

export function deadlineOf(r: Requirement, trip: TripDates): string | null {
  return trip.departure_date ? dayjs(trip.departure_date).subtract(r.leadDays, 'day').format('YYYY-MM-DD') : null;
}

/** Until when a paper of this kind must be valid: a passport some months beyond the return, the others the stay. */
export function neededUntilOf(r: Requirement, trip: TripDates, today: string): string | null {
  if (r.kind === 'image_rights') return null;
  const end = trip.return_date ?? trip.departure_date ?? today;
  return r.kind === 'passport_or_id' ? dayjs(end).add(r.monthsValid ?? 0, 'month').format('YYYY-MM-DD') : end;
}

/**
 * Where one youth stands for one requirement. Pure: the board, the youth's page, the home page and the
 * departure gate all read the same answer.
 */
export function evaluate(r: Requirement, youth: { birth_date: string }, trip: TripDates, doc: YouthDocumentRow | undefined, today: string = todayIso()): Evaluation {
  const label = labelOf(r);
  const minor = isMinorAt(youth.birth_date, trip.departure_date);
  // Without a departure date nobody knows who will be a minor: ask rather than miss a paper.
  const applies = r.enabled && (!r.minorsOnly || minor !== false);
  const deadline = deadlineOf(r, trip);
  const neededUntil = neededUntilOf(r, trip, today);
  const base = { requirement: r, label, applies, deadline, neededUntil, doc };
  if (!applies) return { ...base, state: 'missing', ready: false, toHandIn: false, overdue: false, problem: null };
  const kind = { kind: label };
  const result = (state: State, problem: MissingDocument | null, toHandIn: boolean): Evaluation => ({
    ...base, state, problem, ready: problem === null, toHandIn, overdue: toHandIn && deadline !== null && deadline < today,
  });
  if (!doc) return result('missing', { key: 'documents.missing.notGiven', values: kind }, true);
  if (doc.status === 'rejected') {
    return result('rejected', { key: 'documents.missing.rejected', values: { ...kind, reason: doc.rejection_reason ?? '' } }, true);
  }
  if (r.kind === 'passport_or_id' && doc.id_type === 'id_card' && !r.idCardAccepted) {
    return result('rejected', { key: 'documents.missing.idCardNotAccepted' }, true);
  }
  if (doc.expiry_date && neededUntil && doc.expiry_date < neededUntil) {
    const values = { ...kind, date: asDay(doc.expiry_date), until: asDay(neededUntil) };
    return result('expired', { key: r.kind === 'passport_or_id' ? 'documents.missing.passportExpires' : 'documents.missing.expires', values }, true);
  }
  if (r.kind === 'insurance' && doc.valid_from && trip.departure_date && doc.valid_from > trip.departure_date) {
    return result('expired', { key: 'documents.missing.insuranceStartsLate', values: { date: asDay(doc.valid_from) } }, true);
  }
  if (r.kind === 'visa' && doc.visa_decision === 'refused') return result('rejected', { key: 'documents.missing.visaRefused' }, true);
  // The worker's own finding, when the dates alone no longer say it (the group's dates moved since).
  if (doc.status === 'invalid') return result('expired', { key: 'documents.missing.notValid', values: { ...kind, reason: doc.rejection_reason ?? '' } }, true);
  if (r.kind === 'visa' && doc.visa_decision !== 'granted') {
    const values = doc.visa_applied_on ? { date: asDay(doc.visa_applied_on) } : undefined;
    return result('received', { key: 'documents.missing.visaPending', values }, !doc.visa_applied_on);
  }
  if (doc.status === 'received') return result('received', { key: 'documents.missing.notChecked', values: kind }, false);
  return result('checked', null, false);
}

// ---------------------------------------------------------------------------------------------------
// Reading

export function documentsOfEnrolments(db: Db, enrolmentIds: number[]): Promise<YouthDocumentRow[]> {
  if (!enrolmentIds.length) return Promise.resolve([]);
  return db('youth_documents').whereIn('enrolment_id', enrolmentIds).select('*');
}

export async function findDocument(db: Db, enrolmentId: number, kind: Kind): Promise<YouthDocumentRow | undefined> {
  return db('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();
}

// ---------------------------------------------------------------------------------------------------
// Handing in a paper

const optionalDate = z
  .string()
  .trim()
  .optional()
  .refine((v) => !v || /^\d{4}-\d{2}-\d{2}$/.test(v), { message: 'validation.dateFormat' })
  .refine((v) => !v || isRealDate(v), { message: 'validation.dateImpossible' })
  .transform((v) => (v ? v : null));

const onPaper = z
  .string()
  .optional()
  .transform((v) => v === 'yes');

/** One schema per kind: what the paper says that matters for the trip. */
export function handInForm(r: Requirement, today: string = todayIso()) {
  switch (r.kind) {
    case 'passport_or_id':
      return z.object({
        onPaper,
        idType: z
          .enum(ID_TYPES, { message: 'documents.errors.idType' })
          .optional()
          .transform((v) => v ?? 'passport'),
        expiryDate: calendarDate,
      });
    case 'visa':
      return z
        .object({
          onPaper,
          visaAppliedOn: calendarDate.refine((d) => d <= today, { message: 'documents.errors.appliedInFuture' }),
          visaDecision: z.enum(VISA_DECISIONS, { message: 'documents.errors.visaDecision' }),
          expiryDate: optionalDate,
        })
        .superRefine((f, ctx) => {
          if (f.visaDecision === 'granted' && !f.expiryDate) ctx.addIssue({ code: 'custom', path: ['expiryDate'], message: 'documents.errors.visaExpiryRequired' });
        });
    case 'insurance':
      return z
        .object({ onPaper, validFrom: calendarDate, expiryDate: calendarDate })
        .refine((f) => f.expiryDate >= f.validFrom, { path: ['expiryDate'], message: 'documents.errors.endBeforeStart' });
    case 'exit_authorisation':
    case 'parent_id':
      return z.object({ onPaper, expiryDate: calendarDate });
    case 'health':
      return z.object({ onPaper, expiryDate: optionalDate });
    case 'image_rights':
      return z.object({ onPaper });
  }
}

export interface HandInInput {
  onPaper: boolean;
  idType?: (typeof ID_TYPES)[number];
  expiryDate?: string | null;
  validFrom?: string | null;
  visaAppliedOn?: string | null;
  visaDecision?: VisaDecision;
}

export interface DocumentTarget {
  record: YouthRecord;
  groupId: number;
  enrolmentId: number;
  requirement: Requirement;
}

/**
 * A youth (or their worker) hands in a paper: a scan and what it says, or — for the worker — what they
 * saw on the original. The scan's type is decided from its bytes; it is moved to a generated name and the
 * row written after, so a refused scan leaves nothing behind: whatever goes wrong, the temporary file goes
 * (a kept file has already left the temporary folder). The paper is "received" until a worker checks it
 * again. A replaced scan is deleted once the new one is recorded.
 */
export async function handInDocument(db: Db, uploadDir: string, user: Express.User, target: DocumentTarget, input: HandInInput, file?: ReceivedFile): Promise<void> {
  try {
    await recordHandIn(db, uploadDir, user, target, input, file);
  } catch (err) {
    await discard(file);
    throw err;
  }
}

/** What the group's rule refuses in what a paper says, before its scan is looked at. */
function refuseHandIn(r: Requirement, input: HandInInput): void {
  if (r.kind === 'passport_or_id' && input.idType === 'id_card' && !r.idCardAccepted) throw new Refusal('idType', 'documents.errors.idCardNotAccepted');
}

/**
 * What a paper's form says, sent as a resumable upload's metadata (src/http/resumable-uploads.ts): read by
 * the paper's own schema and rules when the upload is created, before any byte, and again when it ends.
 */
export function handInFromFields(r: Requirement, fields: Record<string, string | undefined>): HandInInput {
  const { onPaper, idType, expiryDate, validFrom, visaAppliedOn, visaDecision } = fields;
  const input: HandInInput = parseFields(handInForm(r), { onPaper, idType, expiryDate, validFrom, visaAppliedOn, visaDecision });
  refuseHandIn(r, input);
  return input;
}

/** What a scan's first bytes say it is (PDF, JPEG, PNG): its type and the extension it is kept with; anything else is refused. */
async function scanTypeOf(head: Buffer): Promise<{ mime: string; ext: string }> {
  const type = await detectTypeOf(head);
  const ext = type ? SCAN_TYPES[type.mime] : undefined;
  if (!type || !ext) throw new Refusal('scan', 'documents.errors.scanType');
  return { mime: type.mime, ext };
}

/** The question `recordHandIn` asks of the whole file, asked of a resumable upload's first piece. */
export async function refuseUnlessScan(head: Buffer): Promise<void> {
  await scanTypeOf(head);
}

async function recordHandIn(db: Db, uploadDir: string, user: Express.User, target: DocumentTarget, input: HandInInput, file?: ReceivedFile): Promise<void> {
  const { requirement: r, enrolmentId } = target;
  refuseHandIn(r, input);
  let ext: string | undefined;
  let mime: string | undefined;
  if (file) ({ ext, mime } = await scanTypeOf(file.head));
  const existing = await findDocument(db, enrolmentId, r.kind);
  const seenOnPaper = input.onPaper && can(user, 'checkYouthDocuments', target.record);
  // A visa still awaited has no sticker to scan yet; every other paper needs its scan or a worker's eye.
  const visaAwaited = r.kind === 'visa' && input.visaDecision !== 'granted';
  if (!file && !existing?.scan_path && !seenOnPaper && !visaAwaited) throw new Refusal('scan', 'documents.errors.scanRequired');

  const now = nowIso();
  const record = async (scanPath: string | null): Promise<string | null> =>
    db.transaction(async (trx) => {
      const before: YouthDocumentRow | undefined = await trx('youth_documents').where({ enrolment_id: enrolmentId, kind: r.kind }).first();
      const columns = {
        status: 'received', rejection_reason: null, checked_by: null, checked_at: null,
        valid_from: input.validFrom ?? null, expiry_date: input.expiryDate ?? null,
        id_type: r.kind === 'passport_or_id' ? input.idType ?? 'passport' : null,
        visa_applied_on: input.visaAppliedOn ?? null, visa_decision: input.visaDecision ?? null,
        uploaded_by: user.id, uploaded_at: now, updated_at: now,
        ...(scanPath && file
          ? { scan_path: scanPath, scan_mime: mime, scan_size: file.size, scan_sha256: file.sha256, scan_name: file.originalName, scan_purged_at: null }
          : {}),
      };
      let id: number;
      if (before) {
        await trx('youth_documents').where({ id: before.id }).update(columns);
        id = before.id;
      } else {
        const [row] = await trx('youth_documents').insert({ enrolment_id: enrolmentId, kind: r.kind, ...columns }).returning('id');
        id = typeof row === 'object' ? Number(row.id) : Number(row);
      }
      await recordAudit(trx, user, 'document.upload', {
        groupId: target.groupId, subjectType: 'youth_document', subjectId: id,
        details: { kind: r.kind, scan: Boolean(scanPath), onPaper: !scanPath && seenOnPaper },
      });
      return scanPath && before?.scan_path ? before.scan_path : null;
    });

  const replaced = file && ext ? await keepFile(uploadDir, SCAN_AREA, file, ext, record) : await record(null);
  if (replaced) await rm(storedFilePath(uploadDir, replaced), { force: true });
}

/**
 * The scan a resumable upload of this user became, if it is still this paper's: its file is kept under the
 * upload's id (`documents/<year>/<id>.<ext>`). For a sender asking again after its answer was lost.
 */
export async function scanKeptAs(db: Db, enrolmentId: number, kind: Kind, userId: number, keepAs: string): Promise<{ size: number } | undefined> {
  // An id from the URL goes into a LIKE pattern: letters, digits and dashes only (tus ids are hex).
  if (!/^[0-9A-Za-z-]+$/.test(keepAs)) return undefined;
  const row = await db('youth_documents').where({ enrolment_id: enrolmentId, kind, uploaded_by: userId })
    .andWhere('scan_path', 'like', `${SCAN_AREA}/%/${keepAs}.%`).first('scan_size');
  return row ? { size: Number(row.scan_size) } : undefined;
}

/** Whether a file under UPLOAD_DIR is a paper's scan: asked of the files a killed finish left. */
export async function scanFileRecorded(db: Db, storedPath: string): Promise<boolean> {
  return Boolean(await db('youth_documents').where({ scan_path: storedPath }).first('id'));
}

/**
 * A paper the parents signed online (src/parent-consent/): it stands as a scanned signed form does, "received"
 * until a worker checks it, the scan already there (an earlier paper form) kept. Inside the caller's
 * transaction, which writes the audit line with the parent's name.
 */
export async function recordSignedOnline(trx: Db, enrolmentId: number, kind: Kind): Promise<number> {
  const now = nowIso();
  const columns = { status: 'received', rejection_reason: null, checked_by: null, checked_at: null, uploaded_by: null, uploaded_at: now, updated_at: now };
  const before: YouthDocumentRow | undefined = await trx('youth_documents').where({ enrolment_id: enrolmentId, kind }).first();
  if (before) {
    await trx('youth_documents').where({ id: before.id }).update(columns);
    return before.id;
  }
  const [row] = await trx('youth_documents').insert({ enrolment_id: enrolmentId, kind, ...columns }).returning('id');
  return insertedId(row);
}

// ---------------------------------------------------------------------------------------------------
// Checking a paper

export const DECISIONS = ['checked', 'invalid', 'rejected'] as const;
export type Decision = (typeof DECISIONS)[number];

export const CheckForm = z
  .object({
    decision: z.enum(DECISIONS, { message: 'documents.errors.decision' }),
    reason: z.string().trim().max(500, { message: 'validation.tooLong' }).optional().transform((v) => v || null),
  })
  .refine((f) => f.decision !== 'rejected' || f.reason, { path: ['reason'], message: 'documents.errors.reasonRequired' });

/**
 * Why the app already knows this handed-in paper is not good for the trip, from its own dates and the
 * group's (what a worker's "checked" cannot make good); null when nothing in the dates stands against it.
 */
export function knownInvalidity(r: Requirement, youth: { birth_date: string }, trip: TripDates, doc: YouthDocumentRow, today: string = todayIso()): MissingDocument | null {
  const asChecked = evaluate(r, youth, trip, { ...doc, status: 'checked', rejection_reason: null }, today);
  return asChecked.state === 'expired' || (asChecked.state === 'rejected' && doc.visa_decision !== 'refused') ? asChecked.problem : null;
}

export interface CheckTarget extends DocumentTarget {
  youth: { birth_date: string };
  trip: TripDates;
}

/**
 * The worker's look at a paper: good for the trip, checked but not valid for it (the reason kept for the
 * youth), or refused with a reason the youth will read. "Good for the trip" is refused while the paper's
 * own dates say otherwise, so the page never says "checked" over "not valid".
 */
export async function checkDocument(db: Db, user: Express.User, target: CheckTarget, decision: Decision, reason: string | null): Promise<void> {
  const { requirement: r, enrolmentId } = target;
  await db.transaction(async (trx) => {
    const doc: YouthDocumentRow | undefined = await trx('youth_documents').where({ enrolment_id: enrolmentId, kind: r.kind }).first();
    if (!doc) throw new Refusal('_form', 'documents.errors.nothingToCheck');
    if (decision === 'checked' && r.kind === 'visa' && doc.visa_decision !== 'granted') throw new Refusal('_form', 'documents.errors.visaNotGranted');
    const invalidity = knownInvalidity(r, target.youth, target.trip, doc);
    if (decision === 'checked' && invalidity) throw new Refusal('decision', 'documents.errors.notValid');
    if (decision === 'invalid' && !invalidity && !reason) throw new Refusal('reason', 'documents.errors.invalidReasonRequired');
    const now = nowIso();
    const kept = decision === 'checked' ? null : reason;
    await trx('youth_documents')
      .where({ id: doc.id })
      .update({ status: decision, rejection_reason: kept, checked_by: user.id, checked_at: now, updated_at: now });
    const action = ({ checked: 'document.check', invalid: 'document.checkInvalid', rejected: 'document.reject' } as const)[decision];
    await recordAudit(trx, user, action, {
      groupId: target.groupId, subjectType: 'youth_document', subjectId: doc.id, details: { kind: r.kind, ...(kept ? { reason: kept } : {}) },
    });
  });
}

/** A staff member's download of a youth's scan is logged before it is sent; the youth's own is not. */
export async function logDownload(db: Db, user: Express.User, target: Omit<DocumentTarget, 'requirement'>, doc: YouthDocumentRow): Promise<void> {
  if (user.role === 'youth') return;
  await recordAudit(db, user, 'document.download', {
    groupId: target.groupId, subjectType: 'youth_document', subjectId: doc.id, details: { kind: doc.kind },
  });
}
