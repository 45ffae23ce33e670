import { randomUUID } from 'node:crypto';
import type { Request } from 'express';
import { isUniqueViolation, type Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';

/**
 * A double click sends a creating form twice, sometimes both at once: without this, two groups, two
 * sessions, two restitution events (counted twice in the people reached), two funders (their amounts
 * twice). Each such form carries a fresh random token (views/partials/submission-token.ejs; the group forms
 * keep theirs through a refused send); the first send claims it in form_submissions (its primary key decides between two
 * sends in flight), later sends of the same form create nothing and go where the first went.
 */

export const newSubmissionToken = (): string => randomUUID();

const TOKEN = /^[A-Za-z0-9-]{16,64}$/;
const KEEP_MS = 2 * 24 * 3600_000;
const WAIT_MS = 5000;

/**
 * Runs `create` unless this form was already sent; true when it ran. A form without a token (an old page,
 * a script) is created as before. When `create` fails (a refusal the page shows, an error), the token is
 * given back, so the corrected form can be sent again.
 */
export async function oncePerForm(db: Db, req: Request, create: () => Promise<unknown>): Promise<boolean> {
  const { ran } = await once(db, req, async () => {
    await create();
    return null;
  });
  return ran;
}

/**
 * The same for a form whose answer is the page of the record it makes (a new group): `create` returns the
 * new record's id, kept with the token, and every send of the form answers the id of the one record made.
 * Null only when the first send is still at work after the wait.
 */
export async function oneRecordPerForm(db: Db, req: Request, create: () => Promise<number>): Promise<number | null> {
  return (await once(db, req, create)).recordId;
}

async function once(db: Db, req: Request, create: () => Promise<number | null>): Promise<{ ran: boolean; recordId: number | null }> {
  const token = req.body?.submissionToken;
  if (typeof token !== 'string' || !TOKEN.test(token) || !req.user) return { ran: true, recordId: await create() };
  if (!(await claim(db, token, req.user.id))) {
    const first = await db('form_submissions').where({ token }).first('user_id');
    // Someone else's token (copied from their page) protects nothing of theirs: this form is created.
    if (first && Number(first.user_id) !== req.user.id) return { ran: true, recordId: await create() };
    const outcome = await untilDone(db, token);
    // The first send failed meanwhile (its refusal went to a page the browser has left): this one tries.
    if (outcome === 'given back') return once(db, req, create);
    return { ran: false, recordId: outcome.recordId };
  }
  let recordId: number | null;
  try {
    recordId = await create();
  } catch (err) {
    await db('form_submissions').where({ token }).del();
    throw err;
  }
  await db('form_submissions').where({ token }).update({ done_at: nowIso(), record_id: recordId });
  return { ran: true, recordId };
}

async function claim(db: Db, token: string, userId: number): Promise<boolean> {
  const now = nowIso();
  // Old tokens are of no use once their page is closed; removed here rather than by a scheduled job.
  await db('form_submissions').where('created_at', '<', new Date(Date.now() - KEEP_MS).toISOString()).del();
  try {
    await db('form_submissions').insert({ token, user_id: userId, created_at: now });
    return true;
  } catch (err) {
    if (isUniqueViolation(err)) return false;
    throw err;
  }
}

/** The second click's answer waits for the first's record, so the page it lands on shows it. */
async function untilDone(db: Db, token: string): Promise<{ recordId: number | null } | 'given back'> {
  const deadline = Date.now() + WAIT_MS;
  while (Date.now() < deadline) {
    const row = await db('form_submissions').where({ token }).first('done_at', 'record_id');
    if (!row) return 'given back';
    if (row.done_at) return { recordId: row.record_id === null ? null : Number(row.record_id) };
    await new Promise((r) => setTimeout(r, 50));
  }
  return { recordId: null };
}
