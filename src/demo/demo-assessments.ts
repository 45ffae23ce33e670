import dayjs, { type Dayjs } from 'dayjs';
import type { Knex } from 'knex';
import { insertedId } from '../db/knex.js';
import { ensureCompetences, listCompetences } from '../assessments/competence.js';
import type { DemoIds } from './demo-data.js';

/*
 * The demo groups' self-assessments. Groups back home (Algérie in 'return', Bafou in 'restitution', the
 * dispensary in 'after') have a "before" filled during their preparation and an "after" since the return
 * — in Algeria only three youths have answered the "after" yet; the bilan session is still to come.
 * Sadiola, in preparation, has its "before" (Inès included), all but Yanis and Manon. Scores are fixed
 * (no randomness): most go up by one or two, some stay, a few go down.
 */

const BEFORE_WORDS = [
  'Là-bas, j’imagine la chaleur, la poussière et des gens pauvres. J’ai un peu peur de ne pas savoir quoi dire.',
  'Je n’ai jamais pris l’avion. Ici, je cherche du travail et je tourne en rond.',
  'Je pense qu’on va aider les gens là-bas.',
  null,
  'Je ne sais pas trop. On verra bien.',
  'Ma mère vient de là-bas mais je n’y suis jamais allée. J’ai envie de voir.',
];

const AFTER_WORDS = [
  'Les gens là-bas se débrouillent avec peu et ils rigolent beaucoup. On n’est pas venus les aider : on a travaillé avec eux.',
  'J’ai parlé devant toute une classe au retour. Je n’aurais jamais cru.',
  null,
  'Maintenant, je veux monter une association dans mon quartier.',
  'J’ai appris à faire sans mon téléphone. Je suis plus patient.',
  'C’est une vraie ville, moderne, rien à voir avec les images de la télé.',
];

// How six kinds of youths see themselves before leaving, competence by competence: some shy, some sure
// of themselves, most in between.
const PROFILES = [
  [2, 1, 2, 3, 2, 1, 3, 2],
  [3, 3, 2, 4, 3, 2, 3, 2],
  [1, 2, 1, 2, 2, 1, 2, 1],
  [4, 3, 3, 4, 3, 3, 4, 2],
  [2, 2, 3, 2, 1, 2, 3, 3],
  [3, 2, 2, 3, 2, 2, 2, 1],
];

/** A score from 1 to 5 for youth `y` on competence `c`, before the project. */
function before(y: number, c: number): number {
  const profile = PROFILES[y % PROFILES.length]!;
  return profile[(c + y) % profile.length]!;
}

/** Mostly +1 or +2, sometimes the same, now and then one lower. */
function change(y: number, c: number): number {
  const h = (y * 9 + c * 7 + y * c) % 10;
  return h === 0 ? -1 : h < 3 ? 0 : h < 8 ? 1 : 2;
}

const clamp = (n: number): number => Math.max(1, Math.min(5, n));

interface Plan {
  /** When the "before" was filled. */
  beforeOn: (departure: Dayjs, i: number) => Dayjs;
  /** Which youths (by order of enrolment) answered "before"; all those still there when it was filled. */
  skipBefore?: number[];
  /** How many of the youths still enrolled have answered "after" (undefined: none). */
  afterCount?: number;
}

export async function loadDemoAssessments(trx: Knex.Transaction, ids: DemoIds, today: Dayjs = dayjs()): Promise<void> {
  await ensureCompetences(trx);
  const competences = await listCompetences(trx, { activeOnly: true });
  const plans: [number, Plan][] = [
    // Sadiola: filled over the last weeks of the preparation; Yanis (drifting away) and Manon not yet.
    [ids.groups.sadiola, { beforeOn: (_d, i) => today.subtract(5 + i * 2, 'day'), skipBefore: [1, 6] }],
    [ids.groups.algerie, { beforeOn: (d, i) => d.subtract(40 + i, 'day'), afterCount: 3 }],
    [ids.groups.bafou, { beforeOn: (d, i) => d.subtract(50 + i, 'day'), afterCount: Infinity }],
    [ids.groups.dispensaire, { beforeOn: (d, i) => d.subtract(50 + i, 'day'), afterCount: Infinity }],
  ];
  for (const [p, [groupId, plan]] of plans.entries()) {
    const group = await trx('groups').where({ id: groupId }).first('departure_date', 'return_date');
    const departure = dayjs(group.departure_date);
    const back = dayjs(group.return_date);
    const enrolments: { id: number; status: string; user_id: number | null; withdrawn_on: string | null }[] = await trx('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .leftJoin('withdrawals', 'withdrawals.enrolment_id', 'enrolments.id')
      .where('enrolments.group_id', groupId)
      .orderBy('enrolments.id')
      .select('enrolments.id', 'enrolments.status', 'youths.user_id', 'withdrawals.withdrawn_on');
    let afters = 0;
    for (const [i, e] of enrolments.entries()) {
      const beforeOn = plan.beforeOn(departure, i);
      // A youth who had already left when the others filled theirs did not answer.
      const there = e.status === 'enrolled' || (e.withdrawn_on !== null && e.withdrawn_on > beforeOn.format('YYYY-MM-DD'));
      if (!there || plan.skipBefore?.includes(i)) continue;
      // Fixed per group and youth, never from a database id: the demo reads the same on every database.
      const y = p * 3 + i;
      // One lower after than before needs room below: such a line starts at 2 at least.
      const scoreBefore = (ci: number) => Math.max(before(y, ci), change(y, ci) < 0 ? 2 : 1);
      await addAssessment(trx, e.id, 'before', beforeOn, e.user_id, BEFORE_WORDS[y % BEFORE_WORDS.length] ?? null, competences.map((c, ci) => [c.id, scoreBefore(ci)]));
      if (e.status !== 'enrolled' || afters >= (plan.afterCount ?? 0)) continue;
      afters += 1;
      const afterOn = back.add(4 + i * 2, 'day').isAfter(today) ? today : back.add(4 + i * 2, 'day');
      await addAssessment(
        trx, e.id, 'after', afterOn, e.user_id, AFTER_WORDS[y % AFTER_WORDS.length] ?? null,
        competences.map((c, ci) => [c.id, clamp(scoreBefore(ci) + change(y, ci))]),
      );
    }
  }
}

async function addAssessment(
  trx: Knex.Transaction, enrolmentId: number, moment: 'before' | 'after', on: Dayjs, userId: number | null, words: string | null, scores: [number, number][],
): Promise<void> {
  const [row] = await trx('assessments')
    .insert({ enrolment_id: enrolmentId, moment, filled_at: on.hour(18).minute(30).toISOString(), filled_by: userId, free_text: words })
    .returning('id');
  const id = insertedId(row);
  await trx('assessment_answers').insert(scores.map(([competence_id, score]) => ({ assessment_id: id, competence_id, score })));
}
