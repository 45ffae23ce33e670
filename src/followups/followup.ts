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

export interface FollowUpItem extends FollowUpRow {
  group_id: number;
  youth_id: number;
  first_name: string;
  last_name: string;
  /** The youth's place in the group now: a withdrawn youth who stays in touch is followed too. */
  enrolment_status: 'enrolled' | 'withdrawn';
  recorded_by_name: string | null;
}

export type FollowUpState = 'done' | 'overdue' | 'due' | 'later';

export function followUpState(f: Pick<FollowUpRow, 'done_on' | 'due_on'>, on: string = today()): FollowUpState {
  if (f.done_on) return 'done';
  if (f.due_on < on) return 'overdue';
  return f.due_on <= dayjs(on).add(DUE_SOON_DAYS, 'day').format('YYYY-MM-DD') ? 'due' : 'later';
}

export const engagementsOf = (f: FollowUpRow): Engagement[] => ENGAGEMENTS.filter((e) => f[e]);

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
    .select(
      'follow_ups.*', 'enrolments.group_id', 'enrolments.youth_id', 'enrolments.status as enrolment_status',
      'youths.first_name', 'youths.last_name', 'users.display_name as recorded_by_name',
    );
}

const BOOLEANS = ['joined_council', 'created_association', 'volunteering', 'prepares_new_group', 'peer_leader', 'spoke_at_restitution'] as const;

function toItem(r: FollowUpItem): FollowUpItem {
  const out = { ...r, milestone_months: toNumber(r.milestone_months) as Milestone, reached: r.reached === null ? null : Boolean(r.reached) };
  for (const b of BOOLEANS) out[b] = Boolean(r[b]);
  return out;
}

const STATE_ORDER: Record<FollowUpState, number> = { overdue: 0, due: 1, later: 2, done: 3 };

/** A group's follow-ups, by milestone; within each, the overdue and due ones first, then by date and name. */
export async function listFollowUps(db: Db, groupId: number, on: string = today()): Promise<FollowUpItem[]> {
  const rows: FollowUpItem[] = await followUpQuery(db).where('enrolments.group_id', groupId);
  return rows.map(toItem).sort((a, b) =>
    a.milestone_months - b.milestone_months ||
    STATE_ORDER[followUpState(a, on)] - STATE_ORDER[followUpState(b, on)] ||
    a.due_on.localeCompare(b.due_on) ||
    a.last_name.localeCompare(b.last_name, 'fr') || a.first_name.localeCompare(b.first_name, 'fr'));
}

export async function findFollowUp(db: Db, groupId: number, id: number): Promise<FollowUpItem | undefined> {
  const row = await followUpQuery(db).where({ 'follow_ups.id': id, 'enrolments.group_id': groupId }).first();
  return row ? toItem(row) : undefined;
}

export interface FollowUpProgress {
  planned: number;
  done: number;
  overdue: number;
  due: number;
}

export async function followUpProgress(db: Db, groupId: number, on: string = today()): Promise<FollowUpProgress> {
  const rows: { due_on: string; done_on: string | null }[] = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .where('enrolments.group_id', groupId)
    .select('follow_ups.due_on', 'follow_ups.done_on');
  const states = rows.map((r) => followUpState(r, on));
  return {
    planned: rows.length,
    done: states.filter((s) => s === 'done').length,
    overdue: states.filter((s) => s === 'overdue').length,
    due: states.filter((s) => s === 'due').length,
  };
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
}

/** For the home page: the follow-ups of these groups not done yet and due within DUE_SOON_DAYS, or overdue; oldest first. */
export async function dueFollowUps(db: Db, groupIds: number[], on: string = today()): Promise<DueFollowUp[]> {
  if (!groupIds.length) return [];
  const until = dayjs(on).add(DUE_SOON_DAYS, 'day').format('YYYY-MM-DD');
  const rows = await db('follow_ups')
    .join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .join('groups', 'groups.id', 'enrolments.group_id')
    .whereIn('enrolments.group_id', groupIds)
    .whereNull('follow_ups.done_on')
    .where('follow_ups.due_on', '<=', until)
    .orderBy([{ column: 'follow_ups.due_on' }, { column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .limit(50)
    .select(
      'follow_ups.id', 'enrolments.group_id', 'groups.name as group_name', 'enrolments.id as enrolment_id', 'youths.first_name',
      'youths.last_name', 'follow_ups.milestone_months', 'follow_ups.due_on',
    );
  return rows.map((r: DueFollowUp) => ({ ...r, milestone_months: toNumber(r.milestone_months) as Milestone, overdue: r.due_on < on }));
}

// ---------------------------------------------------------------------------------------------------
// Recording

const engagementList = checkboxList
  .refine((list) => list.every((x) => (ENGAGEMENTS as readonly string[]).includes(x)), { message: 'validation.invalid' })
  .transform((list) => [...new Set(list)] as Engagement[]);

const choice = <T extends readonly string[]>(values: T, message: string) =>
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

export async function recordFollowUp(db: Db, user: Express.User, followUp: Pick<FollowUpRow, 'id'>, input: FollowUpInput): Promise<void> {
  const flags = Object.fromEntries(ENGAGEMENTS.map((e) => [e, input.engagement.includes(e)]));
  await db('follow_ups')
    .where({ id: followUp.id })
    .update({
      done_on: input.doneOn, reached: input.reached, situation: input.situation, contract: input.contract, ...flags,
      note: input.note, recorded_by: user.id, updated_at: nowIso(),
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

/** What the record form shows: what was recorded, or for a new record today's date and what is already known. */
export async function followUpFormValues(db: Db, f: FollowUpItem): Promise<{ values: Record<string, string>; engagement: Engagement[] }> {
  if (!f.done_on) return { values: { doneOn: today() }, engagement: await knownEngagements(db, f) };
  return {
    values: {
      doneOn: f.done_on, reached: f.reached ? 'yes' : 'no', situation: f.situation ?? '', contract: f.contract ?? '', note: f.note ?? '',
    },
    engagement: engagementsOf(f),
  };
}
