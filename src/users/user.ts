import { z } from 'zod';
import { insertedId, isUniqueViolation } from '../db/knex.js';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { hashPassword, PASSWORD_MIN_LENGTH } from '../auth/passwords.js';
import { endSessionsOf } from '../auth/session-store.js';
import { Refusal } from '../http/refusal.js';

/**
 * The roles of a structure's own accounts (its admin manages them), and the two above the structures: the
 * coordinator of a network, who reads its figures, and the platform's admin, who opens networks and structures.
 */
export const ROLES = ['admin', 'director', 'worker', 'youth'] as const;
export const PLATFORM_ROLES = ['platform_admin', 'coordinator'] as const;
export type Role = (typeof ROLES)[number] | (typeof PLATFORM_ROLES)[number];
export const STAFF_ROLES = ['admin', 'director', 'worker'] as const;

export interface UserRow {
  id: number;
  role: Role;
  email: string | null;
  username: string | null;
  display_name: string;
  password_hash: string | null;
  active: boolean | number;
  locale: string | null;
  /** Null only for the platform's accounts: the platform admin, and a coordinator (who has `network_id`). */
  structure_id: number | null;
  network_id: number | null;
  created_at: string;
  updated_at: string;
}

export function toSessionUser(row: UserRow): Express.User {
  return {
    id: row.id,
    role: row.role,
    displayName: row.display_name,
    email: row.email,
    username: row.username,
    locale: row.locale,
    structureId: row.structure_id === null || row.structure_id === undefined ? null : Number(row.structure_id),
    networkId: row.network_id === null || row.network_id === undefined ? null : Number(row.network_id),
  };
}

export const isActive = (row: Pick<UserRow, 'active'>): boolean => Boolean(row.active);

export function findById(db: Db, id: number): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id }).first();
}

/** Staff sign in with their e-mail, youths with the username they chose. */
export function findBySignInName(db: Db, name: string): Promise<UserRow | undefined> {
  const n = name.trim().toLowerCase();
  return db<UserRow>('users').where('email', n).orWhere('username', n).first();
}

export async function countUsers(db: Db): Promise<number> {
  const row = await db('users').count<{ n: number | string }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

/** A structure's accounts: what its admin lists and manages. */
export function listAccounts(db: Db, structureId: number | null, filter: { role?: Role } = {}): Promise<UserRow[]> {
  const q = db<UserRow>('users').where('structure_id', structureId ?? -1).orderBy([{ column: 'role' }, { column: 'display_name' }]);
  if (filter.role) q.where('role', filter.role);
  return q;
}

/** An account of this structure, or nothing: its admin reaches no other structure's accounts. */
export function findInStructure(db: Db, structureId: number | null, id: number): Promise<UserRow | undefined> {
  return db<UserRow>('users').where({ id, structure_id: structureId ?? -1 }).first();
}

const trimmed = (max: number) => z.string().trim().max(max, { message: 'validation.tooLong' });
const email = z
  .string()
  .trim()
  .toLowerCase()
  .min(1, { message: 'validation.required' })
  .max(254, { message: 'validation.tooLong' })
  .pipe(z.email({ message: 'validation.email' }));
const displayName = trimmed(120).min(1, { message: 'validation.required' });
export const password = z
  .string()
  .min(PASSWORD_MIN_LENGTH, { message: 'validation.passwordTooShort' })
  .max(200, { message: 'validation.tooLong' });

/** One schema per form: the admin's "new account" form. */
export const NewAccountForm = z.discriminatedUnion('role', [
  z.object({ role: z.enum(['admin', 'director', 'worker']), displayName, email, password }),
  z.object({ role: z.literal('youth'), displayName }),
]);
export type NewAccount = z.infer<typeof NewAccountForm>;

export const FirstAdminForm = z.object({ displayName, email, password });

/** Where an account belongs: a structure, or for a coordinator a network. */
export interface Placement {
  structureId?: number | null;
  networkId?: number | null;
}

export type AccountToCreate = NewAccount | { role: 'platform_admin' | 'coordinator'; displayName: string; email: string; password: string };

export async function createAccount(db: Db, account: AccountToCreate, place: Placement = {}): Promise<UserRow> {
  const now = nowIso();
  const row = {
    role: account.role,
    structure_id: place.structureId ?? null,
    network_id: place.networkId ?? null,
    display_name: account.displayName,
    email: account.role === 'youth' ? null : account.email,
    password_hash: account.role === 'youth' ? null : await hashPassword(account.password),
    active: true,
    created_at: now,
    updated_at: now,
  };
  try {
    const [inserted] = await db('users').insert(row).returning('id');
    return (await findById(db, insertedId(inserted)))!;
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refusal('email', 'validation.emailTaken');
    throw err;
  }
}

export async function setActive(db: Db, id: number, active: boolean): Promise<void> {
  await db('users').where({ id }).update({ active, updated_at: nowIso() });
}

export async function setLocale(db: Db, id: number, locale: string): Promise<void> {
  await db('users').where({ id }).update({ locale, updated_at: nowIso() });
}

/** A youth's chosen username: short, easy to type on a phone, no e-mail needed. */
export const username = z
  .string()
  .trim()
  .toLowerCase()
  .min(3, { message: 'validation.usernameTooShort' })
  .max(32, { message: 'validation.tooLong' })
  .regex(/^[a-z0-9._-]+$/, { message: 'validation.usernameChars' });

/**
 * Sets the sign-in name and a new password. Whoever signed in with the old password (a lost phone, a
 * friend who watched it typed) is signed out everywhere: the caller signs the new session in afterwards.
 */
export async function setCredentials(db: Db, id: number, name: string, pass: string): Promise<void> {
  try {
    await db('users').where({ id }).update({ username: name, password_hash: await hashPassword(pass), updated_at: nowIso() });
    await endSessionsOf(db, id);
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refusal('username', 'validation.usernameTaken');
    throw err;
  }
}


/** The account page's one choice: the morning e-mail, a checkbox (absent when unticked). */
export const AccountPreferencesForm = z.object({
  morningEmail: z.enum(['yes'], { message: 'users.account.invalid' }).optional(),
});
