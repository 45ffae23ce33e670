import { createHash, randomInt } from 'node:crypto';
import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { Refusal } from '../http/refusal.js';
import { setCredentials, type UserRow } from '../users/user.js';

// No 0/O, 1/I/L: the code is read aloud or copied from a sheet of paper by someone who may read little.
const ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const LENGTH = 8;
export const CODE_VALIDITY_DAYS = 14;

export const normaliseCode = (input: string): string => input.toUpperCase().replace(/[^A-Z0-9]/g, '');
export const formatCode = (code: string): string => `${code.slice(0, 4)}-${code.slice(4)}`;
const hashCode = (code: string): string => createHash('sha256').update(normaliseCode(code)).digest('hex');

export interface IssuedCode {
  code: string;
  expiresAt: string;
}

/** A new code replaces any earlier unused one: only the last sheet handed to the youth works. */
export async function issueCode(db: Db, userId: number, createdBy: number | null): Promise<IssuedCode> {
  let code = '';
  for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
  const now = nowIso();
  const expiresAt = dayjs().add(CODE_VALIDITY_DAYS, 'day').toISOString();
  await db.transaction(async (trx) => {
    await trx('one_time_codes').where({ user_id: userId }).whereNull('used_at').update({ used_at: now });
    await trx('one_time_codes').insert({
      user_id: userId, code_hash: hashCode(code), created_by: createdBy, expires_at: expiresAt, created_at: now,
    });
  });
  return { code: formatCode(code), expiresAt };
}

/** The account a code would open, if the code is still good (not used, not expired, account active). */
export async function findRedeemable(db: Db, code: string): Promise<UserRow | undefined> {
  if (normaliseCode(code).length !== LENGTH) return undefined;
  return db<UserRow>('users')
    .join('one_time_codes', 'one_time_codes.user_id', 'users.id')
    .where('one_time_codes.code_hash', hashCode(code))
    .whereNull('one_time_codes.used_at')
    .where('one_time_codes.expires_at', '>', nowIso())
    .where('users.active', true)
    .first('users.*');
}

/**
 * Spends the code and sets the youth's username and password in one transaction. The conditional update
 * is what makes the code single-use even when two phones submit it at the same moment. A code that does
 * not open an account is refused on `code`; a username already taken, on `username` (the code was good).
 */
export async function redeemCode(db: Db, code: string, username: string, password: string): Promise<UserRow> {
  return db.transaction(async (trx) => {
    const user = await findRedeemable(trx, code);
    if (!user) throw new Refusal('code', 'auth.codeInvalid');
    const spent = await trx('one_time_codes')
      .where({ code_hash: hashCode(code) })
      .whereNull('used_at')
      .update({ used_at: nowIso() });
    if (spent !== 1) throw new Refusal('code', 'auth.codeInvalid');
    await setCredentials(trx, user.id, username, password);
    return { ...user, username };
  });
}

export function pendingCode(db: Db, userId: number): Promise<{ expires_at: string } | undefined> {
  return db('one_time_codes')
    .where({ user_id: userId })
    .whereNull('used_at')
    .where('expires_at', '>', nowIso())
    .first('expires_at');
}
