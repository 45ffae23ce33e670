import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, isPostgres, toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { can } from '../auth/permissions.js';
import { scopedGroups } from '../groups/group.js';
import { notFound } from '../http/errors.js';
import { Refusal } from '../http/refusal.js';
import type { YouthFile } from './participant.js';

/**
 * One youth, one history across structures. A youth of the mission locale's group who comes back as peer
 * leader in the MJC's has a file in each structure: each structure typed its own (names, birth date, phone,
 * referrer, emergency contact, situation) and reads only its own groups' records about them. A worker who
 * sees both files (a worker lent as co-lead to the other structure's group) says they are one youth: a link,
 * never a match of names. What the two files then share is the person: the youth's account, with the name
 * it shows, so the youth signs in once and their journey has every group. The link itself is seen only by
 * someone who sees both files: to the other structure's director, that the youth was elsewhere is the
 * other structure's to tell.
 *
 * A file has one link at most: a youth in a third structure is linked from one of the two, after undoing.
 */

export interface YouthLinkRow {
  id: number;
  youth_id: number;
  structure_id: number;
  other_youth_id: number;
  other_structure_id: number;
  closed_user_id: number | null;
  closed_was_active: boolean;
  linked_by: number | null;
  linked_at: string;
}

/**
 * Two links of one file made at once would both find it free: on PostgreSQL the files' rows are locked
 * for the transaction. SQLite lets one writing transaction through at a time, and refuses the other.
 */
async function lockFiles(trx: Db, youthIds: number[]): Promise<void> {
  if (isPostgres(trx)) await trx('youths').whereIn('id', youthIds).orderBy('id').forUpdate().select('id');
}

/** The link a file is in now, from either side; undone links stay as history. */
export async function activeLinkOf(db: Db, youthId: number): Promise<YouthLinkRow | undefined> {
  const row = await db('youth_links')
    .whereNull('undone_at')
    .where((q) => q.where('youth_id', youthId).orWhere('other_youth_id', youthId))
    .first('id', 'youth_id', 'structure_id', 'other_youth_id', 'other_structure_id', 'closed_user_id', 'closed_was_active', 'linked_by', 'linked_at');
  return row ? { ...row, closed_was_active: Boolean(row.closed_was_active) } : undefined;
}

/** The file on the other side of a file's link, if it has one. */
export async function linkedYouthId(db: Db, youthId: number): Promise<number | null> {
  const link = await activeLinkOf(db, youthId);
  if (!link) return null;
  return link.youth_id === youthId ? link.other_youth_id : link.youth_id;
}

/** A file of another structure, reached through the signed-in user's own groups. */
export interface OtherFile {
  enrolment_id: number;
  youth_id: number;
  user_id: number | null;
  group_id: number;
  group_name: string;
  structure_id: number;
  structure_name: string;
  first_name: string;
  last_name: string;
}

/** The user's groups where they may link files, with the youths' files in them, as one query to narrow. */
function filesInScope(db: Db, user: Express.User) {
  return scopedGroups(db, user)
    .join('enrolments as other', 'other.group_id', 'groups.id')
    .join('youths as other_youth', 'other_youth.id', 'other.youth_id')
    .clearSelect()
    .select(
      'other.id as enrolment_id', 'other.youth_id', 'other_youth.user_id', 'groups.id as group_id', 'groups.name as group_name',
      'groups.structure_id', 'structures.name as structure_name', 'other_youth.first_name', 'other_youth.last_name',
      // Read by `can` below: how the user reaches the group.
      ...(user.role === 'worker' ? ['group_workers.role as access'] : [db.raw("'none' as access")]),
    );
}

const asOtherFile = (r: OtherFile & { access: string }): OtherFile => ({
  enrolment_id: toNumber(r.enrolment_id), youth_id: toNumber(r.youth_id), user_id: r.user_id === null ? null : toNumber(r.user_id),
  group_id: toNumber(r.group_id), group_name: r.group_name, structure_id: toNumber(r.structure_id), structure_name: r.structure_name,
  first_name: r.first_name, last_name: r.last_name,
});

const mayLinkIn = (user: Express.User, r: { group_id: number; access: string }) =>
  can(user, 'linkYouthFiles', { id: toNumber(r.group_id), access: r.access as 'lead' | 'co_lead' });

/** The file named by a form, through the user's scope: a file they do not see is not there (404). */
export async function otherFileFor(db: Db, user: Express.User, enrolmentId: number): Promise<OtherFile> {
  const row = await filesInScope(db, user).where('other.id', enrolmentId).first();
  if (!row || !mayLinkIn(user, row)) throw notFound();
  return asOtherFile(row);
}

export interface LinkCandidates {
  group_id: number;
  group_name: string;
  structure_name: string;
  files: OtherFile[];
}

/**
 * The files a worker may link this file to: the youths of the groups they lead or co-lead in another
 * structure, not linked already. Listed by group, for the worker to recognise the youth: nothing is matched
 * or suggested by name.
 */
export async function linkCandidates(db: Db, user: Express.User, group: { structure_id: number }): Promise<LinkCandidates[]> {
  const rows: (OtherFile & { access: string })[] = await filesInScope(db, user)
    .whereNot('groups.structure_id', group.structure_id)
    .whereNotExists(db('youth_links').whereNull('undone_at').where((q) => q.whereRaw('youth_links.youth_id = other.youth_id').orWhereRaw('youth_links.other_youth_id = other.youth_id')))
    .orderBy([{ column: 'groups.name' }, { column: 'other_youth.last_name' }, { column: 'other_youth.first_name' }]);
  const byGroup = new Map<number, LinkCandidates>();
  for (const row of rows.filter((r) => mayLinkIn(user, r))) {
    const file = asOtherFile(row);
    const entry = byGroup.get(file.group_id) ?? { group_id: file.group_id, group_name: file.group_name, structure_name: file.structure_name, files: [] };
    entry.files.push(file);
    byGroup.set(file.group_id, entry);
  }
  return [...byGroup.values()];
}

export const LinkForm = z.object({
  otherEnrolmentId: z
    .string({ message: 'participants.link.errors.choose' })
    .regex(/^\d{1,12}$/, { message: 'participants.link.errors.choose' })
    .transform(Number),
});

const refused = (messageKey: string) => new Refusal('otherEnrolmentId', messageKey);

/**
 * Links the file of this group (in its structure) to a file of another structure the user sees. The two
 * files then share one account: the one either had, or, when both had one, the account in use (active),
 * the older first; the other is closed, and given back by the undo.
 */
export async function linkYouthFiles(db: Db, user: Express.User, file: YouthFile, group: { structure_id: number }, other: OtherFile): Promise<number> {
  if (other.structure_id === group.structure_id) throw refused('participants.link.errors.sameStructure');
  if (other.youth_id === file.youth_id) throw refused('participants.link.errors.sameFile');
  return db.transaction(async (trx) => {
    await lockFiles(trx, [file.youth_id, other.youth_id]);
    if ((await activeLinkOf(trx, file.youth_id)) || (await activeLinkOf(trx, other.youth_id))) throw refused('participants.link.errors.alreadyLinked');
    const youths: { id: number; user_id: number | null }[] = await trx('youths').whereIn('id', [file.youth_id, other.youth_id]).select('id', 'user_id');
    const accountIds = [...new Set(youths.map((y) => y.user_id).filter((id): id is number => id !== null).map(Number))];
    const accounts: { id: number; active: boolean }[] = accountIds.length
      ? (await trx('users').whereIn('id', accountIds).select('id', 'active')).map((a: { id: number; active: unknown }) => ({ id: Number(a.id), active: Boolean(a.active) }))
      : [];
    accounts.sort((a, b) => Number(b.active) - Number(a.active) || a.id - b.id);
    const [kept, closed] = accounts;
    if (kept) await trx('youths').whereIn('id', [file.youth_id, other.youth_id]).update({ user_id: kept.id });
    if (closed?.active) await trx('users').where({ id: closed.id }).update({ active: false, updated_at: nowIso() });
    const [row] = await trx('youth_links')
      .insert({
        youth_id: file.youth_id, structure_id: group.structure_id, other_youth_id: other.youth_id, other_structure_id: other.structure_id,
        closed_user_id: closed?.id ?? null, closed_was_active: Boolean(closed?.active), linked_by: user.id, linked_at: nowIso(),
      })
      .returning('id');
    return insertedId(row);
  });
}

/**
 * Undoes the link of this file, for a user who sees the file on the other side too (otherwise, for them,
 * there is no link: 404). Nothing the structures recorded moves; each file gets back its own account: the
 * shared account stays with the file of the structure that opened it, and the other file takes back the
 * account the link closed, or none.
 */
export async function unlinkYouthFile(db: Db, user: Express.User, file: YouthFile): Promise<void> {
  const link = await activeLinkOf(db, file.youth_id);
  if (!link) throw new Refusal('_form', 'participants.link.errors.none');
  const [otherYouthId, otherStructureId] = link.youth_id === file.youth_id ? [link.other_youth_id, link.other_structure_id] : [link.youth_id, link.structure_id];
  const seen = await filesInScope(db, user).where({ 'other.youth_id': otherYouthId, 'groups.structure_id': otherStructureId });
  if (!seen.some((r: { group_id: number; access: string }) => mayLinkIn(user, r))) throw notFound();
  await db.transaction(async (trx) => {
    await lockFiles(trx, [link.youth_id, link.other_youth_id]);
    // Undone by someone else in the meantime: each file has its account back already.
    if (!(await trx('youth_links').where({ id: link.id }).whereNull('undone_at').first('id'))) return;
    const closed = link.closed_user_id ? await trx('users').where({ id: link.closed_user_id }).first('id', 'structure_id') : undefined;
    for (const [youthId, structureId] of [[link.youth_id, link.structure_id], [link.other_youth_id, link.other_structure_id]] as const) {
      const youth = await trx('youths').where({ id: youthId }).first('user_id');
      const account = youth?.user_id ? await trx('users').where({ id: youth.user_id }).first('structure_id') : undefined;
      if (account && Number(account.structure_id) === Number(structureId)) continue;
      const own = closed && Number(closed.structure_id) === Number(structureId) ? Number(closed.id) : null;
      await trx('youths').where({ id: youthId }).update({ user_id: own });
      if (own !== null && link.closed_was_active) await trx('users').where({ id: own }).update({ active: true, updated_at: nowIso() });
    }
    await trx('youth_links').where({ id: link.id }).whereNull('undone_at').update({ undone_at: nowIso(), undone_by: user.id });
  });
}

export interface LinkPanel {
  /** The file on the other side, when the reader sees it; null when there is none, or not for them. */
  linked: (OtherFile & { linked_at: string; linked_by_name: string | null }) | null;
  /** Whether the reader could link this file now: no link yet, and files of another structure in sight. */
  canLink: boolean;
}

/** What the youth's file page says of the link, to a lead of the group; null for anyone else. */
export async function linkPanel(db: Db, user: Express.User, file: YouthFile, group: { id: number; access: string; structure_id: number }): Promise<LinkPanel | null> {
  if (!can(user, 'linkYouthFiles', { id: group.id, access: group.access as 'lead' })) return null;
  const link = await activeLinkOf(db, file.youth_id);
  if (!link) {
    const other = await filesInScope(db, user).whereNot('groups.structure_id', group.structure_id).first();
    return { linked: null, canLink: Boolean(other && mayLinkIn(user, other)) };
  }
  const [otherYouthId, otherStructureId] = link.youth_id === file.youth_id ? [link.other_youth_id, link.other_structure_id] : [link.youth_id, link.structure_id];
  const seen = (await filesInScope(db, user).where({ 'other.youth_id': otherYouthId, 'groups.structure_id': otherStructureId }).orderBy('other.id', 'desc'))
    .find((r: { group_id: number; access: string }) => mayLinkIn(user, r));
  if (!seen) return { linked: null, canLink: false };
  const by = link.linked_by ? await db('users').where({ id: link.linked_by }).first('display_name') : undefined;
  return { linked: { ...asOtherFile(seen), linked_at: link.linked_at, linked_by_name: by?.display_name ?? null }, canLink: false };
}
