import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import type { Phase } from '../phases/order.js';
import type { Situation } from '../participants/participant.js';
import type { WithdrawalReason } from '../participants/withdrawal.js';

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

// Stored in E.164, as the youth's form stores them (src/outbox/sms-rules.ts).
const fictionPhone = (n: number): string => `+3363998${String(10 + (n * 7) % 90).padStart(2, '0')}${String(10 + (n * 13) % 90).padStart(2, '0')}`;

export async function addDemoYouthFiles(trx: Db, groupIds: number[]): Promise<void> {
  let n = 0;
  for (const groupId of groupIds) {
    const group = await trx('groups').where({ id: groupId }).first('departure_date');
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
        });
      await trx('enrolments').where({ id: y.enrolment_id }).update({ situation_at_enrolment: SITUATIONS[n % SITUATIONS.length] });
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
