import type { Db } from '../db/knex.js';
import type { CacheAtVersion, VersionedCache } from '../db/data-version.js';
import { today } from '../db/time.js';
import { can } from '../auth/permissions.js';
import { scopedGroups, type ScopedGroup } from '../groups/group.js';
import { hasLeft, PHASES } from '../phases/order.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { paths } from '../http/paths.js';
import { attendanceRates, localToday, upcomingMeetings, type AttendanceRate, type MeetingRow } from '../meetings/meeting.js';
import { readinessOfGroup } from '../documents/readiness.js';
import type { Evaluation } from '../documents/youth-document.js';
import { listGroupMedia, type MediumItem } from '../media/medium.js';
import { listEvents, type EventItem } from '../restitution/restitution.js';
import { ownFunderFacts, type OwnFunderFacts } from '../participants/funder-facts.js';
import { certificateStatusOf, isCertificateOpen, type CertificateStatus } from '../certificates/certificate.js';
import {
  findOwnEnrolment, isMomentOpen, whenMomentOpens, youthAssessments, type AssessmentMoment, type OwnEnrolment, type YouthDeltas,
} from '../assessments/assessment.js';

/**
 * "My journey": a youth's own page, on their phone, in plain words — where their group is now, their
 * next sessions and how often they came, their papers, their uploads, their before/after, their
 * restitutions. It reads what the other concepts already know; it decides nothing of its own.
 */

/** The youth's groups, the one they are in now first (the latest departure). */
export function myGroups(db: Db, user: Express.User): Promise<ScopedGroup[]> {
  return scopedGroups(db, user).orderByRaw('groups.departure_date desc, groups.id desc');
}

/** Where a youth's journey in a group is: `/me` for their current group, `/me?group=<id>` for an earlier one. */
export async function journeyPath(db: Db, user: Express.User, groupId: number): Promise<string> {
  const [current] = await myGroups(db, user);
  return !current || current.id === groupId ? '/me' : `/me?group=${groupId}`;
}

export interface MomentState {
  moment: AssessmentMoment;
  open: boolean;
  filled: boolean;
  /** Why it cannot be filled now, as a message key suffix: notYet_after, over_before, withdrawn. */
  closedBecause: string | null;
}

/** How many of the youth's own uploads the page shows; the media page has them all. */
export const UPLOADS_SHOWN = 4;

export interface Journey {
  group: ScopedGroup;
  /** The youth's other groups, for a youth who took part in more than one project. */
  otherGroups: ScopedGroup[];
  own: OwnEnrolment;
  phases: typeof PHASES;
  upcoming: MeetingRow[];
  attendance: AttendanceRate | null;
  assessments: { youth: YouthDeltas | null; moments: MomentState[] };
  /** The papers the youth has to bring, while the group has not left; null afterwards or when none is asked of them. */
  documents: { papers: Evaluation[]; url: string } | null;
  /** What the youth uploaded (or appears in as its author), the newest first; none when the group's media are closed to them. */
  uploads: { latest: MediumItem[]; count: number; canView: boolean; canUpload: boolean; beforeAfterUrl: string };
  /** The restitution events the youth presented at, and how many the group held. */
  restitutions: { mine: EventItem[]; groupCount: number; audience: number };
  /** What funders count about the youth, shown to them with what each answer is for. */
  about: OwnFunderFacts | null;
  /** Their certificate: open once the group is back, written or not, confirmed or waiting. */
  certificate: { open: boolean; status: CertificateStatus; url: string };
}

/**
 * The journey of the signed-in youth in one of their groups (their current one unless `groupParam` names
 * another of theirs); undefined when they are in no group yet. A group outside their own is not found.
 * It comes as `cache` keeps it, with its key and the cache at the version read, so that what is made from
 * the journey alone (the page's HTML, with the language) is kept next to it under that key.
 */
export async function keptJourney(
  db: Db, user: Express.User, groupParam: string | undefined, cache: VersionedCache, req?: { method?: string },
): Promise<{ journey: () => Promise<Journey>; key: string; at: CacheAtVersion } | undefined> {
  const found = await findJourney(db, user, groupParam);
  if (!found) return undefined;
  const { groups, group, own } = found;
  const at = await cache.at(db, req);
  // Everything it is made of is in the key: the user, their groups and file as just read through their
  // scope, and the day (the day's sessions, the papers' deadlines); the rest only changes with the data.
  const key = JSON.stringify([user, groups, own, localToday(), today()]);
  return { journey: () => at.get(key, () => journeyIn(db, user, groups, group, own)), key, at };
}

async function findJourney(db: Db, user: Express.User, groupParam: string | undefined) {
  const groups = await myGroups(db, user);
  const wanted = groupParam === undefined ? undefined : parseId(groupParam);
  const group = wanted === undefined ? groups[0] : groups.find((g) => g.id === wanted);
  if (!group) {
    if (wanted !== undefined) throw notFound();
    return undefined;
  }
  const own = await findOwnEnrolment(db, user, group.id);
  return own ? { groups, group, own } : undefined;
}

async function journeyIn(db: Db, user: Express.User, groups: ScopedGroup[], group: ScopedGroup, own: OwnEnrolment): Promise<Journey> {
  const beforeLeaving = !hasLeft(group.phase);
  const [upcoming, rates, youth, readiness, media, events, about, certificate] = await Promise.all([
    upcomingMeetings(db, group.id, { limit: 3 }),
    attendanceRates(db, group.id),
    youthAssessments(db, own.enrolment_id),
    // Papers matter until the group leaves; the documents module says which ones this youth needs (and
    // reads only theirs).
    beforeLeaving ? readinessOfGroup(db, group, [own.enrolment_id]) : null,
    listGroupMedia(db, group.id),
    listEvents(db, group.id),
    ownFunderFacts(db, own.enrolment_id, group),
    // A certificate is written once the group is back: before, there is none to ask about.
    isCertificateOpen(group.phase) ? certificateStatusOf(db, own.enrolment_id) : 'none' as const,
  ]);
  const papers = readiness?.youths.find((y) => y.enrolmentId === own.enrolment_id)?.papers.filter((p) => p.applies) ?? [];
  const canView = can(user, 'viewMedia', group);
  const uploads = canView
    ? media.filter((m) => m.youth_id === own.youth_id || m.uploaded_by === user.id).sort((a, b) => b.created_at.localeCompare(a.created_at))
    : [];
  const presented = events.filter((e) => e.presenters.some((p) => Number(p.enrolment_id) === own.enrolment_id));
  const mine = rates.youths.find((y) => y.enrolmentId === own.enrolment_id);
  const moments: MomentState[] = (['before', 'after'] as const).map((moment) => {
    const open = isMomentOpen(moment, group.phase) && own.status === 'enrolled';
    return {
      moment,
      open,
      filled: Boolean(youth?.[moment]),
      closedBecause: own.status !== 'enrolled' ? 'withdrawn' : open ? null : `${whenMomentOpens(moment, group.phase)}_${moment}`,
    };
  });
  return {
    group,
    otherGroups: groups.filter((g) => g.id !== group.id),
    own,
    phases: PHASES,
    upcoming,
    attendance: mine ? { attended: mine.attended, counted: mine.counted, rate: mine.rate } : null,
    assessments: { youth: youth && (youth.before || youth.after) ? youth : null, moments },
    documents: papers.length ? { papers, url: `/groups/${group.id}/youths/${own.enrolment_id}/documents` } : null,
    uploads: {
      latest: uploads.slice(0, UPLOADS_SHOWN), count: uploads.length, canView, canUpload: can(user, 'uploadMedia', group),
      beforeAfterUrl: `/groups/${group.id}/youths/${own.enrolment_id}/before-after`,
    },
    restitutions: { mine: presented, groupCount: events.length, audience: presented.reduce((n, e) => n + e.audience_total, 0) },
    about,
    certificate: {
      open: isCertificateOpen(group.phase) && own.status === 'enrolled', status: certificate,
      url: paths.groupYouthCertificate(group.id, own.enrolment_id),
    },
  };
}
