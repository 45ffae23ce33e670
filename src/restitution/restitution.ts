import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { columnsFrom, formValuesFrom } from '../db/columns.js';
import { nowIso, today } from '../db/time.js';
import { Refusal } from '../http/refusal.js';
import { calendarDate, idList, optionalText } from '../http/validation.js';
import { levelRank, type UseLevel } from '../media/consent.js';
import { listGroupMedia, type MediaKind } from '../media/medium.js';

/**
 * Restitution: the youths present the project at home "to show its value and make others want to go".
 * Each event has an audience; the people reached by a group are the sum of its events' audiences, and each
 * youth who presented is credited with the events they presented at.
 */
export const EVENT_TYPES = ['public_meeting', 'school', 'exhibition', 'festival', 'ssi', 'radio_press', 'social_media', 'other'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Above this, a number typed for one event's audience is a slip (an extra zero), not a crowd. */
export const MAX_AUDIENCE = 100_000;

/** The proceedings' rule of thumb: "one youth who leaves sensitises 30 or 40 people around them on return". */
export const RULE_OF_THUMB = { low: 30, high: 40 } as const;

export interface EventRow {
  id: number;
  group_id: number;
  held_on: string;
  type: EventType;
  place: string | null;
  audience_total: number;
  audience_youths: number | null;
  audience_adults: number | null;
  notes: string | null;
  created_by: number | null;
  created_at: string;
  updated_at: string;
}

export interface EventPresenter {
  enrolment_id: number;
  first_name: string;
  last_name: string;
}

export interface EventMedium {
  id: number;
  kind: MediaKind;
  caption: string | null;
  use_level: UseLevel;
}

export interface EventItem extends EventRow {
  presenters: EventPresenter[];
  /** The media shown that may still be shown: their use level still allows restitution. */
  media: EventMedium[];
  /** Media linked to the event whose use was narrowed since (a youth's consent changed): no longer listed. */
  withdrawnMedia: number;
}

// ---------------------------------------------------------------------------------------------------
// The event form

/** A head count: empty (not counted), or a whole number from 0 to MAX_AUDIENCE; "1 200" reads as 1200. */
const headCount = z
  .string()
  .optional()
  .transform((v) => (v ?? '').replace(/[\s\u00a0\u202f]/g, ''))
  .refine((v) => v === '' || /^\d{1,9}$/.test(v), { message: 'restitution.errors.count' })
  .transform((v) => (v === '' ? null : Number(v)))
  .refine((n) => n === null || n <= MAX_AUDIENCE, { message: 'restitution.errors.tooMany' });

/**
 * One schema for the new and edit forms. An event is recorded once it has taken place, after the group's
 * return. The total may be left empty when youths and adults are both counted: it is then their sum.
 */
export function eventForm(returnDate: string | null) {
  return z
    .object({
      heldOn: calendarDate,
      type: z.enum(EVENT_TYPES, { message: 'restitution.errors.type' }),
      place: optionalText(160),
      audienceTotal: headCount,
      audienceYouths: headCount,
      audienceAdults: headCount,
      notes: optionalText(2000),
      presenter: idList,
      medium: idList,
    })
    .superRefine((f, ctx) => {
      if (f.heldOn > today()) ctx.addIssue({ code: 'custom', path: ['heldOn'], message: 'restitution.errors.future' });
      else if (returnDate && f.heldOn < returnDate) ctx.addIssue({ code: 'custom', path: ['heldOn'], message: 'restitution.errors.beforeReturn' });
      const split = (f.audienceYouths ?? 0) + (f.audienceAdults ?? 0);
      if (f.audienceTotal === null) {
        if (f.audienceYouths === null || f.audienceAdults === null) ctx.addIssue({ code: 'custom', path: ['audienceTotal'], message: 'restitution.errors.totalRequired' });
      } else if (split > f.audienceTotal) {
        ctx.addIssue({ code: 'custom', path: ['audienceTotal'], message: 'restitution.errors.splitTooBig' });
      }
    })
    .transform((f) => ({ ...f, audienceTotal: f.audienceTotal ?? (f.audienceYouths ?? 0) + (f.audienceAdults ?? 0) }));
}
export type EventInput = z.infer<ReturnType<typeof eventForm>>;

const EVENT_FIELDS = ['heldOn', 'type', 'place', 'audienceTotal', 'audienceYouths', 'audienceAdults', 'notes'] as const;

/** What the edit form shows for an event that exists. */
export function eventFormValues(e: EventItem): Record<string, string> {
  return formValuesFrom(e, EVENT_FIELDS);
}

// ---------------------------------------------------------------------------------------------------
// Who may present, what may be shown

/** Everyone ever enrolled in the group may have presented it, those who left and stayed in touch included. */
export function possiblePresenters(db: Db, groupId: number): Promise<(EventPresenter & { status: string; role: string })[]> {
  return db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('enrolments.group_id', groupId)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select('enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name', 'enrolments.status', 'enrolments.role');
}

/** A medium may be shown at a restitution only if its use level says so; the media module keeps that level within the youths' consent. */
export const showableAtRestitution = (m: { use_level: UseLevel }): boolean => levelRank(m.use_level) >= levelRank('restitution');

/** The group's media that may be shown at a restitution event. */
export async function showableMedia(db: Db, groupId: number): Promise<EventMedium[]> {
  return (await listGroupMedia(db, groupId))
    .filter(showableAtRestitution)
    .map((m) => ({ id: m.id, kind: m.kind, caption: m.caption, use_level: m.use_level }));
}

async function checkPresenters(trx: Db, groupId: number, enrolmentIds: number[]): Promise<void> {
  if (!enrolmentIds.length) return;
  const found = await trx('enrolments').where({ group_id: groupId }).whereIn('id', enrolmentIds).count<{ n: number | string }[]>('* as n');
  if (toNumber(found[0]?.n) !== enrolmentIds.length) throw new Refusal('presenter', 'restitution.errors.presenterUnknown');
}

async function checkMedia(trx: Db, groupId: number, mediumIds: number[]): Promise<void> {
  if (!mediumIds.length) return;
  const allowed = new Set((await showableMedia(trx, groupId)).map((m) => m.id));
  if (mediumIds.some((id) => !allowed.has(id))) throw new Refusal('medium', 'restitution.errors.mediumNotAllowed');
}

async function replaceLinks(trx: Db, eventId: number, input: EventInput): Promise<void> {
  await trx('restitution_presenters').where({ event_id: eventId }).del();
  await trx('restitution_media').where({ event_id: eventId }).del();
  if (input.presenter.length) await trx('restitution_presenters').insert(input.presenter.map((enrolment_id) => ({ event_id: eventId, enrolment_id })));
  if (input.medium.length) await trx('restitution_media').insert(input.medium.map((medium_id) => ({ event_id: eventId, medium_id })));
}

const eventColumns = (input: EventInput) => columnsFrom(input, EVENT_FIELDS);

// ---------------------------------------------------------------------------------------------------
// Recording

export async function recordEvent(db: Db, user: Express.User, group: { id: number }, input: EventInput): Promise<number> {
  return db.transaction(async (trx) => {
    await checkPresenters(trx, group.id, input.presenter);
    await checkMedia(trx, group.id, input.medium);
    const now = nowIso();
    const [row] = await trx('restitution_events')
      .insert({ ...eventColumns(input), group_id: group.id, created_by: user.id, created_at: now, updated_at: now })
      .returning('id');
    const id = insertedId(row);
    await replaceLinks(trx, id, input);
    return id;
  });
}

export async function updateEvent(db: Db, event: EventRow, input: EventInput): Promise<void> {
  await db.transaction(async (trx) => {
    await checkPresenters(trx, event.group_id, input.presenter);
    // Checked again on every save: a medium whose use was narrowed since (a consent changed) drops off the event.
    await checkMedia(trx, event.group_id, input.medium);
    await trx('restitution_events').where({ id: event.id }).update({ ...eventColumns(input), updated_at: nowIso() });
    await replaceLinks(trx, event.id, input);
  });
}

export async function deleteEvent(db: Db, event: EventRow): Promise<void> {
  await db('restitution_events').where({ id: event.id, group_id: event.group_id }).del();
}

// ---------------------------------------------------------------------------------------------------
// Reading

const toCount = (v: unknown): number | null => (v === null || v === undefined ? null : toNumber(v));

function toRow(r: EventRow): EventRow {
  return { ...r, audience_total: toNumber(r.audience_total), audience_youths: toCount(r.audience_youths), audience_adults: toCount(r.audience_adults) };
}

async function withLinks(db: Db, rows: EventRow[]): Promise<EventItem[]> {
  const ids = rows.map((r) => r.id);
  if (!ids.length) return [];
  const [presenters, media] = await Promise.all([
    db('restitution_presenters')
      .join('enrolments', 'enrolments.id', 'restitution_presenters.enrolment_id')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .whereIn('restitution_presenters.event_id', ids)
      .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
      .select('restitution_presenters.event_id', 'enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name'),
    db('restitution_media')
      .join('media', 'media.id', 'restitution_media.medium_id')
      .whereIn('restitution_media.event_id', ids)
      .orderBy('media.id')
      .select('restitution_media.event_id', 'media.id', 'media.kind', 'media.caption', 'media.use_level'),
  ]);
  return rows.map((r) => {
    const linked = (media as (EventMedium & { event_id: number })[]).filter((m) => m.event_id === r.id);
    return {
      ...toRow(r),
      presenters: (presenters as (EventPresenter & { event_id: number })[])
        .filter((p) => p.event_id === r.id)
        .map(({ enrolment_id, first_name, last_name }) => ({ enrolment_id, first_name, last_name })),
      media: linked.filter(showableAtRestitution).map(({ id, kind, caption, use_level }) => ({ id, kind, caption, use_level })),
      withdrawnMedia: linked.filter((m) => !showableAtRestitution(m)).length,
    };
  });
}

/** The group's events, the most recent first. */
export async function listEvents(db: Db, groupId: number): Promise<EventItem[]> {
  const rows: EventRow[] = await db('restitution_events').where({ group_id: groupId }).orderBy([{ column: 'held_on', order: 'desc' }, { column: 'id', order: 'desc' }]);
  return withLinks(db, rows);
}

export async function findEvent(db: Db, groupId: number, eventId: number): Promise<EventItem | undefined> {
  const row: EventRow | undefined = await db('restitution_events').where({ id: eventId, group_id: groupId }).first();
  return row ? (await withLinks(db, [row]))[0] : undefined;
}

/** The media linked to the event, those whose use was narrowed since included: ticked on its edit form. */
export async function chosenMediumIds(db: Db, event: EventRow): Promise<number[]> {
  const linked: { medium_id: number }[] = await db('restitution_media').where({ event_id: event.id }).select('medium_id');
  return linked.map((m) => m.medium_id);
}

export async function countEvents(db: Db, groupId: number): Promise<number> {
  const [row] = await db('restitution_events').where({ group_id: groupId }).count<{ n: number | string }[]>('* as n');
  return toNumber(row?.n);
}

/** The people a group reached: the sum of its events' audiences. */
export async function peopleReached(db: Db, groupId: number): Promise<number> {
  const row = await db('restitution_events').where({ group_id: groupId }).sum<{ total: number | string | null }[]>('audience_total as total').first();
  return toNumber(row?.total);
}

export interface YouthCredit {
  enrolment_id: number;
  first_name: string;
  last_name: string;
  /** How many events they presented at. */
  events: number;
  /** The audiences of those events, added up. */
  audience: number;
}

/** Each youth who presented, credited with the events they presented at and the people those reached. */
export async function youthCredits(db: Db, groupId: number): Promise<YouthCredit[]> {
  const rows = await db('restitution_presenters')
    .join('restitution_events', 'restitution_events.id', 'restitution_presenters.event_id')
    .join('enrolments', 'enrolments.id', 'restitution_presenters.enrolment_id')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where('restitution_events.group_id', groupId)
    .groupBy('enrolments.id', 'youths.first_name', 'youths.last_name')
    .orderBy([{ column: 'audience', order: 'desc' }, { column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select(
      'enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name',
      db.raw('count(*) as events'), db.raw('sum(restitution_events.audience_total) as audience'),
    );
  return rows.map((r: YouthCredit) => ({ ...r, events: toNumber(r.events), audience: toNumber(r.audience) }));
}

/** The enrolments of the group whose youth presented the project at least once (the funnel's restitution step). */
export async function presentingEnrolments(db: Db, groupId: number): Promise<Set<number>> {
  const rows: { enrolment_id: number }[] = await db('restitution_presenters')
    .join('restitution_events', 'restitution_events.id', 'restitution_presenters.event_id')
    .where('restitution_events.group_id', groupId)
    .distinct('restitution_presenters.enrolment_id');
  return new Set(rows.map((r) => r.enrolment_id));
}
