import { rm } from 'node:fs/promises';
import dayjs from 'dayjs';
import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { nowIso, today as todayIso } from '../db/time.js';
import { storedFilePath } from '../http/uploads.js';
import { recordAudit } from './audit-log.js';
import type { Kind } from './requirements.js';

/**
 * Identity, visa and health scans are personal data the trip no longer needs once the group is back: they
 * are deleted so many days after the return date — the group's structure's retention, or the installation's
 * (RETENTION_DAYS) for a structure that did not choose one — by `npm run purge` and at each start-up. The row
 * stays — status, dates, who checked it — with `scan_purged_at` set; the deletion is in the audit log.
 * A parent's ID card is an identity paper like the youth's own, so it goes too. Insurance, exit
 * authorisations and image-rights consent are kept: they may be asked for after the trip.
 */
export const PURGED_KINDS: Kind[] = ['passport_or_id', 'parent_id', 'visa', 'health'];

/** The last return date whose scans are due for deletion today. */
export const purgeCutoff = (retentionDays: number, today: string = todayIso()): string =>
  dayjs(today).subtract(retentionDays, 'day').format('YYYY-MM-DD');

/** A structure's retention: its own, or the installation's when it chose none. */
export const retentionOf = (structure: { retention_days: number | null }, defaultDays: number): number =>
  structure.retention_days === null ? defaultDays : Number(structure.retention_days);

/** The retention of one structure, for its retention page. */
export async function structureRetentionDays(db: Db, structureId: number | null, defaultDays: number): Promise<number> {
  const row: { retention_days: number | null } | undefined = structureId === null ? undefined : await db('structures').where({ id: structureId }).first('retention_days');
  return row ? retentionOf(row, defaultDays) : defaultDays;
}

interface PurgeCandidate {
  id: number;
  kind: Kind;
  scan_path: string;
  group_id: number;
  retention_days: number | null;
}

/**
 * The scans past their group's structure's retention. The structures are few and so are their distinct
 * retentions: one cutoff per retention, worked out here, keeps the date arithmetic out of SQL (SQLite and
 * PostgreSQL say it differently).
 */
function candidates(db: Db, chosenDays: number[], defaultDays: number, today: string) {
  return db('youth_documents')
    .join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .join('structures', 'structures.id', 'groups.structure_id')
    .whereNotNull('youth_documents.scan_path')
    .whereIn('youth_documents.kind', PURGED_KINDS)
    .where(pastRetention(chosenDays, defaultDays, today));
}

/** The groups (joined with their structure) back for longer than their structure's retention. */
const pastRetention = (chosenDays: number[], defaultDays: number, today: string) => (w: Knex.QueryBuilder) => {
  w.whereNotNull('groups.return_date').where((q) => {
    q.where((r) => r.whereNull('structures.retention_days').where('groups.return_date', '<', purgeCutoff(defaultDays, today)));
    for (const d of chosenDays) q.orWhere((r) => r.where('structures.retention_days', d).where('groups.return_date', '<', purgeCutoff(d, today)));
  });
};

const chosenRetentions = async (db: Db): Promise<number[]> =>
  (await db('structures').whereNotNull('retention_days').distinct('retention_days')).map((r: { retention_days: number }) => Number(r.retention_days));

export interface RetentionGroup {
  group_id: number;
  group_name: string;
  return_date: string;
  /** The first day a purge removes this group's scans. */
  purge_on: string;
  counts: Partial<Record<Kind, number>>;
  total: number;
}

/**
 * What the retention page shows: the scans the next purge deletes (groups back for longer than the
 * retention), then the groups whose scans will go later, with the day. Counts only: no youth's name.
 */
export async function retentionOverview(db: Db, structureId: number | null, retentionDays: number, today: string = todayIso()): Promise<{ due: RetentionGroup[]; later: RetentionGroup[] }> {
  const rows: { group_id: number; group_name: string; return_date: string | null; kind: Kind; n: number | string }[] = await db('youth_documents')
    .join('enrolments', 'enrolments.id', 'youth_documents.enrolment_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    // The structure's own groups: its admin and its director read no other structure's.
    .where('groups.structure_id', structureId ?? -1)
    .whereNotNull('youth_documents.scan_path')
    .whereIn('youth_documents.kind', PURGED_KINDS)
    .whereNotNull('groups.return_date')
    .groupBy('groups.id', 'groups.name', 'groups.return_date', 'youth_documents.kind')
    .select('groups.id as group_id', 'groups.name as group_name', 'groups.return_date', 'youth_documents.kind')
    .count({ n: '*' });
  const cutoff = purgeCutoff(retentionDays, today);
  const byGroup = new Map<number, RetentionGroup>();
  for (const r of rows) {
    const id = Number(r.group_id);
    let g = byGroup.get(id);
    if (!g) {
      g = {
        group_id: id, group_name: r.group_name, return_date: r.return_date!, counts: {}, total: 0,
        purge_on: dayjs(r.return_date!).add(retentionDays + 1, 'day').format('YYYY-MM-DD'),
      };
      byGroup.set(id, g);
    }
    g.counts[r.kind] = Number(r.n);
    g.total += Number(r.n);
  }
  const all = [...byGroup.values()].sort((a, b) => a.return_date.localeCompare(b.return_date) || a.group_name.localeCompare(b.group_name));
  return { due: all.filter((g) => g.return_date < cutoff), later: all.filter((g) => g.return_date >= cutoff) };
}

/**
 * Deletes the scans past their structure's retention (`defaultDays` for a structure that chose none). Each file is removed first, then its row marked and the deletion
 * logged in one transaction: if the process dies in between, the next purge finds the row again and
 * removing a file already gone is not an error. Returns how many scans were deleted.
 */
export async function purgeExpiredScans(db: Db, uploadDir: string, defaultDays: number, today: string = todayIso()): Promise<number> {
  const due: PurgeCandidate[] = await candidates(db, await chosenRetentions(db), defaultDays, today)
    .orderBy('youth_documents.id')
    .select('youth_documents.id', 'youth_documents.kind', 'youth_documents.scan_path', 'groups.id as group_id', 'structures.retention_days');
  let purged = 0;
  for (const doc of due) {
    await rm(storedFilePath(uploadDir, doc.scan_path), { force: true });
    await db.transaction(async (trx) => {
      const now = nowIso();
      const changed = await trx('youth_documents')
        .where({ id: doc.id, scan_path: doc.scan_path })
        .update({ scan_path: null, scan_mime: null, scan_size: null, scan_sha256: null, scan_name: null, scan_purged_at: now, updated_at: now });
      if (changed === 1) {
        await recordAudit(trx, null, 'document.scanPurged', {
          groupId: Number(doc.group_id), subjectType: 'youth_document', subjectId: doc.id, details: { kind: doc.kind, retentionDays: retentionOf(doc, defaultDays) },
        });
        purged++;
      }
    });
  }
  return purged;
}

/**
 * The health notes of the emergency sheet (allergies, treatment, copied from the parents' forms) go with the
 * health scans: the text is emptied and the row kept with `purged_at`, so the sheet can say it was removed.
 * Returns how many notes were purged.
 */
export async function purgeHealthNotes(db: Db, defaultDays: number, today: string = todayIso()): Promise<number> {
  const due: { enrolment_id: number; group_id: number }[] = await db('stay_health_notes')
    .join('enrolments', 'enrolments.id', 'stay_health_notes.enrolment_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .join('structures', 'structures.id', 'groups.structure_id')
    .whereNotNull('stay_health_notes.note')
    .where(pastRetention(await chosenRetentions(db), defaultDays, today))
    .select('stay_health_notes.enrolment_id', 'groups.id as group_id');
  for (const note of due) {
    await db.transaction(async (trx) => {
      await trx('stay_health_notes').where({ enrolment_id: note.enrolment_id }).update({ note: null, purged_at: nowIso() });
      await recordAudit(trx, null, 'stay.healthNotePurged', { groupId: Number(note.group_id), subjectType: 'enrolment', subjectId: Number(note.enrolment_id) });
    });
  }
  return due.length;
}
