import { randomBytes } from 'node:crypto';
import { insertedId } from '../db/knex.js';
import { z } from 'zod';
import dayjs from 'dayjs';
import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { can, type GroupRecord } from '../auth/permissions.js';
import { hasLeft, PHASES, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';
import { calendarDate, optionalText } from '../http/validation.js';

/*
 * Preparation sessions ("séances") are called meetings in the code, to keep them apart from HTTP sessions.
 * A meeting's time is the structure's wall-clock time ('YYYY-MM-DDTHH:mm', Europe/Paris): what the worker
 * typed is what the youths read, and no server time zone can move it.
 */

export const MEETING_TYPES = [
  'project', 'language', 'intercultural', 'association', 'fundraising', 'rehearsal', 'restitution', 'other',
] as const;
export type MeetingType = (typeof MEETING_TYPES)[number];

export const ATTENDANCE_STATUSES = ['present', 'late', 'excused', 'absent'] as const;
export type AttendanceStatus = (typeof ATTENDANCE_STATUSES)[number];

export const MEETING_TIME_ZONE = 'Europe/Paris';
/** The durations the form offers; anything from 15 minutes to 12 hours is accepted. */
export const DURATION_CHOICES = [30, 45, 60, 90, 120, 150, 180, 240, 300, 360, 480] as const;
export const DURATION_MIN = 15;
export const DURATION_MAX = 720;

export interface MeetingRow {
  id: number;
  group_id: number;
  starts_at: string;
  duration_minutes: number;
  place: string | null;
  type: MeetingType;
  phase: Phase;
  notes: string | null;
  register_taken_at: string | null;
  created_by: number | null;
  created_at: string;
}

/** A meeting of the list, with how its register came out (all zero while no register was taken). */
export interface MeetingListItem extends MeetingRow {
  present: number;
  late: number;
  excused: number;
  absent: number;
}

// One formatter for the process: building an Intl.DateTimeFormat costs far more than using one, and the
// home page and the youth's journey ask for the local time on every request (3% of the server's CPU in
// `npm run bench:http` when it was built per call).
const WALL_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: MEETING_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
});

// The last minute read, since what it reads changes once a minute: formatToParts cost about 0.4 ms, and
// the register form asked it three times per request (a tenth of that page's CPU under `npm run bench:http`).
let lastMinute = Number.NaN;
let lastReading = '';

/** Now, as a wall clock in the structures' time zone reads it: 'YYYY-MM-DDTHH:mm'. */
export function localNow(at: Date = new Date()): string {
  // Every time zone's offset is a whole number of minutes: the reading depends on the minute alone.
  const minute = Math.floor(at.getTime() / 60_000);
  if (minute !== lastMinute) {
    const parts = Object.fromEntries(WALL_CLOCK.formatToParts(at).map((p) => [p.type, p.value]));
    lastReading = `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
    lastMinute = minute;
  }
  return lastReading;
}

export const localToday = (at: Date = new Date()): string => localNow(at).slice(0, 10);
export const meetingDate = (m: Pick<MeetingRow, 'starts_at'>): string => m.starts_at.slice(0, 10);
export const meetingTime = (m: Pick<MeetingRow, 'starts_at'>): string => m.starts_at.slice(11, 16);
/** A meeting stays "upcoming" for the whole of its day, so the day's session is on top of the list. */
export const isUpcoming = (m: Pick<MeetingRow, 'starts_at'>, today = localToday()): boolean => meetingDate(m) >= today;

// ---------------------------------------------------------------------------------------------------
// The form

// A field that is present but wrong gets a message that says what is expected for that field ("between 15
// minutes and 12 hours"), rather than a bare "not valid".
export const MeetingForm = z.object({
  date: calendarDate,
  time: z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, { message: 'validation.required' })
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'meetings.form.timeInvalid' }),
  durationMinutes: z
    .string({ message: 'validation.required' })
    .trim()
    .min(1, { message: 'validation.required' })
    .regex(/^\d{1,6}$/, { message: 'meetings.form.durationInvalid' })
    .transform(Number)
    .refine((n) => n >= DURATION_MIN && n <= DURATION_MAX, { message: 'meetings.form.durationInvalid' }),
  place: optionalText(160),
  type: z.enum(MEETING_TYPES, { message: 'meetings.form.typeInvalid' }),
  phase: z.enum(PHASES, { message: 'meetings.form.phaseInvalid' }),
  notes: optionalText(2000),
});
export type MeetingInput = z.infer<typeof MeetingForm>;

/** What the edit form shows for a meeting that exists. */
export function meetingFormValues(m: MeetingRow): Record<string, string> {
  return {
    date: meetingDate(m), time: meetingTime(m), durationMinutes: String(m.duration_minutes),
    place: m.place ?? '', type: m.type, phase: m.phase, notes: m.notes ?? '',
  };
}

/** What the new-meeting form starts with: the group's current phase, two hours, the usual evening slot. */
export function newMeetingValues(groupPhase: Phase): Record<string, string> {
  return { date: '', time: '18:00', durationMinutes: '120', place: '', type: 'project', phase: groupPhase, notes: '' };
}

// ---------------------------------------------------------------------------------------------------
// Planning

const toRow = (input: MeetingInput) => ({
  starts_at: `${input.date}T${input.time}`,
  duration_minutes: input.durationMinutes,
  place: input.place,
  type: input.type,
  phase: input.phase,
  notes: input.notes,
});

export async function planMeeting(db: Db, user: Express.User, groupId: number, input: MeetingInput): Promise<number> {
  const [row] = await db('meetings')
    .insert({ group_id: groupId, ...toRow(input), created_by: user.id, created_at: nowIso() })
    .returning('id');
  return insertedId(row);
}

export async function updateMeeting(db: Db, meeting: MeetingRow, input: MeetingInput): Promise<void> {
  await db('meetings').where({ id: meeting.id, group_id: meeting.group_id }).update(toRow(input));
}

/** The delete button of the edit page, with its box "and its register" ticked or not. */
export const DeleteMeetingForm = z.object({ confirm: z.unknown().optional() }).transform((f) => ({ confirmLosingRegister: f.confirm === 'yes' }));

/**
 * Deleting a meeting whose register was taken would erase the youths' attendance with it, and change
 * their rates: that needs an explicit confirmation (`confirmLosingRegister`), else it is refused with a
 * message saying so. A meeting without a register goes at once.
 */
export async function deleteMeeting(db: Db, meeting: MeetingRow, opts: { confirmLosingRegister: boolean }): Promise<void> {
  await db.transaction(async (trx) => {
    const current: MeetingRow | undefined = await trx('meetings').where({ id: meeting.id, group_id: meeting.group_id }).first();
    if (!current) return;
    const recorded = toNumber((await trx('attendance').where({ meeting_id: meeting.id }).count({ n: '*' }))[0]?.n);
    if ((current.register_taken_at || recorded > 0) && !opts.confirmLosingRegister) throw new Refusal('confirm', 'meetings.delete.needsConfirmation');
    await trx('attendance').where({ meeting_id: meeting.id }).del();
    await trx('meetings').where({ id: meeting.id }).del();
  });
}

// ---------------------------------------------------------------------------------------------------
// Reading

/** A meeting of the group named in the URL; another group's meeting is not found. */
export function findMeeting(db: Db, groupId: number, meetingId: number): Promise<MeetingRow | undefined> {
  return db('meetings').where({ id: meetingId, group_id: groupId }).first();
}

/** Every meeting of the group, in time order, with the counts of its register. */
export async function listMeetings(db: Db, groupId: number): Promise<MeetingListItem[]> {
  const counts = db('attendance')
    .select('meeting_id')
    .select(
      ...ATTENDANCE_STATUSES.map((s) => db.raw(`sum(case when status = '${s}' then 1 else 0 end) as ${s}`)),
    )
    .groupBy('meeting_id')
    .as('c');
  const rows = await db('meetings as m')
    .leftJoin(counts, 'c.meeting_id', 'm.id')
    .where('m.group_id', groupId)
    .orderBy([{ column: 'm.starts_at' }, { column: 'm.id' }])
    .select('m.*', ...ATTENDANCE_STATUSES.map((s) => `c.${s}`));
  return rows.map((r: MeetingListItem) => ({
    ...r,
    duration_minutes: toNumber(r.duration_minutes),
    present: toNumber(r.present), late: toNumber(r.late), excused: toNumber(r.excused), absent: toNumber(r.absent),
  }));
}

/** The meetings still to come (today's included), soonest first: what youths see. */
export function upcomingMeetings(db: Db, groupId: number, opts: { limit?: number; today?: string } = {}): Promise<MeetingRow[]> {
  const q = db('meetings')
    .where('group_id', groupId)
    .where('starts_at', '>=', opts.today ?? localToday())
    .orderBy([{ column: 'starts_at' }, { column: 'id' }]);
  if (opts.limit) q.limit(opts.limit);
  return q;
}

export async function nextMeeting(db: Db, groupId: number): Promise<MeetingRow | null> {
  return (await upcomingMeetings(db, groupId, { limit: 1 }))[0] ?? null;
}

// ---------------------------------------------------------------------------------------------------
// The register

/**
 * The enrolments of a group expected at a meeting on `date`: enrolled on or before that day, and not
 * withdrawn before it (a withdrawal counts from its day on, until the day the youth rejoins, if ever).
 * An enrolment marked withdrawn with no withdrawal record says neither when nor why: it is not expected.
 */
function expectedEnrolments(db: Db | Knex.Transaction, groupId: number, date: string): Knex.QueryBuilder {
  return db('enrolments as e')
    .where('e.group_id', groupId)
    .where('e.enrolled_on', '<=', date)
    .whereNotExists(function () {
      this.select(db.raw('1'))
        .from('withdrawals as w')
        .whereRaw('w.enrolment_id = e.id')
        .where('w.withdrawn_on', '<', date)
        .where((q) => q.whereNull('w.rejoined_on').orWhere('w.rejoined_on', '>', date));
    })
    .where((q) =>
      q.where('e.status', 'enrolled').orWhereExists(function () {
        this.select(db.raw('1')).from('withdrawals as w2').whereRaw('w2.enrolment_id = e.id');
      }),
    );
}

/** The ids of the enrolments expected at a meeting held on `date` (see above). */
export async function enrolmentsExpectedOn(db: Db | Knex.Transaction, groupId: number, date: string): Promise<Set<number>> {
  const rows: { id: number }[] = await expectedEnrolments(db, groupId, date).select('e.id');
  return new Set(rows.map((r) => toNumber(r.id)));
}

export interface RegisterLine {
  enrolment_id: number;
  first_name: string;
  last_name: string;
  role: 'participant' | 'peer_leader';
  /** What the register says, or null when it was not taken for this youth yet. */
  status: AttendanceStatus | null;
  /** False for a youth who has a line from before but is no longer expected (withdrawn since, say). */
  expected: boolean;
}

/**
 * The register of a meeting: every youth expected that day, plus anyone already recorded (a youth who left
 * the group afterwards keeps their line). Ordered by name, as the worker reads the room.
 */
export async function registerFor(db: Db, meeting: MeetingRow): Promise<RegisterLine[]> {
  // Who is expected, asked in the same query (a query less on the register's page, opened at every session).
  const expected = expectedEnrolments(db, meeting.group_id, meetingDate(meeting)).select('e.id');
  const rows = await db('enrolments as e')
    .join('youths as y', 'y.id', 'e.youth_id')
    .leftJoin('attendance as a', function () {
      this.on('a.enrolment_id', 'e.id').andOnVal('a.meeting_id', meeting.id);
    })
    .where('e.group_id', meeting.group_id)
    .orderBy([{ column: 'y.last_name' }, { column: 'y.first_name' }, { column: 'e.id' }])
    .select('e.id as enrolment_id', 'y.first_name', 'y.last_name', 'e.role', 'a.status', db.raw('case when e.id in (?) then 1 else 0 end as expected', [expected]));
  return rows
    .map((r: RegisterLine) => ({ ...r, enrolment_id: toNumber(r.enrolment_id), status: r.status ?? null, expected: toNumber(r.expected) === 1 }))
    .filter((r: RegisterLine) => r.expected || r.status !== null);
}

/** The day of the earliest meeting whose register names this enrolment, or null: its enrolment cannot start later. */
export async function firstRegisterDay(db: Db | Knex.Transaction, enrolmentId: number): Promise<string | null> {
  const row = await db('attendance as a').join('meetings as m', 'm.id', 'a.meeting_id').where('a.enrolment_id', enrolmentId).min({ first: 'm.starts_at' }).first();
  return row?.first ? String(row.first).slice(0, 10) : null;
}

/** A register refused whole: the message is the register's, the detail the youths it is about. */
const registerRefused = (messageKey: string, enrolmentIds: number[] = []) => new Refusal<number[]>('_form', messageKey, 422, enrolmentIds);

/**
 * Takes (or corrects) the register of a meeting, in one transaction: every youth expected that day must
 * have a status, and no one else may be named — a register naming a youth of another group, or one not
 * yet enrolled, is refused whole and nothing is saved. Rows are upserted, so correcting a register keeps
 * one line per youth; `register_taken_at` says when it was last saved.
 */
export async function recordAttendance(
  db: Db, user: Express.User, meeting: MeetingRow, statuses: Map<number, AttendanceStatus>, loadedVersion?: string,
): Promise<void> {
  if (meetingDate(meeting) > localToday()) throw registerRefused('meetings.register.notYet');
  for (const s of statuses.values()) if (!ATTENDANCE_STATUSES.includes(s)) throw registerRefused('meetings.register.invalid');
  await db.transaction(async (trx) => {
    const expected = await enrolmentsExpectedOn(trx, meeting.group_id, meetingDate(meeting));
    const recorded = new Set<number>(
      (await trx('attendance').where({ meeting_id: meeting.id }).select('enrolment_id')).map((r: { enrolment_id: number }) => toNumber(r.enrolment_id)),
    );
    const strangers = [...statuses.keys()].filter((id) => !expected.has(id) && !recorded.has(id));
    // A youth of the group enrolled after the meeting's day is the one mistake a worker typing old paper
    // registers can make: say so, rather than "not in this group".
    const enrolledLater: { id: number }[] = strangers.length
      ? await trx('enrolments').where({ group_id: meeting.group_id }).whereIn('id', strangers).where('enrolled_on', '>', meetingDate(meeting)).select('id')
      : [];
    if (enrolledLater.length) throw registerRefused('meetings.register.beforeEnrolment', enrolledLater.map((r) => toNumber(r.id)));
    if (strangers.length) throw registerRefused('meetings.register.unknownYouth', strangers);
    const missing = [...expected].filter((id) => !statuses.has(id));
    if (missing.length) throw registerRefused('meetings.register.missing', missing);
    const now = nowIso();
    // The version is checked by the update itself: of two registers sent at once on the register as it was,
    // PostgreSQL makes the second wait for the first's row lock and then finds the version changed.
    const saved = trx('meetings').where({ id: meeting.id });
    if (loadedVersion !== undefined) {
      if (loadedVersion === '') saved.whereNull('register_taken_at');
      else saved.where('register_taken_at', loadedVersion);
    }
    if ((await saved.update({ register_taken_at: now })) === 0) throw new Refusal('_form', 'meetings.register.conflict', 409);
    const rows = [...statuses].map(([enrolmentId, status]) => ({
      meeting_id: meeting.id, enrolment_id: enrolmentId, status, recorded_by: user.id, recorded_at: now,
    }));
    if (rows.length) await trx('attendance').insert(rows).onConflict(['meeting_id', 'enrolment_id']).merge(['status', 'recorded_by', 'recorded_at']);
  });
}

/**
 * What the register was when its form was loaded: when it was last saved, '' when never. The form carries it
 * back (`registerVersion`), so a register taken by someone else meanwhile — while this one waited on a phone
 * without network — is a conflict to show, not an overwrite. Undefined for a form that does not carry it.
 */
export const registerVersion = (m: Pick<MeetingRow, 'register_taken_at'>): string => m.register_taken_at ?? '';
export const loadedRegisterVersion = (body: unknown): string | undefined => {
  const v = (body as Record<string, unknown> | undefined)?.registerVersion;
  return typeof v === 'string' && v.length <= 40 ? v : undefined;
};

/*
 * Registers kept on the worker's phone for a room without network: those of the last two weeks' sessions
 * (a register is taken on the day, or typed a little later from paper), today's, and those to come while the
 * copy lasts — the worker may open the sessions page online the day before, and have no network on the day.
 * A session's page kept before its day carries its form hidden, which the phone shows on the day
 * (views/meetings/show.ejs, public/offline.js). A kept copy is read for a week at most: the phone drops it
 * after that, and every visit of the sessions page online renews it.
 */
const KEEP_REGISTERS_DAYS = 14;
const KEEP_REGISTER_COPY_DAYS = 7;
export const registerKeptUntil = (today: string): string => dayjs(today).add(KEEP_REGISTER_COPY_DAYS, 'day').format('YYYY-MM-DD');
export const registersToKeep = (meetings: MeetingRow[], today: string): MeetingRow[] => {
  const from = dayjs(today).subtract(KEEP_REGISTERS_DAYS, 'day').format('YYYY-MM-DD');
  const until = registerKeptUntil(today);
  return meetings.filter((m) => meetingDate(m) >= from && meetingDate(m) <= until);
};

/** Who saved the register last, and when: "theirs" on the conflict page. */
export async function lastRegisterSave(db: Db, meeting: MeetingRow): Promise<{ by: string | null; at: string | null }> {
  const row = await db('attendance as a').leftJoin('users as u', 'u.id', 'a.recorded_by').where('a.meeting_id', meeting.id)
    .orderBy('a.recorded_at', 'desc').first('u.display_name', 'a.recorded_at');
  return { by: row?.display_name ?? null, at: meeting.register_taken_at };
}

/**
 * The register form: one field `status-<enrolmentId>` per youth, valued present, late, excused or absent.
 * Whether those youths belong on this register is for `recordAttendance` to say.
 */
export const RegisterForm = z.record(z.string(), z.unknown()).transform((body, ctx) => {
  const statuses = new Map<number, AttendanceStatus>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^status-(\d{1,15})$/.exec(key);
    if (!m) continue;
    if (typeof value !== 'string' || !(ATTENDANCE_STATUSES as readonly string[]).includes(value)) {
      ctx.addIssue({ code: 'custom', message: 'meetings.register.invalid' });
      return z.NEVER;
    }
    statuses.set(Number(m[1]), value as AttendanceStatus);
  }
  if (!statuses.size) ctx.addIssue({ code: 'custom', message: 'meetings.register.empty' });
  return statuses;
});

/** The statuses a register form sent, to show them again when it is refused. */
export function keptStatuses(body: unknown): Record<number, string> {
  const kept: Record<number, string> = {};
  if (!body || typeof body !== 'object') return kept;
  for (const [key, value] of Object.entries(body)) {
    const m = /^status-(\d{1,15})$/.exec(key);
    if (m && typeof value === 'string') kept[Number(m[1])] = value;
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------------
// Attendance rates

export interface AttendanceRate {
  attended: number;
  counted: number;
  /** attended / counted, between 0 and 1; null when nothing counts yet. */
  rate: number | null;
}

export interface YouthAttendance extends AttendanceRate {
  enrolmentId: number;
  firstName: string;
  lastName: string;
  status: 'enrolled' | 'withdrawn';
}

const rateOf = (attended: number, counted: number): AttendanceRate => ({ attended, counted, rate: counted > 0 ? attended / counted : null });

/*
 * How the attendance rate is counted, here and in the directors' figures (the meetings page says the same
 * in words):
 * - only meetings of the "preparation" phase whose register was taken count (a meeting still to come has
 *   no register yet);
 * - present and late count as attended;
 * - excused is left out of the count altogether (neither for nor against);
 * - absent counts against;
 * - a youth who withdrew keeps the lines of the meetings they were at: nothing of the past is removed.
 * rate = (present + late) / (present + late + absent). A group's rate pools every youth's lines, so a
 * youth who came to more meetings weighs more.
 */
const ATTENDED: readonly AttendanceStatus[] = ['present', 'late'];
const COUNTED: readonly AttendanceStatus[] = [...ATTENDED, 'absent'];
const statusIn = (list: readonly AttendanceStatus[]) => `a.status in (${list.map((s) => `'${s}'`).join(', ')})`;

/**
 * The attendance lines that count, the line as `a` and its meeting as `m`: the caller narrows them (a
 * group, the groups of a report) and adds them up with `attendanceSums`.
 */
export function countedAttendance(db: Db): Knex.QueryBuilder {
  return db({ a: 'attendance' })
    .join({ m: 'meetings' }, 'm.id', 'a.meeting_id')
    .where('m.phase', 'preparation')
    .whereNotNull('m.register_taken_at');
}

/** The two columns of a rate over `countedAttendance` lines, `attended` and `counted` (0, not null, over no line). */
export const attendanceSums = (db: Db): Knex.Raw[] => [
  db.raw(`coalesce(sum(case when ${statusIn(ATTENDED)} then 1 else 0 end), 0) as attended`),
  db.raw(`coalesce(sum(case when ${statusIn(COUNTED)} then 1 else 0 end), 0) as counted`),
];

/** The preparation sessions a youth attended (present or late, register taken), in time order: what their certificate lists. */
export async function attendedMeetings(db: Db, enrolmentId: number): Promise<Pick<MeetingRow, 'id' | 'starts_at' | 'type'>[]> {
  return countedAttendance(db)
    .where('a.enrolment_id', enrolmentId)
    .whereRaw(statusIn(ATTENDED))
    .orderBy([{ column: 'm.starts_at' }, { column: 'm.id' }])
    .select('m.id', 'm.starts_at', 'm.type');
}

function countedLines(db: Db, groupId: number): Knex.QueryBuilder {
  return countedAttendance(db).where('m.group_id', groupId).groupBy('a.enrolment_id').select('a.enrolment_id', ...attendanceSums(db));
}

/** Every youth of the group (those who left too: they keep their past attendance) and the group as a whole. */
export async function attendanceRates(db: Db, groupId: number): Promise<{ youths: YouthAttendance[]; group: AttendanceRate }> {
  const rows = await db('enrolments as e')
    .join('youths as y', 'y.id', 'e.youth_id')
    .leftJoin(countedLines(db, groupId).as('r'), 'r.enrolment_id', 'e.id')
    .where('e.group_id', groupId)
    .orderBy([{ column: 'y.last_name' }, { column: 'y.first_name' }, { column: 'e.id' }])
    .select('e.id', 'e.status', 'y.first_name', 'y.last_name', 'r.attended', 'r.counted');
  let attended = 0;
  let counted = 0;
  const youths = rows.map((r: { id: number; status: 'enrolled' | 'withdrawn'; first_name: string; last_name: string; attended: unknown; counted: unknown }) => {
    const a = toNumber(r.attended);
    const c = toNumber(r.counted);
    attended += a;
    counted += c;
    return { enrolmentId: toNumber(r.id), firstName: r.first_name, lastName: r.last_name, status: r.status, ...rateOf(a, c) };
  });
  return { youths, group: rateOf(attended, counted) };
}

/**
 * For the departure gate (src/phases/): each enrolment of the group with its rate (0..1, or null when no
 * meeting counts yet) and how many meetings counted. Same definition as `attendanceRates`.
 */
export async function attendanceForGate(db: Db, groupId: number): Promise<Map<number, { rate: number | null; counted: number }>> {
  const { youths } = await attendanceRates(db, groupId);
  return new Map(youths.map((y) => [y.enrolmentId, { rate: y.rate, counted: y.counted }]));
}

// ---------------------------------------------------------------------------------------------------
// Youths to call

export interface AbsenceFlag {
  enrolmentId: number;
  firstName: string;
  lastName: string;
  groupId: number;
  groupName: string;
  /** The start of the later of the two missed meetings. */
  lastMissed: string;
}

/**
 * Youths still enrolled whose two most recent meetings with a register (of any phase) both say "absent":
 * the worker should call them before they drift away. Only for groups that have not left yet (preparation
 * and departure phases): once the group is back, an old streak is no longer something to act on.
 */
export async function consecutiveUnexcusedAbsences(db: Db, groupIds: number[]): Promise<AbsenceFlag[]> {
  if (!groupIds.length) return [];
  const ranked = db('attendance as a')
    .join('meetings as m', 'm.id', 'a.meeting_id')
    .whereIn('m.group_id', groupIds)
    .whereNotNull('m.register_taken_at')
    .select(
      'a.enrolment_id', 'a.status', 'm.starts_at',
      db.raw('row_number() over (partition by a.enrolment_id order by m.starts_at desc, m.id desc) as rn'),
    )
    .as('r');
  const rows = await db
    .from(ranked)
    .join('enrolments as e', 'e.id', 'r.enrolment_id')
    .join('youths as y', 'y.id', 'e.youth_id')
    .join('groups as g', 'g.id', 'e.group_id')
    .where('r.rn', '<=', 2)
    .where('e.status', 'enrolled')
    .whereIn('g.phase', PHASES.filter((p) => !hasLeft(p)))
    .groupBy('e.id', 'y.first_name', 'y.last_name', 'g.id', 'g.name')
    .havingRaw("count(*) = 2 and sum(case when r.status = 'absent' then 1 else 0 end) = 2")
    .orderBy([{ column: 'g.name' }, { column: 'y.last_name' }, { column: 'y.first_name' }])
    .select('e.id as enrolment_id', 'y.first_name', 'y.last_name', 'g.id as group_id', 'g.name as group_name', db.raw('max(r.starts_at) as last_missed'));
  return rows.map((r: { enrolment_id: number; first_name: string; last_name: string; group_id: number; group_name: string; last_missed: string }) => ({
    enrolmentId: toNumber(r.enrolment_id), firstName: r.first_name, lastName: r.last_name,
    groupId: toNumber(r.group_id), groupName: r.group_name, lastMissed: r.last_missed,
  }));
}

// ---------------------------------------------------------------------------------------------------
// The calendar feed's secret

export const newCalendarToken = (): string => randomBytes(24).toString('base64url');

/** The group's calendar secret, made the first time someone needs it; two requests at once get the same one. */
export async function ensureCalendarToken(db: Db, groupId: number): Promise<string> {
  const current = await db('groups').where({ id: groupId }).first('calendar_token');
  if (current?.calendar_token) return current.calendar_token;
  await db('groups').where({ id: groupId }).whereNull('calendar_token').update({ calendar_token: newCalendarToken() });
  return (await db('groups').where({ id: groupId }).first('calendar_token')).calendar_token;
}

/**
 * A new secret for the group's feed, in place of the old one, which stops working at once (a link that went
 * round outside the group). Who did it and when stays on the group.
 */
export async function renewCalendarToken(db: Db, user: Express.User, groupId: number): Promise<void> {
  await db('groups').where({ id: groupId }).update({
    calendar_token: newCalendarToken(), calendar_token_renewed_by: user.id, calendar_token_renewed_at: nowIso(),
  });
}

export interface CalendarRenewal {
  byName: string | null;
  at: string;
}

/** The last time the group's calendar link was made new, if ever. */
export async function lastCalendarRenewal(db: Db, groupId: number): Promise<CalendarRenewal | null> {
  const row = await db('groups')
    .leftJoin('users', 'users.id', 'groups.calendar_token_renewed_by')
    .where('groups.id', groupId)
    .whereNotNull('groups.calendar_token_renewed_at')
    .first('users.display_name as by_name', 'groups.calendar_token_renewed_at as at');
  return row ? { byName: row.by_name ?? null, at: row.at } : null;
}

export async function findGroupByCalendarToken(db: Db, token: string): Promise<{ id: number; name: string } | undefined> {
  if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return undefined;
  return db('groups').where({ calendar_token: token }).first('id', 'name');
}

// ---------------------------------------------------------------------------------------------------
// The group's meetings page

/**
 * The group's meetings as this user may see them: what is coming (today's on top) and what is past, and,
 * for those who read the registers, the attendance rates and the youths absent without excuse twice in a
 * row. Youths see what is coming, never the registers: those are about the other youths too.
 */
export async function meetingsOverview(db: Db, user: Express.User, group: GroupRecord) {
  const today = localToday();
  const seesAttendance = can(user, 'viewAttendance', group);
  const meetings: MeetingRow[] = seesAttendance ? await listMeetings(db, group.id) : await upcomingMeetings(db, group.id, { today });
  const [rates, flags] = seesAttendance
    ? await Promise.all([attendanceRates(db, group.id), consecutiveUnexcusedAbsences(db, [group.id])])
    : [null, []];
  const renewal = can(user, 'renewCalendarLink', group) ? await lastCalendarRenewal(db, group.id) : null;
  return {
    upcoming: meetings.filter((m) => isUpcoming(m, today)),
    past: meetings.filter((m) => !isUpcoming(m, today)).reverse(),
    seesAttendance, rates, flags, today, renewal,
  };
}
