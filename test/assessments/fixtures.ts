import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { createAccount, setCredentials, toSessionUser } from '../../src/users/user.js';
import type { Phase } from '../../src/phases/order.js';
import { listCompetences } from '../../src/assessments/competence.js';

const now = () => new Date().toISOString();
const idOf = (row: unknown): number => Number(typeof row === 'object' && row ? (row as { id: number }).id : row);

export const YOUTH_PASSWORD = 'mon-avant-apres';

/**
 * A group of its own, led by Karim, in the given phase, with youths who each have an account (username =
 * first name in lower case), so a test can fill their assessments without touching the demo groups.
 */
export async function assessedGroup(ids: DemoIds, firstNames: string[], phase: Phase = 'preparation') {
  const db = testDb();
  const groupId = idOf(
    (await db('groups').insert({
      name: `Groupe évalué ${Math.random().toString(36).slice(2, 7)}`, structure_id: ids.structures['Mission locale du Douaisis'],
      destination_country: 'SN', phase, departure_date: '2027-06-01', return_date: '2027-06-20', created_at: now(), updated_at: now(),
    }).returning('id'))[0],
  );
  await db('group_workers').insert({ group_id: groupId, user_id: ids.users.karim, role: 'lead' });
  const youths: Record<string, { enrolmentId: number; userId: number; user: Express.User; username: string }> = {};
  for (const first of firstNames) {
    const account = await createAccount(db, { role: 'youth', displayName: `${first} Évalué` });
    const username = `${first.toLowerCase()}.${groupId}`;
    await setCredentials(db, account.id, username, YOUTH_PASSWORD);
    const youthId = idOf((await db('youths').insert({ user_id: account.id, first_name: first, last_name: 'Évalué', birth_date: '2005-01-01', created_at: now() }).returning('id'))[0]);
    const enrolmentId = idOf((await db('enrolments').insert({ group_id: groupId, youth_id: youthId, enrolled_on: '2026-01-10', created_at: now() }).returning('id'))[0]);
    youths[first] = { enrolmentId, userId: account.id, user: toSessionUser((await db('users').where({ id: account.id }).first())!), username };
  }
  return { groupId, youths, setPhase: (p: Phase) => db('groups').where({ id: groupId }).update({ phase: p }) };
}

/** Answers for every active competence: `scores` in the list's order, the last one repeated if short. */
export async function answersFor(scores: number[]): Promise<Map<number, number>> {
  const competences = await listCompetences(testDb(), { activeOnly: true });
  return new Map(competences.map((c, i) => [c.id, scores[Math.min(i, scores.length - 1)]!]));
}

/** The same, as the form's fields (`score_<key>`). */
export async function formFor(scores: number[], extra: Record<string, string> = {}): Promise<Record<string, string>> {
  const competences = await listCompetences(testDb(), { activeOnly: true });
  return { ...Object.fromEntries(competences.map((c, i) => [`score_${c.key}`, String(scores[Math.min(i, scores.length - 1)])])), ...extra };
}
