import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { isRefusal } from '../http/refusal.js';
import type { GroupRecord } from '../auth/permissions.js';
import { readinessOfGroup, type GroupReadiness } from './readiness.js';
import { isKind, type Kind } from './requirements.js';
import { checkDocument, knownInvalidity, type MissingDocument, type TripDates } from './youth-document.js';

/** A row (one youth) or a column (one kind of paper) of the readiness board. */
export type BoardLine = { enrolmentId: number } | { kind: Kind };

/** The board's buttons send one youth (a row) or one kind of paper (a column), never both. */
export const BoardCheckForm = z
  .object({
    youth: z.string().regex(/^\d{1,9}$/, { message: 'documents.errors.boardLine' }).optional(),
    kind: z.string().refine(isKind, { message: 'documents.errors.boardLine' }).optional(),
  })
  .refine((f) => Boolean(f.youth) !== Boolean(f.kind), { path: ['_form'], message: 'documents.errors.boardLine' })
  .transform((f): BoardLine => (f.youth ? { enrolmentId: Number(f.youth) } : { kind: f.kind as Kind }));

export interface BulkCheckResult {
  enrolmentId: number;
  name: string;
  kind: Kind;
  label: string;
  /** Checked and good for the trip, or left "received" with why (its dates, or a visa not granted). */
  checked: boolean;
  why: MissingDocument | null;
}

type BoardGroup = Parameters<typeof readinessOfGroup>[1] & GroupRecord & TripDates;

/**
 * "Checked" for every received paper of a row or a column of the board, each on its own: a paper that its
 * dates say is not good for the trip is not checked (the worker decides on its page between "checked, not
 * valid" and "refused"), a visa still awaited neither, and the others are checked as from their page.
 */
export async function checkReceivedPapers(db: Db, user: Express.User, group: BoardGroup, line: BoardLine): Promise<BulkCheckResult[]> {
  const board: GroupReadiness = await readinessOfGroup(db, group, 'enrolmentId' in line ? [line.enrolmentId] : undefined);
  const results: BulkCheckResult[] = [];
  for (const y of board.youths) {
    for (const p of y.papers) {
      if (!p.applies || p.doc?.status !== 'received' || ('kind' in line && p.requirement.kind !== line.kind)) continue;
      const base = { enrolmentId: y.enrolmentId, name: `${y.firstName} ${y.lastName}`, kind: p.requirement.kind, label: p.label };
      const invalidity = knownInvalidity(p.requirement, { birth_date: y.birthDate }, group, p.doc);
      if (invalidity) {
        results.push({ ...base, checked: false, why: invalidity });
        continue;
      }
      try {
        await checkDocument(db, user, {
          record: { group, youthUserId: y.userId }, groupId: group.id, enrolmentId: y.enrolmentId, requirement: p.requirement,
          youth: { birth_date: y.birthDate }, trip: group,
        }, 'checked', null);
        results.push({ ...base, checked: true, why: null });
      } catch (err) {
        if (!isRefusal(err)) throw err;
        results.push({ ...base, checked: false, why: { key: err.messageKey } });
      }
    }
  }
  return results;
}
