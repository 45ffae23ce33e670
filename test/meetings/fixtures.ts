import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import type { AttendanceStatus, MeetingRow } from '../../src/meetings/meeting.js';

const now = () => new Date().toISOString();
const idOf = (row: unknown): number => Number(typeof row === 'object' && row ? (row as { id: number }).id : row);

/**
 * A small group of its own, led by Karim, so a test can shape attendance without disturbing the demo
 * groups: youths enrolled on the given days, and a helper for sessions with their registers.
 */
export async function smallGroup(ids: DemoIds, youths: Record<string, string>, phase = 'preparation') {
  const db = testDb();
  const groupId = idOf(
    (await db('groups').insert({
      name: 'Groupe témoin', structure_id: ids.structures['Mission locale du Douaisis'], destination_country: 'SN', phase,
      departure_date: '2027-06-01', return_date: '2027-06-20', created_at: now(), updated_at: now(),
    }).returning('id'))[0],
  );
  await db('group_workers').insert({ group_id: groupId, user_id: ids.users.karim, role: 'lead' });
  const enrolments: Record<string, number> = {};
  for (const [first, enrolledOn] of Object.entries(youths)) {
    const youthId = idOf((await db('youths').insert({ first_name: first, last_name: 'Témoin', birth_date: '2005-01-01', created_at: now() }).returning('id'))[0]);
    enrolments[first] = idOf((await db('enrolments').insert({ group_id: groupId, youth_id: youthId, enrolled_on: enrolledOn, created_at: now() }).returning('id'))[0]);
  }

  /** A session on `day`; with `register`, its register as taken (names → status). */
  async function meeting(day: string, opts: { phase?: string; register?: Record<string, AttendanceStatus>; time?: string } = {}): Promise<MeetingRow> {
    const id = idOf(
      (await db('meetings').insert({
        group_id: groupId, starts_at: `${day}T${opts.time ?? '18:00'}`, duration_minutes: 120, type: 'project', phase: opts.phase ?? 'preparation',
        register_taken_at: opts.register ? now() : null, created_at: now(),
      }).returning('id'))[0],
    );
    for (const [first, status] of Object.entries(opts.register ?? {})) {
      await db('attendance').insert({ meeting_id: id, enrolment_id: enrolments[first], status, recorded_at: now() });
    }
    return db('meetings').where({ id }).first();
  }

  async function withdraw(first: string, on: string, rejoinedOn: string | null = null): Promise<void> {
    await db('withdrawals').insert({ enrolment_id: enrolments[first], phase: 'preparation', withdrawn_on: on, reason: 'job', rejoined_on: rejoinedOn, created_at: now() });
    if (!rejoinedOn) await db('enrolments').where({ id: enrolments[first] }).update({ status: 'withdrawn' });
  }

  return { groupId, enrolments, meeting, withdraw };
}

/** The demo Sadiola group's ten participants (those of its registers), by first name; not its peer leader. */
export async function sadiolaEnrolments(ids: DemoIds): Promise<Record<string, number>> {
  const rows: { id: number; first_name: string }[] = await testDb()('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': ids.groups.sadiola, 'enrolments.role': 'participant' })
    .select('enrolments.id', 'youths.first_name');
  return Object.fromEntries(rows.map((r) => [r.first_name, Number(r.id)]));
}
