import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId } from '../db/knex.js';
import { nowIso, today } from '../db/time.js';
import { isMinorAt } from '../participants/participant.js';

/**
 * Image rights ("droit à l'image"): each youth of a group says how far their image may go — nowhere yet,
 * the group only, the restitution events, or public. A medium can be used as widely as the least willing
 * youth in it allows. A youth who is a minor on the day their consent is recorded needs their parents'
 * consent for it to count beyond the group; once of age, they are asked again and answer for themselves.
 */
export const CONSENT_LEVELS = ['none', 'group', 'restitution', 'public'] as const;
export type ConsentLevel = (typeof CONSENT_LEVELS)[number];

export const USE_LEVELS = ['group', 'restitution', 'public'] as const;
export type UseLevel = (typeof USE_LEVELS)[number];

const RANK: Record<ConsentLevel, number> = { none: 0, group: 1, restitution: 2, public: 3 };
export const levelRank = (level: ConsentLevel): number => RANK[level];

export interface ConsentRow {
  id: number;
  enrolment_id: number;
  level: ConsentLevel;
  parental: boolean;
  recorded_by: number | null;
  recorded_by_name?: string | null;
  /** The parent's name, when the parents answered online (src/parent-consent/). */
  answered_online_by?: string | null;
  recorded_at: string;
}

/** A youth's consent as it stands, and how far it really lets their image go. */
export interface YouthConsent {
  enrolment_id: number;
  youth_id: number;
  first_name: string;
  last_name: string;
  birth_date: string;
  status: 'enrolled' | 'withdrawn';
  consent: ConsentRow | null;
  /** The level given, capped to the group when a minor gave it without their parents. */
  effective: ConsentLevel;
  /** Minor today: a new consent would need the parents'. */
  minorToday: boolean;
  /** The recorded level goes beyond the group, but the youth was a minor then and the parents did not agree. */
  missingParental: boolean;
}

/** How far a recorded consent really lets the image go. */
export function effectiveLevel(consent: Pick<ConsentRow, 'level' | 'parental' | 'recorded_at'> | null, birthDate: string): ConsentLevel {
  if (!consent) return 'none';
  const minorThen = isMinorAt(birthDate, consent.recorded_at.slice(0, 10)) === true;
  if (minorThen && !consent.parental && RANK[consent.level] > RANK.group) return 'group';
  return consent.level;
}

function toYouthConsent(row: Record<string, unknown>): YouthConsent {
  const consent: ConsentRow | null = row.consent_id
    ? {
      id: Number(row.consent_id), enrolment_id: Number(row.enrolment_id), level: row.level as ConsentLevel, parental: Boolean(row.parental),
      recorded_by: (row.recorded_by as number | null) ?? null, recorded_at: String(row.recorded_at),
    }
    : null;
  const birth = String(row.birth_date);
  const effective = effectiveLevel(consent, birth);
  return {
    enrolment_id: Number(row.enrolment_id), youth_id: Number(row.youth_id), first_name: String(row.first_name), last_name: String(row.last_name),
    birth_date: birth, status: row.status as YouthConsent['status'], consent, effective,
    minorToday: isMinorAt(birth, today()) === true,
    missingParental: Boolean(consent && RANK[consent.level] > RANK[effective]),
  };
}

/** The latest consent of each youth of a group (or of some of them), everyone ever enrolled included. */
export async function groupConsents(db: Db, groupId: number, youthIds?: number[]): Promise<YouthConsent[]> {
  const q = db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .leftJoin('image_consents', function () {
      this.on('image_consents.enrolment_id', 'enrolments.id').andOn(
        'image_consents.id', '=', db.raw('(select max(c.id) from image_consents c where c.enrolment_id = enrolments.id)'),
      );
    })
    .where('enrolments.group_id', groupId)
    .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }])
    .select(
      'enrolments.id as enrolment_id', 'youths.id as youth_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date',
      'enrolments.status', 'image_consents.id as consent_id', 'image_consents.level', 'image_consents.parental',
      'image_consents.recorded_by', 'image_consents.recorded_at',
    );
  if (youthIds) q.whereIn('youths.id', youthIds);
  return (await q).map(toYouthConsent);
}

export async function youthConsent(db: Db, groupId: number, enrolmentId: number): Promise<YouthConsent | undefined> {
  return (await groupConsents(db, groupId)).find((c) => c.enrolment_id === enrolmentId);
}

/** Every consent recorded for one enrolment, latest first: who said what, when. */
export function consentHistory(db: Db, enrolmentId: number): Promise<ConsentRow[]> {
  return db('image_consents')
    .leftJoin('users', 'users.id', 'image_consents.recorded_by')
    // A parent who answered online has no account: the name they gave says who.
    .leftJoin('parent_consent_answers', 'parent_consent_answers.image_consent_id', 'image_consents.id')
    .where('image_consents.enrolment_id', enrolmentId)
    .orderBy('image_consents.id', 'desc')
    .select('image_consents.*', 'users.display_name as recorded_by_name', 'parent_consent_answers.parent_name as answered_online_by')
    .then((rows: ConsentRow[]) => rows.map((r) => ({ ...r, parental: Boolean(r.parental) })));
}

/** Why a youth's image may not go as far as asked. */
export interface ConsentShortfall {
  youthId: number;
  name: string;
  /** 'none': nothing recorded; 'level': a lower level was given; 'parental': a minor without their parents' consent. */
  reason: 'none' | 'level' | 'parental';
}

/** The youths among `youthIds` whose consent does not reach `level` in this group. Group use needs nothing more. */
export async function youthsLackingConsent(db: Db, groupId: number, youthIds: number[], level: UseLevel): Promise<ConsentShortfall[]> {
  if (level === 'group' || !youthIds.length) return [];
  const consents = await groupConsents(db, groupId, youthIds);
  return consents
    .filter((c) => RANK[c.effective] < RANK[level])
    .map((c) => ({
      youthId: c.youth_id,
      name: `${c.first_name} ${c.last_name}`,
      reason: c.missingParental && RANK[c.consent!.level] >= RANK[level] ? 'parental' : c.consent && c.consent.level !== 'none' ? 'level' : 'none',
    }));
}

export const ConsentForm = z.object({
  level: z.enum(CONSENT_LEVELS, { message: 'media.consent.levelRequired' }),
  parental: z
    .string()
    .optional()
    .transform((v) => v === 'yes'),
});
export type ConsentInput = z.infer<typeof ConsentForm>;

/**
 * Records what a youth (and, for a minor, their parents) said. Consent can be narrowed at any time: the
 * group's media in which the youth appears and which now go further than everyone in them allows are
 * brought back, in the same transaction, to the widest level still allowed. Returns how many were.
 */
export async function recordConsent(
  db: Db,
  user: Express.User,
  enrolment: { enrolment_id: number; group_id: number; youth_id: number },
  input: ConsentInput,
): Promise<{ narrowedMedia: number }> {
  return db.transaction(async (trx) => {
    const { narrowedMedia } = await recordConsentIn(trx, user.id, enrolment, input);
    return { narrowedMedia };
  });
}

/**
 * The same, inside the caller's transaction, by an account or (`recordedBy` null) by a parent answering
 * online (src/parent-consent/): either way the row is the one media clearance and the consent page read.
 */
export async function recordConsentIn(
  trx: Db,
  recordedBy: number | null,
  enrolment: { enrolment_id: number; group_id: number; youth_id: number },
  input: ConsentInput,
): Promise<{ narrowedMedia: number; consentId: number }> {
  const [row] = await trx('image_consents')
    .insert({ enrolment_id: enrolment.enrolment_id, level: input.level, parental: input.parental, recorded_by: recordedBy, recorded_at: nowIso() })
    .returning('id');
  const media: { id: number; use_level: UseLevel }[] = await trx('media')
    .join('media_youths', 'media_youths.medium_id', 'media.id')
    .where({ 'media.group_id': enrolment.group_id, 'media_youths.youth_id': enrolment.youth_id })
    .whereNot('media.use_level', 'group')
    .select('media.id', 'media.use_level');
  let narrowedMedia = 0;
  for (const m of media) {
    const allowed = await widestAllowedLevel(trx, enrolment.group_id, m.id);
    if (RANK[allowed] < RANK[m.use_level]) {
      await trx('media').where({ id: m.id }).update({ use_level: allowed, updated_at: nowIso() });
      narrowedMedia++;
    }
  }
  return { narrowedMedia, consentId: insertedId(row) };
}

/** The widest use everyone tagged in a medium allows; never less than the group itself. */
export async function widestAllowedLevel(db: Db, groupId: number, mediumId: number): Promise<UseLevel> {
  const tagged: number[] = (await db('media_youths').where({ medium_id: mediumId }).select('youth_id')).map((r: { youth_id: number }) => r.youth_id);
  if (!tagged.length) return 'public';
  const consents = await groupConsents(db, groupId, tagged);
  // Someone in it who is not (or no longer) in the group has said nothing here.
  if (consents.length < tagged.length) return 'group';
  const least = Math.min(...consents.map((c) => RANK[c.effective]));
  return least >= RANK.public ? 'public' : least >= RANK.restitution ? 'restitution' : 'group';
}
