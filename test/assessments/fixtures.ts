import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { listCompetences } from '../../src/assessments/competence.js';
import { openYouthAccount } from '../../src/participants/participant.js';
import { redeemCode } from '../../src/auth/one-time-code.js';
import { enrolled, newGroup, putInPhase, youth, type Phase } from '../participants/fixtures.js';

export const YOUTH_PASSWORD = 'mon-avant-apres';

/**
 * A group of its own, led by Karim, in preparation, with youths who each have an account (username =
 * first name in lower case, then the group's id), opened by Karim and redeemed by the youth, so a test can
 * fill their assessments without touching the demo groups.
 */
export async function assessedGroup(ids: DemoIds, firstNames: string[]) {
  const db = testDb();
  const karim = await userFor(db, ids.users.karim);
  const group = await newGroup(db, ids.users.karim, {
    name: `Groupe évalué ${Math.random().toString(36).slice(2, 7)}`, country: 'SN',
    departureDate: '2027-06-01', returnDate: '2027-06-20',
  });
  const youths: Record<string, { enrolmentId: number; userId: number; user: Express.User; username: string }> = {};
  for (const first of firstNames) {
    const file = await enrolled(db, group, youth(first, 'Évalué', { birthDate: '2005-01-01' }), '2026-01-10');
    const { userId, issued } = await openYouthAccount(db, karim, file);
    const username = `${first.toLowerCase()}.${group.id}`;
    await redeemCode(db, issued.code, username, YOUTH_PASSWORD);
    youths[first] = { enrolmentId: file.enrolment_id, userId, user: await userFor(db, userId), username };
  }
  return { groupId: group.id, youths, setPhase: (p: Phase) => putInPhase(db, group, p) };
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
