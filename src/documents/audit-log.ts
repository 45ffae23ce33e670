import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';

/**
 * Who did what to a youth's papers, and when: downloads of a scan by the adults in charge, checks,
 * rejections, uploads, changes to a group's rules, and the scans the retention purge deleted; and the
 * media whose clearance beyond the group an edit withdrew. Rows are only ever added. The admin reads them
 * (/admin/audit); nobody edits them.
 */
export const AUDIT_ACTIONS = [
  'document.upload', 'document.check', 'document.checkInvalid', 'document.reject', 'document.download', 'document.scanPurged', 'requirements.update',
  'medium.clearanceWithdrawn',
  // A parent's consent link: sent, revoked by a worker, answered by the parent (who has no account).
  'parentConsent.sent', 'parentConsent.revoked', 'parentConsent.answered',
  // A network's figures taken away (CSV, PDF) by its coordinator: figures only, but they leave the app.
  'network.export',
  // A youth's follow-up link: sent (by a worker, or by the app at the round's date), revoked, answered by
  // the youth (no account: user is null), then confirmed by a worker.
  'followUp.linkSent', 'followUp.linkRevoked', 'followUp.answeredByYouth', 'followUp.confirmed',
  // The stay's personal data opened: the emergency sheet (page or PDF) and one incident; a health note purged.
  'stay.sheetOpened', 'stay.incidentOpened', 'stay.healthNotePurged',
  // A group's youths (names, birth dates, gender, the fewer-opportunities flag) taken away for the Erasmus+ module.
  'erasmus.export',
  // A youth's certificate downloaded (by the youth, a lead or the director): their name and words leave the app.
  'certificate.downloaded',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  groupId?: number | null;
  subjectType?: 'youth_document' | 'group' | 'medium' | 'network' | 'follow_up' | 'incident' | 'enrolment' | 'parent_consent_link';
  subjectId?: number | null;
  details?: Record<string, unknown>;
}

/** Adds a row; `user` is null for what the app does by itself (the retention purge). */
export async function recordAudit(db: Db, user: Pick<Express.User, 'id' | 'displayName'> | null, action: AuditAction, entry: AuditEntry = {}): Promise<void> {
  await db('audit_log').insert({
    user_id: user?.id ?? null,
    user_name: user?.displayName ?? null,
    action,
    subject_type: entry.subjectType ?? null,
    subject_id: entry.subjectId ?? null,
    group_id: entry.groupId ?? null,
    details: entry.details ? JSON.stringify(entry.details) : null,
    at: nowIso(),
  });
}

export interface AuditRow {
  id: number;
  user_id: number | null;
  user_name: string | null;
  action: AuditAction;
  subject_type: string | null;
  subject_id: number | null;
  group_id: number | null;
  group_name: string | null;
  details: Record<string, unknown>;
  at: string;
  /** The youth the row is about, when it is about one of their papers. */
  youth_name: string | null;
}

export const AUDIT_PAGE_SIZE = 50;

export interface AuditFilter {
  /** The structure whose groups' rows are read: its admin reads no other structure's log. */
  structureId: number | null;
  groupId?: number;
  userId?: number;
  page: number;
}

/** A page of the log, newest first, with the names a reader needs (group, youth) looked up in two queries. */
export async function listAudit(db: Db, filter: AuditFilter): Promise<{ rows: AuditRow[]; total: number; pages: number }> {
  const base = () => {
    const q = db('audit_log').whereIn('audit_log.group_id', groupsOf(db, filter.structureId));
    if (filter.groupId) q.where('audit_log.group_id', filter.groupId);
    if (filter.userId) q.where('audit_log.user_id', filter.userId);
    return q;
  };
  const [{ n }] = await base().count<{ n: number | string }[]>({ n: '*' });
  const total = toNumber(n);
  const pages = Math.max(1, Math.ceil(total / AUDIT_PAGE_SIZE));
  const page = Math.min(Math.max(1, filter.page), pages);
  const raw: (Omit<AuditRow, 'details' | 'youth_name'> & { details: string | null })[] = await base()
    .leftJoin('groups', 'groups.id', 'audit_log.group_id')
    .orderBy([{ column: 'audit_log.at', order: 'desc' }, { column: 'audit_log.id', order: 'desc' }])
    .limit(AUDIT_PAGE_SIZE)
    .offset((page - 1) * AUDIT_PAGE_SIZE)
    .select('audit_log.*', 'groups.name as group_name');
  const documentIds = raw.filter((r) => r.subject_type === 'youth_document' && r.subject_id).map((r) => Number(r.subject_id));
  const youths: { id: number; first_name: string; last_name: string }[] = documentIds.length
    ? await db('youth_documents')
        .join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
        .join('youths', 'youths.id', 'enrolments.youth_id')
        .whereIn('youth_documents.id', documentIds)
        .select('youth_documents.id', 'youths.first_name', 'youths.last_name')
    : [];
  const names = new Map(youths.map((y) => [Number(y.id), `${y.first_name} ${y.last_name}`]));
  const rows = raw.map((r) => ({
    ...r,
    details: r.details ? (JSON.parse(r.details) as Record<string, unknown>) : {},
    youth_name: r.subject_type === 'youth_document' && r.subject_id ? names.get(Number(r.subject_id)) ?? null : null,
  }));
  return { rows, total, pages };
}

const groupsOf = (db: Db, structureId: number | null) => db('groups').where('structure_id', structureId ?? -1).select('id');

/** The groups and people that appear in the structure's log, for the filters. */
export async function auditFilterChoices(db: Db, structureId: number | null): Promise<{ groups: { id: number; name: string }[]; users: { id: number; name: string }[] }> {
  const inStructure = () => db('audit_log').whereIn('group_id', groupsOf(db, structureId));
  const [groups, users] = await Promise.all([
    db('groups').whereIn('id', inStructure().distinct('group_id')).orderBy('name').select('id', 'name'),
    db('users').whereIn('id', inStructure().whereNotNull('user_id').distinct('user_id')).orderBy('display_name').select('id', 'display_name as name'),
  ]);
  return { groups, users };
}
