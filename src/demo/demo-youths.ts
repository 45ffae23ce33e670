import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import type { Phase } from '../phases/order.js';
import type { Situation } from '../participants/participant.js';
import type { WithdrawalReason } from '../participants/withdrawal.js';
import { barrierField, type Barrier, type EducationLevel, type Gender } from '../participants/funder-facts.js';

/**
 * The youths' files of the demo groups: who referred them, what they were doing, whom to call in an
 * emergency, and why those who left did so ("by the departure some found a job, some became pregnant...
 * but we keep contacting them"). Names and numbers are invented; phone numbers are in the 06 39 98 range
 * that the French regulator keeps for fiction.
 */

interface DemoWithdrawal {
  phase: Phase;
  /** Days from the group's departure (negative: before it). */
  day: number;
  reason: WithdrawalReason;
  note: string;
  staysInTouch: boolean;
}

const WITHDRAWALS: Record<string, DemoWithdrawal> = {
  // Finir le dispensaire et la classe: 10 enrolled, 5 left, as in the proceedings.
  'Mathis Leroy': { phase: 'preparation', day: -150, reason: 'job', note: 'CDI de préparateur de commandes à Maubeuge.', staysInTouch: true },
  'Océane Petit': { phase: 'preparation', day: -120, reason: 'pregnancy', note: 'Attend un bébé pour l’été ; vient aux réunions quand elle peut.', staysInTouch: true },
  'Bilal Saïdi': { phase: 'preparation', day: -90, reason: 'training', note: 'Entré en formation de soudeur à l’AFPA.', staysInTouch: true },
  'Nathan Roussel': { phase: 'preparation', day: -60, reason: 'lost_contact', note: 'Ne répond plus au téléphone depuis février.', staysInTouch: false },
  'Emma Caron': { phase: 'departure', day: -6, reason: 'family', note: 'Reste auprès de sa mère malade.', staysInTouch: true },
  // Échange avec la MJC de Bafou
  'Ousmane Ba': { phase: 'preparation', day: -45, reason: 'job', note: 'Embauché en intérim sur un chantier, pas de congé possible.', staysInTouch: true },
  // Maison de quartier au Maroc
  'Tom Delvallez': { phase: 'departure', day: -20, reason: 'health', note: 'Fracture de la cheville au foot.', staysInTouch: true },
};

const REFERRERS = [
  'Conseillère mission locale', 'Club de prévention', 'Centre social Boris Vian', 'Lycée professionnel', 'Maison de quartier',
  'Service jeunesse de la ville', 'Conseiller mission locale', 'Bouche-à-oreille (un ancien du groupe)',
];
const SITUATIONS: Situation[] = ['job_seeking', 'training', 'school', 'job_seeking', 'employed', 'job_seeking', 'school', 'other'];
const RELATIONS = ['mère', 'père', 'tante', 'grand-mère', 'sœur', 'oncle'];
const RELATIVE_FIRST_NAMES = ['Nadia', 'Patrick', 'Fatou', 'Sylvie', 'Karima', 'Jean-Marc', 'Aminata', 'Sandrine', 'Rachid', 'Brigitte'];

// What funders count (src/participants/funder-facts.ts), as a worker would have filled it in for the groups
// already under way, so that the directors' breakdowns show something; Sadiola's files, in preparation, are
// not filled in yet (and its youths' answers are what the tests type). Invented, like the names.
const GENDER_BY_FIRST_NAME: Record<string, Gender> = {
  Sofiane: 'male', Laura: 'female', Dylan: 'male', 'Aïcha': 'female', Mathis: 'male', 'Océane': 'female', Bilal: 'male',
  Emma: 'female', Nathan: 'male', Sarah: 'female', Lucas: 'male', Amina: 'female', 'Théo': 'male', 'Maëlys': 'female',
  Ousmane: 'male', Clara: 'female', Hugo: 'male', Nour: 'another', Enzo: 'male', Yasmine: 'female', Tom: 'male',
  Camille: 'not_said', Adama: 'male', Louis: 'male', 'Zoé': 'female', Ilyes: 'male', Lina: 'female', Walid: 'male',
  Sonia: 'female', Anis: 'male', Kenza: 'female', Nassim: 'male',
};
const EDUCATION: (EducationLevel | null)[] = ['cap_bep', 'none', 'bac', 'brevet', 'cap_bep', null, 'bac', 'bac_plus_2'];
const BARRIERS_BY_TURN: Barrier[][] = [['economic'], [], ['social', 'economic'], [], ['geographical'], ['education'], [], ['health'], ['economic'], []];
function demoFunderFacts(firstName: string, n: number): Record<string, unknown> {
  return {
    gender: GENDER_BY_FIRST_NAME[firstName] ?? null,
    // A third in a priority neighbourhood, a few rural; some left unanswered, as real files are.
    lives_in_qpv: n % 7 === 3 ? null : n % 3 === 0,
    lives_in_rural_area: n % 7 === 3 ? null : n % 6 === 1,
    ...Object.fromEntries(BARRIERS_BY_TURN[n % BARRIERS_BY_TURN.length]!.map((b) => [barrierField(b), true])),
  };
}

// Stored in E.164, as the youth's form stores them (src/outbox/sms-rules.ts).
const fictionPhone = (n: number): string => `+3363998${String(10 + (n * 7) % 90).padStart(2, '0')}${String(10 + (n * 13) % 90).padStart(2, '0')}`;

/** `factsLeftOut`: the groups whose youths' funder facts stay unanswered. */
export async function addDemoYouthFiles(trx: Db, groupIds: number[], factsLeftOut: number[] = []): Promise<void> {
  let n = 0;
  for (const groupId of groupIds) {
    const group = await trx('groups').where({ id: groupId }).first('departure_date');
    const factsFilled = !factsLeftOut.includes(groupId);
    const lead = await trx('group_workers').where({ group_id: groupId, role: 'lead' }).first('user_id');
    const youths: { enrolment_id: number; youth_id: number; status: string; first_name: string; last_name: string }[] = await trx('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where('enrolments.group_id', groupId)
      .orderBy('enrolments.id')
      .select('enrolments.id as enrolment_id', 'youths.id as youth_id', 'enrolments.status', 'youths.first_name', 'youths.last_name');
    for (const y of youths) {
      n++;
      await trx('youths')
        .where({ id: y.youth_id })
        .update({
          // A few youths have no phone of their own: the emergency contact is then the way to reach them.
          phone: n % 5 === 0 ? null : fictionPhone(n),
          referred_by: REFERRERS[n % REFERRERS.length],
          emergency_contact_name: `${RELATIVE_FIRST_NAMES[n % RELATIVE_FIRST_NAMES.length]} ${y.last_name} (${RELATIONS[n % RELATIONS.length]})`,
          emergency_contact_phone: fictionPhone(n + 50),
          ...(factsFilled ? demoFunderFacts(y.first_name, n) : {}),
        });
      await trx('enrolments').where({ id: y.enrolment_id }).update({
        situation_at_enrolment: SITUATIONS[n % SITUATIONS.length],
        ...(factsFilled ? { education_at_enrolment: EDUCATION[n % EDUCATION.length] } : {}),
      });
      if (y.status !== 'withdrawn') continue;
      const w = WITHDRAWALS[`${y.first_name} ${y.last_name}`] ??
        { phase: 'preparation', day: -30, reason: 'other', note: 'Raison non précisée.', staysInTouch: false };
      await trx('withdrawals').insert({
        enrolment_id: y.enrolment_id, phase: w.phase, withdrawn_on: dayjs(group.departure_date).add(w.day, 'day').format('YYYY-MM-DD'),
        reason: w.reason, note: w.note, stays_in_touch: w.staysInTouch, recorded_by: lead?.user_id ?? null, created_at: nowIso(),
      });
    }
  }
}
