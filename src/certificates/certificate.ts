import { z } from 'zod';
import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { localToday } from '../meetings/meeting.js';
import { hasReturned, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';
import { youthAssessments } from '../assessments/assessment.js';
import { listCompetences, type CompetenceRow } from '../assessments/competence.js';

/**
 * The youth's certificate, after Youthpass: "the learner writes, the organisation confirms". The youth picks,
 * among the competences of their own self-assessment, those they want to show, and writes in their own words
 * what they learnt (per competence, and a general word); a lead of the group approves that very version of
 * the text. Any change of the text after it makes a new version, which waits for a new approval: what the
 * structure confirmed is never something the youth wrote afterwards. Only an approved certificate is
 * downloaded.
 */
export const GENERAL_TEXT_MAX = 2000;
export const WORDS_MAX = 1000;

/** The certificate is of a project that took place: it opens once the group is back. */
export const isCertificateOpen = (phase: Phase): boolean => hasReturned(phase);

export interface CertificateLine {
  competenceId: number;
  words: string | null;
}

export interface CertificateApproval {
  version: number;
  approvedByName: string;
  /**
   * The day of the approval as the structure's calendar reads it (Paris), not the UTC day of the stored
   * timestamp: a lead confirming at 00:30 on 1 June in Paris confirmed on 1 June.
   */
  approvedOn: string;
}

export interface Certificate {
  id: number;
  enrolmentId: number;
  version: number;
  generalText: string | null;
  updatedAt: string;
  lines: CertificateLine[];
  /** The latest approval, of this version or of an earlier one. */
  approval: CertificateApproval | null;
}

export type CertificateStatus = 'none' | 'waiting' | 'approved';

export function certificateStatus(certificate: Certificate | null | undefined): CertificateStatus {
  if (!certificate) return 'none';
  return certificate.approval?.version === certificate.version ? 'approved' : 'waiting';
}

/** The approval of the version shown, or null while it waits. */
export const currentApproval = (certificate: Certificate | null | undefined): CertificateApproval | null =>
  certificateStatus(certificate) === 'approved' ? certificate!.approval : null;

type Reader = Db | Knex.Transaction;

export async function findCertificate(db: Reader, enrolmentId: number): Promise<Certificate | undefined> {
  const row = await db('certificates').where({ enrolment_id: enrolmentId }).first('id', 'enrolment_id', 'version', 'general_text', 'updated_at');
  if (!row) return undefined;
  const id = toNumber(row.id);
  const [lines, approval] = await Promise.all([
    db('certificate_competences as cc')
      .join('competences as c', 'c.id', 'cc.competence_id')
      .where('cc.certificate_id', id)
      .orderBy([{ column: 'c.position' }, { column: 'c.id' }])
      .select('cc.competence_id', 'cc.words') as Promise<{ competence_id: number; words: string | null }[]>,
    db('certificate_approvals').where({ certificate_id: id }).orderBy('id', 'desc').first('version', 'approved_by_name', 'approved_at'),
  ]);
  return {
    id, enrolmentId: toNumber(row.enrolment_id), version: toNumber(row.version), generalText: row.general_text ?? null, updatedAt: row.updated_at,
    lines: lines.map((l) => ({ competenceId: toNumber(l.competence_id), words: l.words ?? null })),
    approval: approval ? { version: toNumber(approval.version), approvedByName: approval.approved_by_name, approvedOn: localToday(new Date(approval.approved_at)) } : null,
  };
}

/** The competences a youth may show: those of their own self-assessment (either moment), in the list's order. */
export async function choosableCompetences(db: Db, enrolmentId: number): Promise<CompetenceRow[]> {
  const mine = await youthAssessments(db, enrolmentId);
  return mine?.lines.map((l) => l.competence) ?? [];
}

/** What the form shows: the saved text, or nothing yet. Fields: `competence` (ticked ids), `words_<id>`, `generalText`. */
export function certificateValues(certificate: Certificate | null | undefined): { values: Record<string, string>; chosen: number[] } {
  const values: Record<string, string> = { generalText: certificate?.generalText ?? '' };
  for (const l of certificate?.lines ?? []) values[`words_${l.competenceId}`] = l.words ?? '';
  return { values, chosen: certificate?.lines.map((l) => l.competenceId) ?? [] };
}

// ---------------------------------------------------------------------------------------------------
// The youth's form

export interface CertificateInput {
  competenceIds: number[];
  /** The words of each ticked competence (the others' are not kept: unticking is taking them off). */
  words: Map<number, string | null>;
  generalText: string | null;
}

const clean = (v: unknown): string => (typeof v === 'string' ? v.replace(/\r\n/g, '\n').trim() : '');

export const CertificateForm = z.record(z.string(), z.unknown()).transform((body, ctx): CertificateInput => {
  const ticked = body.competence === undefined ? [] : Array.isArray(body.competence) ? body.competence : [body.competence];
  if (!ticked.every((x) => typeof x === 'string' && /^\d{1,12}$/.test(x))) {
    ctx.addIssue({ code: 'custom', path: ['competence'], message: 'validation.invalid' });
    return z.NEVER;
  }
  const competenceIds = [...new Set(ticked.map(Number))];
  const words = new Map<number, string | null>();
  for (const id of competenceIds) {
    const text = clean(body[`words_${id}`]);
    if (text.length > WORDS_MAX) ctx.addIssue({ code: 'custom', path: [`words_${id}`], message: 'certificates.errors.wordsTooLong' });
    words.set(id, text || null);
  }
  const generalText = clean(body.generalText);
  if (generalText.length > GENERAL_TEXT_MAX) ctx.addIssue({ code: 'custom', path: ['generalText'], message: 'certificates.errors.generalTooLong' });
  if (!competenceIds.length) ctx.addIssue({ code: 'custom', path: ['competence'], message: 'certificates.errors.chooseOne' });
  return { competenceIds, words, generalText: generalText || null };
});

/** The youth whose certificate it is, as the model needs them: their enrolment and account, and the group's phase. */
export interface CertificateOwner {
  enrolmentId: number;
  userId: number | null;
  status: 'enrolled' | 'withdrawn';
  phase: Phase;
}

const sameText = (c: Certificate, input: CertificateInput): boolean =>
  c.generalText === input.generalText &&
  c.lines.length === input.competenceIds.length &&
  c.lines.every((l) => input.competenceIds.includes(l.competenceId) && (input.words.get(l.competenceId) ?? null) === l.words);

/**
 * Saves the youth's own text. Refused when it is not theirs, before the group's return or after they left,
 * when a ticked competence is not one of their self-assessment, or when they wrote nothing at all (the
 * words are the point). The same text sent again changes nothing — an approval stays; a different one is a
 * new version, which waits for a new approval.
 */
export async function saveCertificate(db: Db, user: Express.User, owner: CertificateOwner, input: CertificateInput): Promise<{ version: number; changed: boolean }> {
  if (user.role !== 'youth' || owner.userId !== user.id) throw new Refusal('_form', 'certificates.refused.notYours', 403);
  if (owner.status !== 'enrolled') throw new Refusal('_form', 'certificates.refused.withdrawn');
  if (!isCertificateOpen(owner.phase)) throw new Refusal('_form', 'certificates.refused.notYet');
  const allowed = new Set((await choosableCompetences(db, owner.enrolmentId)).map((c) => c.id));
  if (!input.competenceIds.every((id) => allowed.has(id))) throw new Refusal('competence', 'certificates.errors.notAssessed');
  if (!input.generalText && ![...input.words.values()].some(Boolean)) throw new Refusal('generalText', 'certificates.errors.noWords');

  return db.transaction(async (trx) => {
    const existing = await findCertificate(trx, owner.enrolmentId);
    if (existing && sameText(existing, input)) return { version: existing.version, changed: false };
    const now = nowIso();
    let id: number;
    let version: number;
    if (existing) {
      id = existing.id;
      version = existing.version + 1;
      await trx('certificates').where({ id }).update({ version, general_text: input.generalText, updated_by: user.id, updated_at: now });
      await trx('certificate_competences').where({ certificate_id: id }).del();
    } else {
      version = 1;
      const [row] = await trx('certificates')
        .insert({ enrolment_id: owner.enrolmentId, version, general_text: input.generalText, updated_by: user.id, updated_at: now })
        .returning('id');
      id = insertedId(row);
    }
    await trx('certificate_competences').insert(input.competenceIds.map((competence_id) => ({ certificate_id: id, competence_id, words: input.words.get(competence_id) ?? null })));
    return { version, changed: true };
  });
}

// ---------------------------------------------------------------------------------------------------
// The lead's approval

// The version the lead read travels with the button: if the youth changed the text meanwhile, the lead
// confirms nothing they have not seen.
export const ApproveForm = z
  .object({ version: z.unknown().optional() })
  .refine((f) => typeof f.version === 'string' && /^\d{1,9}$/.test(f.version), { message: 'certificates.refused.changed' })
  .transform((f) => Number(f.version));

/**
 * Records the lead's approval of the version they read: who, when, which version, and the text itself as it
 * was. Refused when there is nothing to approve or the text changed since; approving the version already
 * approved adds nothing.
 */
export async function approveCertificate(db: Db, user: Express.User, enrolmentId: number, version: number): Promise<void> {
  await db.transaction(async (trx) => {
    const certificate = await findCertificate(trx, enrolmentId);
    if (!certificate) throw new Refusal('_form', 'certificates.refused.nothing');
    if (certificate.version !== version) throw new Refusal('_form', 'certificates.refused.changed');
    if (certificateStatus(certificate) === 'approved') return;
    const content = JSON.stringify({ generalText: certificate.generalText, lines: certificate.lines });
    await trx('certificate_approvals').insert({
      certificate_id: certificate.id, version, approved_by: user.id, approved_by_name: user.displayName, approved_at: nowIso(), content,
    });
  });
}

// ---------------------------------------------------------------------------------------------------
// What the lead's list shows

/** Each enrolment of the group that has a certificate, with its state. */
export async function certificateStatuses(db: Db, groupId: number): Promise<Map<number, CertificateStatus>> {
  const rows: { enrolment_id: number; version: number; approved: unknown }[] = await db('certificates as c')
    .join('enrolments as e', 'e.id', 'c.enrolment_id')
    .where('e.group_id', groupId)
    .select(
      'c.enrolment_id', 'c.version',
      db.raw('(select max(a.version) from certificate_approvals a where a.certificate_id = c.id) as approved'),
    );
  return new Map(rows.map((r) => [toNumber(r.enrolment_id), toNumber(r.approved) === toNumber(r.version) ? 'approved' : 'waiting']));
}

/** One youth's certificate state, in one query: for their journey page. */
export async function certificateStatusOf(db: Db, enrolmentId: number): Promise<CertificateStatus> {
  const row = await db('certificates as c')
    .where('c.enrolment_id', enrolmentId)
    .first('c.version', db.raw('(select max(a.version) from certificate_approvals a where a.certificate_id = c.id) as approved'));
  if (!row) return 'none';
  return toNumber(row.approved) === toNumber(row.version) ? 'approved' : 'waiting';
}

/** The competences of the list by id, for the page and the PDF to name the chosen ones (an inactive one too). */
export async function competencesById(db: Db): Promise<Map<number, CompetenceRow>> {
  return new Map((await listCompetences(db)).map((c) => [c.id, c]));
}
