import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import type { GroupAccess, GroupRecord } from '../auth/permissions.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';

export const PHASES = ['preparation', 'departure', 'stay', 'return', 'restitution', 'after'] as const;
export type Phase = (typeof PHASES)[number];

export interface GroupRow {
  id: number;
  name: string;
  structure_id: number;
  destination_country: string;
  destination_place: string | null;
  partner_name: string | null;
  partner_contact: string | null;
  theme: string | null;
  departure_date: string | null;
  return_date: string | null;
  phase: Phase;
  created_at: string;
  updated_at: string;
}

export type ScopedGroup = GroupRow & GroupRecord & { structure_name: string };

/**
 * The groups a user may see, with how they reach each one. Every group page starts from here, so a group
 * outside a user's scope is simply not found.
 */
export function scopedGroups(db: Db, user: Express.User): Knex.QueryBuilder {
  const q = db('groups').join('structures', 'structures.id', 'groups.structure_id');
  switch (user.role) {
    case 'director':
      return q.select('groups.*', 'structures.name as structure_name', db.raw("'director' as access"));
    case 'worker':
      return q
        .join('group_workers', function () {
          this.on('group_workers.group_id', 'groups.id').andOnVal('group_workers.user_id', user.id);
        })
        .select('groups.*', 'structures.name as structure_name', 'group_workers.role as access');
    case 'youth':
      return q
        .join('enrolments', 'enrolments.group_id', 'groups.id')
        .join('youths', function () {
          this.on('youths.id', 'enrolments.youth_id').andOnVal('youths.user_id', user.id);
        })
        .select('groups.*', 'structures.name as structure_name', db.raw("'youth' as access"));
    default:
      return q.whereRaw('1 = 0').select('groups.*', 'structures.name as structure_name', db.raw("'none' as access"));
  }
}

export async function findVisibleGroup(db: Db, user: Express.User, id: number): Promise<ScopedGroup | undefined> {
  return scopedGroups(db, user).where('groups.id', id).first();
}

/** The group named in a URL, through the user's scope: outside it, the group does not exist (404). */
export async function loadVisibleGroup(db: Db, user: Express.User, idParam: string | string[] | undefined): Promise<ScopedGroup> {
  const group = await findVisibleGroup(db, user, parseId(idParam));
  if (!group) throw notFound();
  return group;
}

export interface GroupListItem extends ScopedGroup {
  enrolled_count: number;
}

export async function listVisibleGroups(db: Db, user: Express.User): Promise<GroupListItem[]> {
  const enrolled = db('enrolments')
    .count('*')
    .whereRaw('enrolments.group_id = groups.id')
    .andWhere('enrolments.status', 'enrolled')
    .as('enrolled_count');
  const rows: GroupListItem[] = await scopedGroups(db, user)
    .select(enrolled)
    .orderByRaw('groups.departure_date desc, groups.name');
  return rows.map((r) => ({ ...r, enrolled_count: toNumber(r.enrolled_count) }));
}

export interface GroupWorker {
  user_id: number;
  display_name: string;
  role: 'lead' | 'co_lead';
}

export function listWorkers(db: Db, groupId: number): Promise<GroupWorker[]> {
  return db('group_workers')
    .join('users', 'users.id', 'group_workers.user_id')
    .where('group_workers.group_id', groupId)
    .orderBy([{ column: 'group_workers.role', order: 'desc' }, { column: 'users.display_name' }])
    .select('group_workers.user_id', 'users.display_name', 'group_workers.role');
}

export type { GroupAccess };
