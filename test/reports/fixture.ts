import type { Db } from '../../src/db/knex.js';
import { insertedId } from '../../src/db/knex.js';
import { hashPassword } from '../../src/auth/passwords.js';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { emptyDatabase } from '../support/database.js';

/**
 * The issue's known fixture, in a database of its own (every other row removed):
 *
 * Sadiola (Mali, departed 2024-03-01, back 2024-03-20, now "after the project"), led by Karim:
 * - 10 youths enrolled; 5 withdrew during the preparation — 2 found a job, 1 pregnancy, 2 lost contact —,
 *   3 of those 5 still in touch (both jobs and the pregnancy);
 * - 5 departed and returned; 4 of them presented at the first restitution event;
 * - 3 restitution events with 40, 25 and 60 people (125 reached, 25 per departed youth);
 * - follow-ups at 6 months done for 7 youths (the 5 who departed, Samir and Awa who stay in touch), 4 in a
 *   job or training; at 12 months planned for the same 7, done for 3 only (4 overdue);
 * - 2 preparation meetings: 12 attended out of 14 counted (one excused line left out): 86 %;
 * - self-assessment before for the 5 departed, after for 4 of them (one missing).
 *
 * Bafou (Cameroon, 2025, in preparation, 4 youths) and Kawara (Burkina Faso, 2023, back, 3 youths, no
 * restitution event yet) are led by Élodie: they must not show in Karim's figures nor in 2024's.
 */
export interface ReportFixture {
  users: { director: number; admin: number; karim: number; elodie: number };
  groups: { sadiola: number; bafou: number; kawara: number };
  structure: number;
  /** Enrolment ids of Sadiola, in the order of SADIOLA_YOUTHS. */
  sadiola: number[];
}

export const LOGINS = {
  director: 'direction@rapport.test',
  admin: 'admin@rapport.test',
  karim: 'karim@rapport.test',
  elodie: 'elodie@rapport.test',
};

type Withdrawal = { reason: string; inTouch: boolean };
// first, last, situation at enrolment, withdrawal
const SADIOLA_YOUTHS: [string, string, string, Withdrawal | null][] = [
  ['Inès', 'Diallo', 'job_seeking', null],
  ['François', 'Lefèvre', 'job_seeking', null],
  ['Léa', 'Cœurdevey', 'school', null],
  ['Yanis', 'Benchikh', 'job_seeking', null],
  ['Maëlle', 'Dupont', 'training', null],
  ['Samir', 'Haddad', 'job_seeking', { reason: 'job', inTouch: true }],
  ['Chloé', 'Martin', 'employed', { reason: 'job', inTouch: true }],
  ['Awa', 'Traoré', 'job_seeking', { reason: 'pregnancy', inTouch: true }],
  ['Kevin', 'Lemaire', 'job_seeking', { reason: 'lost_contact', inTouch: false }],
  ['Jordan', 'Petit', 'school', { reason: 'lost_contact', inTouch: false }],
];

export const FIXTURE_YOUTH_NAMES = SADIOLA_YOUTHS.map(([f, l]) => `${f} ${l}`);
export const SADIOLA_NAME = 'Échanges à Sadiola « Cœur d’Ostrevent »';

export async function loadReportFixture(db: Db): Promise<ReportFixture> {
  await emptyDatabase(db);
  const now = '2024-01-01T09:00:00.000Z';
  const hash = await hashPassword(DEMO_PASSWORD);
  const id = async (table: string, row: Record<string, unknown>) => insertedId((await db(table).insert(row).returning('id'))[0]);
  const structure = await id('structures', { name: 'Mission locale du Douaisis', town: 'Douai', created_at: now });
  const user = (role: string, email: string, name: string) =>
    id('users', { role, email, display_name: name, password_hash: hash, active: true, structure_id: structure, created_at: now, updated_at: now });
  const users = {
    director: await user('director', LOGINS.director, 'Françoise Delcroix'),
    admin: await user('admin', LOGINS.admin, 'Alice Admin'),
    karim: await user('worker', LOGINS.karim, 'Karim Benali'),
    elodie: await user('worker', LOGINS.elodie, 'Élodie Martin'),
  };
  const group = async (name: string, country: string, departure: string, back: string, phase: string, lead: number) => {
    const g = await id('groups', {
      name, structure_id: structure, destination_country: country, departure_date: departure, return_date: back, phase,
      created_by: lead, created_at: now, updated_at: now,
    });
    await db('group_workers').insert({ group_id: g, user_id: lead, role: 'lead' });
    return g;
  };
  const groups = {
    sadiola: await group(SADIOLA_NAME, 'ML', '2024-03-01', '2024-03-20', 'after', users.karim),
    bafou: await group('Chantier à Bafou', 'CM', '2025-06-01', '2025-06-20', 'preparation', users.elodie),
    kawara: await group('Jumelage Kawara', 'BF', '2023-07-01', '2023-07-20', 'return', users.elodie),
  };
  const enrol = async (groupId: number, first: string, last: string, situation: string | null, status = 'enrolled') => {
    const y = await id('youths', { first_name: first, last_name: last, birth_date: '2005-05-05', created_at: now });
    return id('enrolments', { group_id: groupId, youth_id: y, role: 'participant', status, enrolled_on: '2023-09-01', situation_at_enrolment: situation, created_at: now });
  };

  const sadiola: number[] = [];
  for (const [first, last, situation, w] of SADIOLA_YOUTHS) {
    const e = await enrol(groups.sadiola, first, last, situation, w ? 'withdrawn' : 'enrolled');
    sadiola.push(e);
    if (w) {
      await db('withdrawals').insert({
        enrolment_id: e, phase: 'preparation', withdrawn_on: '2023-12-01', reason: w.reason, stays_in_touch: w.inTouch, recorded_by: users.karim, created_at: now,
      });
    }
  }
  for (const [first, last] of [['Paul', 'Ngassa'], ['Mireille', 'Fotso'], ['Brice', 'Tchoua'], ['Aline', 'Kamga']]) await enrol(groups.bafou, first!, last!, 'job_seeking');
  for (const [first, last] of [['Oumar', 'Sawadogo'], ['Julie', 'Roux'], ['Hugo', 'Blanc']]) await enrol(groups.kawara, first!, last!, 'employed');

  const departed = sadiola.slice(0, 5);
  // Two preparation meetings with their registers: 8 attended of 10 (1 late), then 4 of 4 counted (1 excused).
  const meeting = (startsAt: string) =>
    id('meetings', { group_id: groups.sadiola, starts_at: startsAt, type: 'project', phase: 'preparation', register_taken_at: now, created_by: users.karim, created_at: now });
  const m1 = await meeting('2023-10-01T14:00');
  const m2 = await meeting('2024-01-15T14:00');
  const statuses1 = ['present', 'present', 'present', 'present', 'present', 'present', 'present', 'late', 'absent', 'absent'];
  for (const [i, e] of sadiola.entries()) await db('attendance').insert({ meeting_id: m1, enrolment_id: e, status: statuses1[i], recorded_at: now });
  const statuses2 = ['present', 'present', 'present', 'present', 'excused'];
  for (const [i, e] of departed.entries()) await db('attendance').insert({ meeting_id: m2, enrolment_id: e, status: statuses2[i], recorded_at: now });

  // Restitution: 40, 25 and 60 people; the first four departed youths presented at the first event.
  const events: number[] = [];
  for (const [day, people] of [['2024-04-10', 40], ['2024-05-02', 25], ['2024-11-20', 60]] as const) {
    events.push(await id('restitution_events', { group_id: groups.sadiola, held_on: day, type: 'school', audience_total: people, created_at: now, updated_at: now }));
  }
  for (const e of departed.slice(0, 4)) await db('restitution_presenters').insert({ event_id: events[0], enrolment_id: e });

  // Follow-ups of the 5 who departed and 2 of the 3 who stay in touch (Samir, Awa): 7 youths.
  const followed = [...departed, sadiola[5]!, sadiola[7]!];
  const at6 = ['employed', 'training', 'school', 'job_seeking', 'employed', 'training', 'job_seeking'];
  const engagement6: Record<number, Record<string, boolean>> = {
    0: { volunteering: true, joined_council: true }, 1: { volunteering: true }, 4: { created_association: true },
  };
  for (const [i, e] of followed.entries()) {
    await db('follow_ups').insert({
      enrolment_id: e, milestone_months: 6, due_on: '2024-09-20', done_on: '2024-09-25', reached: true, situation: at6[i],
      ...(engagement6[i] ?? {}), recorded_by: users.karim, created_at: now, updated_at: now,
    });
    // At 12 months: done for Inès, Léa and Yanis only; François, Maëlle, Samir and Awa are overdue.
    const done12 = [0, 2, 3].includes(i);
    await db('follow_ups').insert({
      enrolment_id: e, milestone_months: 12, due_on: '2025-03-20', done_on: done12 ? '2025-03-25' : null, reached: done12 ? true : null,
      situation: done12 ? (i === 3 ? 'job_seeking' : 'employed') : null, recorded_by: users.karim, created_at: now, updated_at: now,
    });
  }

  // Self-assessment: before for the five departed, after for four (Maëlle's is missing).
  // Emptying the database took the competences the migration had written: two are enough here.
  await db('competences').insert([
    { key: 'language', label_fr: 'Parler une autre langue', label_en: 'Speaking another language', position: 1, active: true, created_at: now, updated_at: now },
    { key: 'confidence', label_fr: 'Avoir confiance en moi', label_en: 'Believing in myself', position: 2, active: true, created_at: now, updated_at: now },
  ]);
  const competences = await db('competences').whereIn('key', ['language', 'confidence']).orderBy('position').select('id', 'key');
  const language = competences.find((c) => c.key === 'language')!.id;
  const confidence = competences.find((c) => c.key === 'confidence')!.id;
  const before = { language: [2, 2, 3, 1, 2], confidence: [3, 3, 3, 3, 3] };
  const after = { language: [4, 3, 4, 3], confidence: [4, 4, 5, 3] };
  for (const [i, e] of departed.entries()) {
    const b = await id('assessments', { enrolment_id: e, moment: 'before', filled_at: now });
    await db('assessment_answers').insert([{ assessment_id: b, competence_id: language, score: before.language[i] }, { assessment_id: b, competence_id: confidence, score: before.confidence[i] }]);
    if (i < 4) {
      const a = await id('assessments', { enrolment_id: e, moment: 'after', filled_at: now });
      await db('assessment_answers').insert([{ assessment_id: a, competence_id: language, score: after.language[i] }, { assessment_id: a, competence_id: confidence, score: after.confidence[i] }]);
    }
  }
  return { users, groups, structure, sadiola };
}
