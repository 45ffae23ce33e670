import dayjs from 'dayjs';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { hasReturned, type Phase } from '../phases/order.js';
import { Refusal } from '../http/refusal.js';
import { calendarDate, checkboxList, optionalText } from '../http/validation.js';
import { SITUATIONS, type Situation } from '../participants/participant.js';

/**
 * After the project: each youth is contacted about 1, 3, 6 and 12 months after the return — their
 * situation (job, training, school, job-seeking) and their engagement ("their ambition is no longer to go
 * abroad again but to act here"). Youths who withdrew but stay in touch are followed too: nobody is dropped.
 */
export const MILESTONES = [1, 3, 6, 12] as const;
export type Milestone = (typeof MILESTONES)[number];
export const isMilestone = (value: unknown): value is Milestone => (MILESTONES as readonly unknown[]).includes(value);

/**
 * The milestones a structure plans, from its `follow_up_milestones` column ("1,6,12"): a structure that never
 * chose plans them all. Unknown numbers are left out rather than planned.
 */
export function plannedMilestones(stored: string | null | undefined): Milestone[] {
  if (!stored) return [...MILESTONES];
  const chosen = stored.split(',').map(Number).filter(isMilestone);
  return chosen.length ? MILESTONES.filter((m) => chosen.includes(m)) : [...MILESTONES];
}

export const CONTRACTS = ['permanent', 'fixed_term', 'temp'] as const;
export type Contract = (typeof CONTRACTS)[number];

/** Each is a column of follow_ups: several can be true at once. */
export const ENGAGEMENTS = ['joined_council', 'created_association', 'volunteering', 'prepares_new_group', 'peer_leader', 'spoke_at_restitution'] as const;
export type Engagement = (typeof ENGAGEMENTS)[number];

/** A follow-up is "due" this many days ahead of its date: time to find the youth's number and call. */
export const DUE_SOON_DAYS = 14;

export interface FollowUpRow {
  id: number;
  enrolment_id: number;
  milestone_months: Milestone;
  due_on: string;
  done_on: string | null;
  reached: boolean | null;
  situation: Situation | null;
  contract: Contract | null;
  joined_council: boolean;
  created_association: boolean;
  volunteering: boolean;
  prepares_new_group: boolean;
  peer_leader: boolean;
  spoke_at_restitution: boolean;
  note: string | null;
  recorded_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface FollowUpAttempt {
  id: number;
  follow_up_id: number;
  tried_on: string;
  reached: boolean;
  /** What was noted at a call that did not reach the youth; the reaching call's note is the follow-up's. */
  note: string | null;
  recorded_by_name: string | null;
  /** The youth answered from their link: no account recorded it, and a worker confirms it. */
  by_youth: boolean;
  confirmed_at: string | null;
  confirmed_by_name: string | null;
  created_at: string;
}

/**
 * The latest link sent to the youth to answer this follow-up, as lists show it: sent when, and whether it is
 * still open or went unanswered (the youth is then to call).
 */
export interface LinkSummary {
  link_sent_at: string | null;
  link_expires_at: string | null;
  link_used_at: string | null;
  link_revoked_at: string | null;
}

/** Sent, not answered, not revoked, past its end: the worker calls. */
export const linkUnanswered = (f: LinkSummary & Pick<FollowUpRow, 'done_on'>, now = new Date().toISOString()): boolean =>
  Boolean(f.link_sent_at && !f.done_on && !f.link_used_at && !f.link_revoked_at && f.link_expires_at! <= now);
/** Sent, still open: the youth may answer yet. */
export const linkAwaiting = (f: LinkSummary & Pick<FollowUpRow, 'done_on'>, now = new Date().toISOString()): boolean =>
  Boolean(f.link_sent_at && !f.done_on && !f.link_used_at && !f.link_revoked_at && f.link_expires_at! > now);

/** The follow-up's latest link, joined as `fl` to a query of follow_ups, and its columns. */
const LATEST_LINK = 'left join follow_up_links fl on fl.id = (select max(x.id) from follow_up_links x where x.follow_up_id = follow_ups.id)';
const LINK_COLUMNS = ['fl.sent_at as link_sent_at', 'fl.expires_at as link_expires_at', 'fl.used_at as link_used_at', 'fl.revoked_at as link_revoked_at'];

export interface FollowUpItem extends FollowUpRow, LinkSummary {
  group_id: number;
  youth_id: number;
  first_name: string;
  last_name: string;
  /** The youth's place in the group now: a withdrawn youth who stays in touch is followed too. */
  enrolment_status: 'enrolled' | 'withdrawn';
  recorded_by_name: string | null;
}

/** A follow-up is done once the youth was reached; a call that did not reach them leaves it open, to try again. */
export type FollowUpState = 'done' | 'overdue' | 'due' | 'later';
/** Where its attempts stand: never tried, tried without reaching the youth (yet), reached. */
export type FollowUpOutcome = 'reached' | 'notReached' | 'notTried';

export const outcomeOf = (f: Pick<FollowUpRow, 'done_on' | 'reached'>): FollowUpOutcome =>
  f.done_on ? 'reached' : f.reached === null || f.reached === undefined ? 'notTried' : 'notReached';

export function followUpState(f: Pick<FollowUpRow, 'done_on' | 'due_on'>, on: string = today()): FollowUpState {
  if (f.done_on) return 'done';
  if (f.due_on < on) return 'overdue';
  return f.due_on <= dayjs(on).add(DUE_SOON_DAYS, 'day').format('YYYY-MM-DD') ? 'due' : 'later';
}

export const engagementsOf = (f: FollowUpRow): Engagement[] => ENGAGEMENTS.filter((e) => f[e]);

/**
 * A follow-up counts — is owed, listed, counted in the figures — when its round is one the structure plans,
 * or when it reached the youth: a structure that stopped calling at 1 and 3 months owes none of those calls,
 * but what they learned stays.
 */
export const counts = (f: Pick<FollowUpRow, 'done_on' | 'milestone_months'>, planned: readonly Milestone[]): boolean =>
  Boolean(f.done_on) || planned.includes(f.milestone_months);

/**
 * The same rule in SQL, for a follow-up `f` of a group of the structure `s` (its `follow_up_milestones`, "6,12";
 * none chosen: all planned). The same text runs on SQLite and PostgreSQL.
 */
export const countsSql = (f: string, s: string): string =>
  `(${f}.done_on is not null or ',' || coalesce(nullif(${s}.follow_up_milestones, ''), '${MILESTONES.join(',')}') || ',' like '%,' || ${f}.milestone_months || ',%')`;

/**
 * Where a set of follow-ups stands, as every page and figure counts them: those due (their date has come, or
 * they were tried already), and of those the reached, the tried but not reached, and the not tried yet; the
 * overdue (not reached after their date, tried or not) and those due within the fortnight.
 */
export interface FollowUpTally {
  planned: number;
  due: number;
  reached: number;
  triedNotReached: number;
  notTried: number;
  overdue: number;
  dueSoon: number;
}

export function tallyOf(items: Pick<FollowUpRow, 'done_on' | 'reached' | 'due_on'>[], on: string = today()): FollowUpTally {
  const t: FollowUpTally = { planned: items.length, due: 0, reached: 0, triedNotReached: 0, notTried: 0, overdue: 0, dueSoon: 0 };
  for (const f of items) {
    const outcome = outcomeOf(f);
    const state = followUpState(f, on);
    if (state === 'overdue') t.overdue++;
    if (state === 'due') t.dueSoon++;
    if (outcome === 'notTried' && f.due_on > on) continue;
    t.due++;
    t[outcome === 'notTried' ? 'notTried' : outcome === 'reached' ? 'reached' : 'triedNotReached']++;
  }
  return t;
}

// ---------------------------------------------------------------------------------------------------
// Planning

/**
 * The enrolments a group follows after its return: every youth still in the group (those who departed, and
 * those who prepared without leaving) and every youth who withdrew but stays in touch — not those who
 * withdrew and were lost from view.
 */
export async function youthsToFollow(db: Db, groupId: number): Promise<number[]> {
  const rows: { id: number }[] = await db('enrolments as e')
    .where('e.group_id', groupId)
    .andWhere((w) => {
      w.where('e.status', 'enrolled').orWhere((x) => {
        x.where('e.status', 'withdrawn').whereExists(
          db('withdrawals as w').whereRaw('w.enrolment_id = e.id').whereNull('w.rejoined_on').where('w.stays_in_touch', true),
        );
      });
    })
    .orderBy('e.id')
    .select('e.id');
  return rows.map((r) => r.id);
}

/** The day a milestone falls due: so many months after the return (31 January + 1 month is 28 or 29 February). */
export const dueDate = (returnDate: string, months: Milestone): string => dayjs(returnDate).add(months, 'month').format('YYYY-MM-DD');

/**
 * Plans the follow-ups of a group that is back (phase return or later): at the milestones its structure
 * plans (1, 3, 6 and 12 months after its return date unless it chose fewer), for each youth it follows. Idempotent: what is planned already — and possibly rescheduled
 * or done — is left as it is; only what is missing (a youth who rejoined since, say) is added.
 * Returns how many follow-ups were added.
 */
export async function scheduleFollowUps(db: Db, groupId: number): Promise<number> {
  const group: { return_date: string | null; phase: Phase; follow_up_milestones: string | null } | undefined = await db('groups')
    .join('structures', 'structures.id', 'groups.structure_id')
    .where('groups.id', groupId)
    .first('groups.return_date', 'groups.phase', 'structures.follow_up_milestones');
  if (!group?.return_date || !hasReturned(group.phase)) return 0;
  const enrolmentIds = await youthsToFollow(db, groupId);
  if (!enrolmentIds.length) return 0;
  const existing: { enrolment_id: number; milestone_months: number }[] = await db('follow_ups')
    .whereIn('enrolment_id', enrolmentIds)
    .select('enrolment_id', 'milestone_months');
  const planned = new Set(existing.map((f) => `${f.enrolment_id}:${toNumber(f.milestone_months)}`));
  const now = nowIso();
  const milestones = plannedMilestones(group.follow_up_milestones);
  const rows = enrolmentIds.flatMap((enrolment_id) =>
    milestones.filter((m) => !planned.has(`${enrolment_id}:${m}`)).map((m) => ({
      enrolment_id, milestone_months: m, due_on: dueDate(group.return_date!, m), created_at: now, updated_at: now,
    })),
  );
  if (!rows.length) return 0;
  // Two clicks at once: the unique (enrolment, milestone) pair lets the second insert change nothing.
  await db('follow_ups').insert(rows).onConflict(['enrolment_id', 'milestone_months']).ignore();
  return rows.length;
}

/**
 * A lead asks for the follow-ups to be planned now (a youth rejoined, the return date was set late): refused
 * while the group is not back, or has no return date to count from. Returns how many were added.
 */
export async function planFollowUps(db: Db, group: { id: number; phase: Phase; return_date: string | null }): Promise<number> {
  if (!hasReturned(group.phase)) throw new Refusal('_form', 'followups.schedule.notBack');
  if (!group.return_date) throw new Refusal('_form', 'followups.schedule.noReturnDate');
  return scheduleFollowUps(db, group.id);
}

// ---------------------------------------------------------------------------------------------------
// Reading

function followUpQuery(db: Db) {
  return db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .leftJoin('users', 'users.id', 'follow_ups.recorded_by')
    .joinRaw(LATEST_LINK)
    .select(
      'follow_ups.*', 'enrolments.group_id', 'enrolments.youth_id', 'enrolments.status as enrolment_status',
      'youths.first_name', 'youths.last_name', 'users.display_name as recorded_by_name', ...LINK_COLUMNS,
    );
}

const BOOLEANS = ['joined_council', 'created_association', 'volunteering', 'prepares_new_group', 'peer_leader', 'spoke_at_restitution'] as const;

function toItem(r: Omit<FollowUpItem, 'attempts'>, attempts: FollowUpAttempt[]): FollowUpItem {
  const out = { ...r, milestone_months: toNumber(r.milestone_months) as Milestone, reached: r.reached === null ? null : Boolean(r.reached), attempts };
  for (const b of BOOLEANS) out[b] = Boolean(r[b]);
  return out;
}

/** The attempts of these follow-ups, by follow-up, each in the order they were made. */
async function attemptsOf(db: Db, followUpIds: number[]): Promise<Map<number, FollowUpAttempt[]>> {
  const rows: FollowUpAttempt[] = followUpIds.length
    ? await db('follow_up_attempts as a')
      .leftJoin('users', 'users.id', 'a.recorded_by')
      .leftJoin('users as c', 'c.id', 'a.confirmed_by')
      .whereIn('a.follow_up_id', followUpIds)
      .orderBy([{ column: 'a.tried_on' }, { column: 'a.id' }])
      .select('a.id', 'a.follow_up_id', 'a.tried_on', 'a.reached', 'a.note', 'a.created_at', 'users.display_name as recorded_by_name',
        'a.by_youth', 'a.confirmed_at', 'c.display_name as confirmed_by_name')
    : [];
  const byFollowUp = new Map<number, FollowUpAttempt[]>();
  for (const r of rows) {
    const id = toNumber(r.follow_up_id);
    byFollowUp.set(id, [...(byFollowUp.get(id) ?? []), { ...r, follow_up_id: id, reached: Boolean(r.reached), by_youth: Boolean(r.by_youth) }]);
  }
  return byFollowUp;
}

async function withAttempts(db: Db, rows: Omit<FollowUpItem, 'attempts'>[]): Promise<FollowUpItem[]> {
  const attempts = await attemptsOf(db, rows.map((r) => r.id));
  return rows.map((r) => toItem(r, attempts.get(r.id) ?? []));
}

const STATE_ORDER: Record<FollowUpState, number> = { overdue: 0, due: 1, later: 2, done: 3 };

/** A group's follow-ups, by milestone; within each, the overdue and due ones first, then by date and name. */
export async function listFollowUps(db: Db, groupId: number, on: string = today()): Promise<FollowUpItem[]> {
  const rows = await withAttempts(db, await followUpQuery(db).where('enrolments.group_id', groupId));
  return rows.sort((a, b) =>
    a.milestone_months - b.milestone_months ||
    STATE_ORDER[followUpState(a, on)] - STATE_ORDER[followUpState(b, on)] ||
    a.due_on.localeCompare(b.due_on) ||
    a.last_name.localeCompare(b.last_name, 'fr') || a.first_name.localeCompare(b.first_name, 'fr'));
}

export async function findFollowUp(db: Db, groupId: number, id: number): Promise<FollowUpItem | undefined> {
  const row = await followUpQuery(db).where({ 'follow_ups.id': id, 'enrolments.group_id': groupId }).first();
  return row ? (await withAttempts(db, [row]))[0] : undefined;
}

/** Where a group's follow-ups stand (the group page, its checklist): those its structure's rounds owe, and what was reached. */
export async function followUpProgress(db: Db, groupId: number, on: string = today()): Promise<FollowUpTally> {
  const rows: { due_on: string; done_on: string | null; reached: unknown; milestone_months: unknown; follow_up_milestones: string | null }[] = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .join('structures', 'structures.id', 'groups.structure_id')
    .where('enrolments.group_id', groupId)
    .select('follow_ups.due_on', 'follow_ups.done_on', 'follow_ups.reached', 'follow_ups.milestone_months', 'structures.follow_up_milestones');
  const planned = plannedMilestones(rows[0]?.follow_up_milestones);
  const followUps = rows.map((r) => ({ ...r, milestone_months: toNumber(r.milestone_months) as Milestone, reached: r.reached === null ? null : Boolean(r.reached) }));
  return tallyOf(followUps.filter((f) => counts(f, planned)), on);
}

export interface DueFollowUp {
  id: number;
  group_id: number;
  group_name: string;
  enrolment_id: number;
  first_name: string;
  last_name: string;
  milestone_months: Milestone;
  due_on: string;
  overdue: boolean;
  /** Tried already, without reaching the youth: still to do. */
  triedNotReached: boolean;
  /** The day a link went to the youth who did not answer it in time, if one did. */
  linkUnansweredSince: string | null;
}

/**
 * For the home page, the worker's list to call: the follow-ups of these groups not done yet and due within
 * DUE_SOON_DAYS, or overdue; oldest first. A youth whose answer link is still open is left off: they may
 * answer yet; once it ran out unanswered, they are back, with the day it went.
 */
export async function dueFollowUps(db: Db, groupIds: number[], on: string = today()): Promise<DueFollowUp[]> {
  if (!groupIds.length) return [];
  const until = dayjs(on).add(DUE_SOON_DAYS, 'day').format('YYYY-MM-DD');
  const now = nowIso();
  const rows = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .joinRaw(LATEST_LINK)
    .whereIn('enrolments.group_id', groupIds)
    .whereNull('follow_ups.done_on')
    .where('follow_ups.due_on', '<=', until)
    .where((w) => w.whereNull('fl.id').orWhereNotNull('fl.used_at').orWhereNotNull('fl.revoked_at').orWhere('fl.expires_at', '<=', now))
    .orderBy([{ column: 'follow_ups.due_on' }, { column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .limit(50)
    .select(
      'follow_ups.id', 'enrolments.group_id', 'groups.name as group_name', 'enrolments.id as enrolment_id', 'youths.first_name',
      'youths.last_name', 'follow_ups.milestone_months', 'follow_ups.due_on', 'follow_ups.reached', ...LINK_COLUMNS,
    );
  return rows.map(({ reached, link_sent_at, link_expires_at, link_used_at, link_revoked_at, ...r }: DueFollowUp & LinkSummary & { reached: unknown }) => ({
    ...r, milestone_months: toNumber(r.milestone_months) as Milestone, overdue: r.due_on < on, triedNotReached: reached !== null,
    linkUnansweredSince: linkUnanswered({ link_sent_at, link_expires_at, link_used_at, link_revoked_at, done_on: null }, now) ? link_sent_at : null,
  }));
}

// ---------------------------------------------------------------------------------------------------
// Recording

export const engagementList = checkboxList
  .refine((list) => list.every((x) => (ENGAGEMENTS as readonly string[]).includes(x)), { message: 'validation.invalid' })
  .transform((list) => [...new Set(list)] as Engagement[]);

export const choice = <T extends readonly string[]>(values: T, message: string) =>
  z
    .string()
    .trim()
    .optional()
    .refine((v) => !v || (values as readonly string[]).includes(v), { message })
    .transform((v) => (v ? (v as T[number]) : null));

/**
 * The follow-up form. A follow-up is recorded once the call or meeting took place, after the return. When
 * the youth was not reached, there is no situation or engagement to record — only a note, perhaps. A kind
 * of contract only goes with a job.
 */
export function followUpForm(returnDate: string | null) {
  return z
    .object({
      doneOn: calendarDate,
      reached: z.enum(['yes', 'no'], { message: 'followups.errors.reached' }).transform((v) => v === 'yes'),
      situation: choice(SITUATIONS, 'followups.errors.situation'),
      contract: choice(CONTRACTS, 'followups.errors.contract'),
      engagement: engagementList,
      note: optionalText(2000),
    })
    .superRefine((f, ctx) => {
      if (f.doneOn > today()) ctx.addIssue({ code: 'custom', path: ['doneOn'], message: 'followups.errors.doneFuture' });
      else if (returnDate && f.doneOn < returnDate) ctx.addIssue({ code: 'custom', path: ['doneOn'], message: 'followups.errors.beforeReturn' });
      if (f.reached && !f.situation) ctx.addIssue({ code: 'custom', path: ['situation'], message: 'followups.errors.situationRequired' });
    })
    .transform((f) => ({
      ...f,
      situation: f.reached ? f.situation : null,
      contract: f.reached && f.situation === 'employed' ? f.contract : null,
      engagement: f.reached ? f.engagement : [],
    }));
}
export type FollowUpInput = z.infer<ReturnType<typeof followUpForm>>;

/**
 * Records a call or meeting: one more attempt, the earlier ones kept. When it reached the youth, the
 * follow-up takes its outcome (the day, situation, engagement, note) and is done; when it did not, the
 * follow-up stays open, to try again. A follow-up already reached is not tried again: the form then
 * corrects what that attempt learned (its day too), and cannot make it "not reached" after the fact.
 */
export async function recordFollowUp(db: Db, user: Express.User, followUp: Pick<FollowUpRow, 'id' | 'done_on'>, input: FollowUpInput): Promise<void> {
  if (followUp.done_on && !input.reached) throw new Refusal('reached', 'followups.errors.alreadyReached');
  const flags = Object.fromEntries(ENGAGEMENTS.map((e) => [e, input.engagement.includes(e)]));
  const now = nowIso();
  await db.transaction(async (trx) => {
    if (followUp.done_on) {
      await trx('follow_up_attempts').where({ follow_up_id: followUp.id, reached: true }).update({ tried_on: input.doneOn });
      // Completing what the youth answered confirms it.
      await trx('follow_up_attempts').where({ follow_up_id: followUp.id, by_youth: true }).whereNull('confirmed_at').update({ confirmed_by: user.id, confirmed_at: now });
    } else {
      await trx('follow_up_attempts').insert({
        follow_up_id: followUp.id, tried_on: input.doneOn, reached: input.reached, note: input.reached ? null : input.note, recorded_by: user.id, created_at: now,
      });
    }
    await trx('follow_ups')
      .where({ id: followUp.id })
      .update(input.reached
        ? { done_on: input.doneOn, reached: true, situation: input.situation, contract: input.contract, ...flags, note: input.note, recorded_by: user.id, updated_at: now }
        : { reached: false, updated_at: now });
  });
}

/** A due date can be moved (the youth is away that month...), never before the return. */
export function rescheduleForm(returnDate: string | null) {
  return z
    .object({ dueOn: calendarDate })
    .refine((f) => !returnDate || f.dueOn >= returnDate, { path: ['dueOn'], message: 'followups.errors.dueBeforeReturn' });
}

export async function rescheduleFollowUp(db: Db, followUp: Pick<FollowUpRow, 'id'>, dueOn: string): Promise<void> {
  await db('follow_ups').where({ id: followUp.id }).update({ due_on: dueOn, updated_at: nowIso() });
}

/**
 * What the app already knows about a youth's engagement, to tick on a follow-up not recorded yet: they
 * presented the project at a restitution event, or they are a peer leader in another group.
 */
export async function knownEngagements(db: Db, f: Pick<FollowUpItem, 'enrolment_id' | 'youth_id' | 'group_id'>): Promise<Engagement[]> {
  const [spoke, leads] = await Promise.all([
    db('restitution_presenters').where({ enrolment_id: f.enrolment_id }).first('event_id'),
    db('enrolments').where({ youth_id: f.youth_id, role: 'peer_leader' }).whereNot('group_id', f.group_id).first('id'),
  ]);
  return [...(spoke ? (['spoke_at_restitution'] as const) : []), ...(leads ? (['peer_leader'] as const) : [])];
}

/** What the record form shows: what the reaching attempt recorded, or for a new attempt today's date and what is already known. */
export async function followUpFormValues(db: Db, f: FollowUpItem): Promise<{ values: Record<string, string>; engagement: Engagement[] }> {
  if (!f.done_on) return { values: { doneOn: today() }, engagement: await knownEngagements(db, f) };
  return {
    values: {
      doneOn: f.done_on, reached: f.reached ? 'yes' : 'no', situation: f.situation ?? '', contract: f.contract ?? '', note: f.note ?? '',
    },
    engagement: engagementsOf(f),
  };
}
