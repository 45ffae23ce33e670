import type { Knex } from 'knex';
import type { Db } from '../db/knex.js';
import { toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { can, type GroupRecord } from '../auth/permissions.js';
import { hasLeft, hasReturned, phaseRank, PHASES, type Phase } from '../phases/order.js';
import { notFound } from '../http/errors.js';
import { Refusal } from '../http/refusal.js';
import type { FormErrors } from '../http/validation.js';
import { listCompetences, type CompetenceRow } from './competence.js';

/**
 * The before/after self-assessment. During the preparation, and again once back, each youth rates
 * themselves from 1 to 5 on each active competence, and says in their own words how they see the country
 * or their own life. One assessment per moment per enrolment: filling the same moment again, while it is
 * open, replaces the answers (a youth who tapped too fast corrects them); once the moment has closed, its
 * answers are what they were then.
 */
export const ASSESSMENT_MOMENTS = ['before', 'after'] as const;
export type AssessmentMoment = (typeof ASSESSMENT_MOMENTS)[number];

export const SCORES = [1, 2, 3, 4, 5] as const;
export const FREE_TEXT_MAX = 2000;

// "Before" is filled while the group is still at home, up to the day it leaves; "after" from the return
// on, through the restitution and the after-project. During the stay neither is open: the youths are
// abroad, and a "before" filled there would not be a before any more.
const OPEN_IN: Record<AssessmentMoment, readonly Phase[]> = {
  before: PHASES.filter((p) => !hasLeft(p)),
  after: PHASES.filter(hasReturned),
};

export const isMomentOpen = (moment: AssessmentMoment, phase: Phase): boolean => OPEN_IN[moment].includes(phase);

/** When a closed moment opens, as a message key: "after the return", or "it is over". */
export function whenMomentOpens(moment: AssessmentMoment, phase: Phase): 'notYet' | 'over' {
  return phaseRank(phase) < phaseRank(OPEN_IN[moment][0]!) ? 'notYet' : 'over';
}

/** The moment named in a URL; anything else names nothing. */
export function parseMoment(value: string | string[] | undefined): AssessmentMoment {
  if (typeof value !== 'string' || !(ASSESSMENT_MOMENTS as readonly string[]).includes(value)) throw notFound();
  return value as AssessmentMoment;
}

// ---------------------------------------------------------------------------------------------------
// The youth's own enrolment

export interface OwnEnrolment {
  enrolment_id: number;
  group_id: number;
  youth_id: number;
  user_id: number;
  status: 'enrolled' | 'withdrawn';
  first_name: string;
  last_name: string;
}

/**
 * The signed-in youth's enrolment in a group, found from their account: never from an id in a URL, so
 * nobody can name someone else's assessment. Anyone but a youth has none.
 */
export async function findOwnEnrolment(db: Db, user: Express.User, groupId: number): Promise<OwnEnrolment | undefined> {
  if (user.role !== 'youth') return undefined;
  const row = await db('enrolments')
    .join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'enrolments.group_id': groupId, 'youths.user_id': user.id })
    .orderBy('enrolments.id')
    .first(
      'enrolments.id as enrolment_id', 'enrolments.group_id', 'enrolments.youth_id', 'youths.user_id', 'enrolments.status',
      'youths.first_name', 'youths.last_name',
    );
  return row ? { ...row, enrolment_id: toNumber(row.enrolment_id), group_id: toNumber(row.group_id), youth_id: toNumber(row.youth_id), user_id: toNumber(row.user_id) } : undefined;
}

// ---------------------------------------------------------------------------------------------------
// Reading one assessment

export interface AssessmentRow {
  id: number;
  enrolment_id: number;
  moment: AssessmentMoment;
  filled_at: string;
  free_text: string | null;
  /** competence id → score */
  scores: Map<number, number>;
}

export async function findAssessment(db: Db, enrolmentId: number, moment: AssessmentMoment): Promise<AssessmentRow | undefined> {
  const row = await db('assessments').where({ enrolment_id: enrolmentId, moment }).first('id', 'enrolment_id', 'moment', 'filled_at', 'free_text');
  if (!row) return undefined;
  const answers: { competence_id: number; score: number }[] = await db('assessment_answers').where({ assessment_id: row.id }).select('competence_id', 'score');
  return { ...row, id: toNumber(row.id), enrolment_id: toNumber(row.enrolment_id), scores: new Map(answers.map((a) => [toNumber(a.competence_id), toNumber(a.score)])) };
}

/** What the form shows: the answers given, or nothing yet. Field names are `score_<competence key>`. */
export function assessmentValues(assessment: AssessmentRow | undefined, competences: CompetenceRow[]): Record<string, string> {
  const values: Record<string, string> = { freeText: assessment?.free_text ?? '' };
  for (const c of competences) {
    const score = assessment?.scores.get(c.id);
    if (score !== undefined) values[`score_${c.key}`] = String(score);
  }
  return values;
}

// ---------------------------------------------------------------------------------------------------
// The form

export type ParsedAssessment =
  | { ok: true; answers: Map<number, number>; freeText: string | null }
  | { ok: false; errors: FormErrors; missing: CompetenceRow[] };

/**
 * The youth's form: one `score_<key>` per active competence, 1 to 5, and the free answer. A missing score
 * is reported on its competence, by name, so the youth knows which one to tap.
 */
export function parseAssessmentForm(body: unknown, competences: CompetenceRow[]): ParsedAssessment {
  const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FormErrors = {};
  const missing: CompetenceRow[] = [];
  const answers = new Map<number, number>();
  for (const c of competences) {
    const raw = fields[`score_${c.key}`];
    if (raw === undefined || raw === '') {
      errors[`score_${c.key}`] = 'assessments.form.scoreMissing';
      missing.push(c);
    } else if (typeof raw !== 'string' || !/^[1-5]$/.test(raw)) {
      errors[`score_${c.key}`] = 'assessments.form.scoreInvalid';
    } else {
      answers.set(c.id, Number(raw));
    }
  }
  const text = typeof fields.freeText === 'string' ? fields.freeText.trim() : '';
  if (fields.freeText !== undefined && typeof fields.freeText !== 'string') errors.freeText = 'validation.invalid';
  else if (text.length > FREE_TEXT_MAX) errors.freeText = 'assessments.form.freeTextTooLong';
  if (Object.keys(errors).length) return { ok: false, errors, missing };
  return { ok: true, answers, freeText: text || null };
}

// ---------------------------------------------------------------------------------------------------
// Filling

/** An assessment refused whole: the message is the form's; for missing scores, the detail names their competences' ids. */
const assessmentRefused = (messageKey: string, missing: number[] = []) => new Refusal<number[]>('_form', messageKey, 422, missing);

/**
 * Saves a youth's own assessment for one moment, replacing what they answered before for that moment.
 * Refused when the youth is not the one signed in (a worker cannot fill one for a youth), when they left
 * the group, when the moment is not open in the group's phase, or when an active competence has no
 * score 1-5 (or a score names a competence that is not asked).
 */
export async function fillAssessment(
  db: Db,
  user: Express.User,
  enrolment: OwnEnrolment,
  moment: AssessmentMoment,
  answers: Map<number, number>,
  freeText: string | null,
): Promise<number> {
  if (user.role !== 'youth' || enrolment.user_id !== user.id) throw assessmentRefused('assessments.refused.notYours');
  if (!(ASSESSMENT_MOMENTS as readonly string[]).includes(moment)) throw assessmentRefused('assessments.refused.invalid');
  return db.transaction(async (trx) => {
    const current = await trx('enrolments')
      .join('groups', 'groups.id', 'enrolments.group_id')
      .where('enrolments.id', enrolment.enrolment_id)
      .first('enrolments.status', 'groups.phase');
    if (!current) throw assessmentRefused('assessments.refused.notYours');
    if (current.status !== 'enrolled') throw assessmentRefused('assessments.closed.withdrawn');
    if (!isMomentOpen(moment, current.phase)) throw assessmentRefused(`assessments.closed.${whenMomentOpens(moment, current.phase)}_${moment}`);

    const asked = await listCompetences(trx, { activeOnly: true });
    const askedIds = new Set(asked.map((c) => c.id));
    for (const [id, score] of answers) {
      if (!askedIds.has(id) || !Number.isInteger(score) || score < 1 || score > 5) throw assessmentRefused('assessments.refused.invalid');
    }
    const missing = asked.filter((c) => !answers.has(c.id)).map((c) => c.id);
    if (missing.length) throw assessmentRefused('assessments.form.scoreMissing', missing);
    const text = freeText?.trim() ? freeText.trim().slice(0, FREE_TEXT_MAX) : null;

    const now = nowIso();
    const [row] = await trx('assessments')
      .insert({ enrolment_id: enrolment.enrolment_id, moment, filled_at: now, filled_by: user.id, free_text: text })
      .onConflict(['enrolment_id', 'moment'])
      .merge(['filled_at', 'filled_by', 'free_text'])
      .returning('id');
    const id = toNumber(typeof row === 'object' && row !== null ? (row as { id: unknown }).id : row);
    await trx('assessment_answers').where({ assessment_id: id }).del();
    await trx('assessment_answers').insert([...answers].map(([competence_id, score]) => ({ assessment_id: id, competence_id, score })));
    return id;
  });
}

// ---------------------------------------------------------------------------------------------------
// Deltas

export interface CompetenceDelta {
  competence: CompetenceRow;
  before: number | null;
  after: number | null;
  /** after − before, when both were answered. */
  delta: number | null;
}

export interface FilledMoment {
  filledAt: string;
  freeText: string | null;
}

export interface YouthDeltas {
  enrolmentId: number;
  youthId: number;
  firstName: string;
  lastName: string;
  status: 'enrolled' | 'withdrawn';
  before: FilledMoment | null;
  after: FilledMoment | null;
  /** The competences the youth answered at either moment, in the list's order. */
  lines: CompetenceDelta[];
  /** The youth's mean score at each moment, and the mean of their changes (competences answered at both). */
  average: { before: number | null; after: number | null; delta: number | null };
}

export interface GroupAverage {
  competence: CompetenceRow;
  before: number | null;
  beforeCount: number;
  after: number | null;
  afterCount: number;
  /** The mean of each youth's change, over the youths who answered both moments. */
  delta: number | null;
  pairedCount: number;
}

export interface GroupDeltas {
  youths: YouthDeltas[];
  averages: GroupAverage[];
  counts: { youths: number; before: number; after: number; both: number };
}

/** One line per enrolment and competence answered, with the score of each moment side by side. */
function scoresSideBySide(db: Db | Knex.Transaction, scope: { groupId?: number; enrolmentId?: number }): Knex.QueryBuilder {
  const q = db('assessment_answers as aa')
    .join('assessments as a', 'a.id', 'aa.assessment_id')
    .join('enrolments as e', 'e.id', 'a.enrolment_id')
    .groupBy('a.enrolment_id', 'aa.competence_id')
    .select(
      'a.enrolment_id', 'aa.competence_id',
      db.raw("max(case when a.moment = 'before' then aa.score end) as score_before"),
      db.raw("max(case when a.moment = 'after' then aa.score end) as score_after"),
    );
  if (scope.groupId !== undefined) q.where('e.group_id', scope.groupId);
  if (scope.enrolmentId !== undefined) q.where('a.enrolment_id', scope.enrolmentId);
  return q;
}

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
const numberOrNull = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

async function youthDeltasWhere(db: Db, scope: { groupId?: number; enrolmentId?: number }): Promise<YouthDeltas[]> {
  const enrolmentsQ = db('enrolments as e')
    .join('youths as y', 'y.id', 'e.youth_id')
    .orderBy([{ column: 'y.last_name' }, { column: 'y.first_name' }, { column: 'e.id' }])
    .select('e.id', 'e.youth_id', 'e.status', 'y.first_name', 'y.last_name');
  if (scope.groupId !== undefined) enrolmentsQ.where('e.group_id', scope.groupId);
  if (scope.enrolmentId !== undefined) enrolmentsQ.where('e.id', scope.enrolmentId);
  const enrolments: { id: number; youth_id: number; status: 'enrolled' | 'withdrawn'; first_name: string; last_name: string }[] = await enrolmentsQ;
  const ids = enrolments.map((e) => toNumber(e.id));
  if (!ids.length) return [];
  const [competences, scores, filled] = await Promise.all([
    listCompetences(db),
    scoresSideBySide(db, scope) as Promise<{ enrolment_id: number; competence_id: number; score_before: unknown; score_after: unknown }[]>,
    db('assessments').whereIn('enrolment_id', ids).select('enrolment_id', 'moment', 'filled_at', 'free_text') as Promise<
      { enrolment_id: number; moment: AssessmentMoment; filled_at: string; free_text: string | null }[]
    >,
  ]);
  return enrolments.map((e) => {
    const id = toNumber(e.id);
    const mine = new Map(scores.filter((s) => toNumber(s.enrolment_id) === id).map((s) => [toNumber(s.competence_id), s]));
    const lines: CompetenceDelta[] = competences
      .filter((c) => mine.has(c.id))
      .map((c) => {
        const s = mine.get(c.id)!;
        const before = numberOrNull(s.score_before);
        const after = numberOrNull(s.score_after);
        return { competence: c, before, after, delta: before !== null && after !== null ? after - before : null };
      });
    const moment = (m: AssessmentMoment): FilledMoment | null => {
      const f = filled.find((x) => toNumber(x.enrolment_id) === id && x.moment === m);
      return f ? { filledAt: f.filled_at, freeText: f.free_text } : null;
    };
    return {
      enrolmentId: id, youthId: toNumber(e.youth_id), firstName: e.first_name, lastName: e.last_name, status: e.status,
      before: moment('before'), after: moment('after'), lines,
      average: {
        before: mean(lines.flatMap((l) => (l.before === null ? [] : [l.before]))),
        after: mean(lines.flatMap((l) => (l.after === null ? [] : [l.after]))),
        delta: mean(lines.flatMap((l) => (l.delta === null ? [] : [l.delta]))),
      },
    };
  });
}

/**
 * The group's self-assessments: every youth ever enrolled (those who have not answered too, so the worker
 * sees who is missing) with their change per competence, and, per competence, the group's average before
 * and after. Each average is over the youths who answered that moment; the change is the mean of each
 * youth's own change, over those who answered both — so youths who left before the return do not pull
 * the "after" apart from the "before".
 */
export async function assessmentDeltas(db: Db, groupId: number): Promise<GroupDeltas> {
  const [youths, competences, rows] = await Promise.all([
    youthDeltasWhere(db, { groupId }),
    listCompetences(db),
    db
      .from(scoresSideBySide(db, { groupId }).as('p'))
      .groupBy('p.competence_id')
      .select(
        'p.competence_id',
        db.raw('avg(p.score_before) as avg_before'),
        db.raw('count(p.score_before) as n_before'),
        db.raw('avg(p.score_after) as avg_after'),
        db.raw('count(p.score_after) as n_after'),
        db.raw('avg(p.score_after - p.score_before) as avg_delta'),
        db.raw('count(p.score_after - p.score_before) as n_paired'),
      ) as Promise<{ competence_id: number; avg_before: unknown; n_before: unknown; avg_after: unknown; n_after: unknown; avg_delta: unknown; n_paired: unknown }[]>,
  ]);
  const byCompetence = new Map(rows.map((r) => [toNumber(r.competence_id), r]));
  const averages: GroupAverage[] = competences
    .filter((c) => byCompetence.has(c.id) || c.active)
    .map((c) => {
      const r = byCompetence.get(c.id);
      return {
        competence: c,
        before: numberOrNull(r?.avg_before), beforeCount: toNumber(r?.n_before),
        after: numberOrNull(r?.avg_after), afterCount: toNumber(r?.n_after),
        delta: numberOrNull(r?.avg_delta), pairedCount: toNumber(r?.n_paired),
      };
    });
  return {
    youths,
    averages,
    counts: {
      youths: youths.length,
      before: youths.filter((y) => y.before).length,
      after: youths.filter((y) => y.after).length,
      both: youths.filter((y) => y.before && y.after).length,
    },
  };
}

/** One youth's before and after, with their change per competence. */
export async function youthAssessments(db: Db, enrolmentId: number): Promise<YouthDeltas | undefined> {
  return (await youthDeltasWhere(db, { enrolmentId }))[0];
}

/** How a change reads in plain words: up, same or down. */
export const trend = (delta: number | null): 'up' | 'same' | 'down' | null =>
  delta === null ? null : delta > 0.05 ? 'up' : delta < -0.05 ? 'down' : 'same';

// ---------------------------------------------------------------------------------------------------
// Beside the videos (the media module's before/after pages)

export type BesideVideos =
  | { kind: 'youth'; youth: YouthDeltas; own: boolean }
  | { kind: 'group'; averages: GroupAverage[]; counts: GroupDeltas['counts'] };

/**
 * What the before/after page of the media module shows beside the videos, for the user who reads it:
 * on a youth's page, that youth's self-assessment (for the adults in charge and the youth themselves);
 * on the group's page, the group's averages for the adults in charge, and the youth's own for a youth.
 * Null when there is nothing this user may see: the partial then shows nothing.
 */
export async function besideVideos(db: Db, user: Express.User, group: GroupRecord, enrolmentId?: number): Promise<BesideVideos | null> {
  if (enrolmentId !== undefined) {
    const owner = await db('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.id': enrolmentId, 'enrolments.group_id': group.id })
      .first('youths.user_id');
    if (!owner || !can(user, 'viewYouthAssessment', { group, youthUserId: owner.user_id ?? null })) return null;
    const youth = await youthAssessments(db, enrolmentId);
    return youth ? { kind: 'youth', youth, own: owner.user_id === user.id } : null;
  }
  if (can(user, 'viewAssessments', group)) {
    const { averages, counts } = await assessmentDeltas(db, group.id);
    return { kind: 'group', averages, counts };
  }
  const own = await findOwnEnrolment(db, user, group.id);
  if (!own) return null;
  const youth = await youthAssessments(db, own.enrolment_id);
  return youth ? { kind: 'youth', youth, own: true } : null;
}
