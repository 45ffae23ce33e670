import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { findMeeting, planMeeting, type AttendanceStatus, type MeetingRow } from '../../src/meetings/meeting.js';
import { rejoin, withdraw } from '../../src/participants/withdrawal.js';
import { enrolled, newGroup, youth, type Phase } from '../participants/fixtures.js';

/**
 * A small group of its own, led by Karim, so a test can shape attendance without disturbing the demo
 * groups: youths enrolled on the given days (those in `staying` prepare without being meant to leave),
 * and helpers for sessions with their registers and for youths who leave.
 */
export async function smallGroup(ids: DemoIds, youths: Record<string, string>, staying: string[] = []) {
  const db = testDb();
  const karim = await userFor(db, ids.users.karim);
  const { id: groupId } = await newGroup(db, ids.users.karim, {
    name: 'Groupe témoin', country: 'SN', departureDate: '2027-06-01', returnDate: '2027-06-20',
  });
  const files: Record<string, { enrolment_id: number; group_id: number }> = {};
  const enrolments: Record<string, number> = {};
  for (const [first, enrolledOn] of Object.entries(youths)) {
    files[first] = await enrolled(db, { id: groupId }, youth(first, 'Témoin', { birthDate: '2005-01-01', departing: !staying.includes(first) }), enrolledOn);
    enrolments[first] = files[first]!.enrolment_id;
  }

  /** A session on `day`, planned as the form plans it; with `register`, its register as taken (names → status). */
  async function meeting(day: string, opts: { phase?: Phase; register?: Record<string, AttendanceStatus>; time?: string } = {}): Promise<MeetingRow> {
    const id = await planMeeting(db, karim, groupId, {
      date: day, time: opts.time ?? '18:00', durationMinutes: 120, place: null, type: 'project', phase: opts.phase ?? 'preparation', notes: null,
    });
    if (opts.register) {
      // Written as given, a partial register too (a youth with no line): recordAttendance takes whole registers only.
      const now = new Date().toISOString();
      for (const [first, status] of Object.entries(opts.register)) {
        await db('attendance').insert({ meeting_id: id, enrolment_id: enrolments[first], status, recorded_at: now });
      }
      await db('meetings').where({ id }).update({ register_taken_at: now });
    }
    return (await findMeeting(db, groupId, id))!;
  }

  /** The youth leaves on `on`, and comes back on `rejoinedOn` if given. */
  async function leave(first: string, on: string, rejoinedOn: string | null = null): Promise<void> {
    await withdraw(db, karim, files[first]!, { reason: 'job', note: null, withdrawnOn: on, staysInTouch: false });
    if (rejoinedOn) await rejoin(db, files[first]!, rejoinedOn);
  }

  return { groupId, enrolments, meeting, withdraw: leave };
}

/** The demo Sadiola group's ten participants (those of its registers), by first name; not its peer leader. */
export async function sadiolaEnrolments(ids: DemoIds): Promise<Record<string, number>> {
  const rows: { id: number; first_name: string }[] = await testDb()('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': ids.groups.sadiola, 'enrolments.role': 'participant' })
    .select('enrolments.id', 'youths.first_name');
  return Object.fromEntries(rows.map((r) => [r.first_name, Number(r.id)]));
}
