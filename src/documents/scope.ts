import type { Request } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { youthFileFor, type YouthInGroup } from '../participants/scope.js';
import { isKind, requirementsOf, type Requirement } from './requirements.js';
import type { DocumentTarget } from './youth-document.js';

/** What is done with a youth's papers once they may be read: hand one in, check one. */
type PapersAction = 'uploadYouthDocument' | 'checkYouthDocuments';

export interface YouthPapers extends YouthInGroup {
  target: Omit<DocumentTarget, 'requirement'>;
}

export interface RequiredPaper extends YouthPapers {
  requirement: Requirement;
}

/**
 * A youth's papers: the youth through the user's scope, and hidden (404) from whoever may not read them —
 * another youth of the group finds nothing there, as if the youth did not exist. Then, if the page does
 * something with them, whether this reader may do it (403: a director reads, and only reads).
 */
export async function papersFor(db: Db, req: Request, action?: PapersAction): Promise<YouthPapers> {
  const found = await youthFileFor(db, req, 'viewYouthDocuments', 'hidden');
  if (action) assertCan(can(found.user, action, found.record));
  return { ...found, target: { record: found.record, groupId: found.group.id, enrolmentId: found.file.enrolment_id } };
}

/** One paper of the youth, named by `:kind`, that the group asks for: any other kind names nothing (404). */
export async function requiredPaperFor(db: Db, req: Request, action: PapersAction): Promise<RequiredPaper> {
  const papers = await papersFor(db, req, action);
  const kind = req.params.kind;
  if (!isKind(kind)) throw notFound();
  const requirement = (await requirementsOf(db, [papers.group])).get(papers.group.id)!.find((r) => r.kind === kind);
  if (!requirement?.enabled) throw notFound();
  return { ...papers, requirement };
}
