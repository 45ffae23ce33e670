import dayjs, { type Dayjs } from 'dayjs';
import { insertedId } from '../db/knex.js';
import type { Knex } from 'knex';
import type { Phase } from '../phases/order.js';
import { enrolmentsExpectedOn, newCalendarToken, type AttendanceStatus, type MeetingType } from '../meetings/meeting.js';
import type { DemoIds } from './demo-data.js';

/*
 * The demo groups' preparation plans: 8 to 12 sessions for the groups that are past preparation, with
 * their registers; for Sadiola (in preparation) six past sessions and four to come. One Sadiola youth,
 * Yanis Mebarki, missed the last two sessions without excuse: the worker's home page flags him.
 * Attendance is varied but fixed (no randomness), so tests can rely on it.
 */

interface PlannedMeeting {
  /** Days from today. */
  day: number;
  time: string;
  type: MeetingType;
  phase: Phase;
  place: string;
  notes?: string;
  duration?: number;
}

const SADIOLA_PLACE = 'Mission locale du Douaisis, salle 2, Douai';

const SADIOLA_PLAN: PlannedMeeting[] = [
  { day: -98, time: '18:00', type: 'project', phase: 'preparation', place: SADIOLA_PLACE, notes: 'Première rencontre du groupe : qui est qui, pourquoi Sadiola, ce que l’on veut faire ensemble.' },
  { day: -84, time: '14:00', type: 'intercultural', phase: 'preparation', place: SADIOLA_PLACE, notes: 'Nos images du Mali : d’où viennent-elles ? Photos, clichés, questions.' },
  { day: -63, time: '18:00', type: 'language', phase: 'preparation', place: SADIOLA_PLACE, notes: 'Premiers mots de bambara ; saluer, se présenter, remercier.', duration: 90 },
  { day: -42, time: '14:30', type: 'association', phase: 'preparation', place: 'Maison des associations, Douai', notes: 'Rencontre avec l’association des Maliens du Douaisis, et des étudiants maliens de l’université d’Artois.' },
  { day: -28, time: '09:30', type: 'fundraising', phase: 'preparation', place: 'Marché de Somain', notes: 'Stand de jus de bissap et de gâteaux ; apporter un tablier.', duration: 240 },
  { day: -14, time: '18:00', type: 'language', phase: 'preparation', place: SADIOLA_PLACE, duration: 90 },
  { day: 4, time: '18:00', type: 'intercultural', phase: 'preparation', place: SADIOLA_PLACE, notes: 'Tourner la vidéo « avant » : ce que j’imagine du voyage. Apporter son téléphone chargé.' },
  { day: 18, time: '14:00', type: 'project', phase: 'preparation', place: SADIOLA_PLACE, notes: 'Budget, billets, vaccins : qui fait quoi.' },
  { day: 32, time: '19:00', type: 'fundraising', phase: 'preparation', place: 'Salle des fêtes, Somain', notes: 'Repas solidaire, 80 couverts ; rendez-vous à 17 h pour installer.', duration: 240 },
  { day: 46, time: '18:00', type: 'association', phase: 'preparation', place: 'Maison des associations, Douai', notes: 'Appel vidéo avec les jeunes de Sadiola.' },
];

// Sadiola's registers, one line per past session, one letter per youth in the order of enrolment (Inès,
// Yanis, Léa, Mamadou, Chloé, Rayan, Manon, Samir, Jade, Kevin); P present, L late, E excused, A absent.
const SADIOLA_REGISTERS = [
  'PPPPPPPPPP',
  'PPPPLPPPLP',
  'PPPPPPAPPE',
  'PLPPPAPPPL',
  'PAPPEPEPPP',
  'PAPPPLPAPP',
];

const LETTERS: Record<string, AttendanceStatus> = { P: 'present', L: 'late', E: 'excused', A: 'absent' };

const PREPARATION_CYCLE: { type: MeetingType; notes?: string }[] = [
  { type: 'project', notes: 'Le projet, les partenaires, le calendrier.' },
  { type: 'intercultural', notes: 'Déconstruire les clichés : images misérabilistes, images de conflit.' },
  { type: 'language' },
  { type: 'association', notes: 'Rencontre avec une association d’originaires du pays, et des étudiants.' },
  { type: 'fundraising', notes: 'Action pour financer le voyage.' },
  { type: 'language' },
  { type: 'project', notes: 'Budget, documents, santé : la liste avant le départ.' },
  { type: 'intercultural', notes: 'Tourner la vidéo « avant ».' },
  { type: 'fundraising' },
  { type: 'project', notes: 'Dernière séance avant le départ : valises, règles de vie, contacts.' },
];

/** A preparation plan of `count` sessions, evenly spread between two days (relative to today). */
function preparationPlan(from: number, to: number, count: number, place: string): PlannedMeeting[] {
  const step = (to - from) / (count - 1);
  return Array.from({ length: count }, (_, i) => {
    const c = PREPARATION_CYCLE[i % PREPARATION_CYCLE.length]!;
    return {
      day: Math.round(from + i * step), time: ['18:00', '14:00', '17:30'][i % 3]!, type: c.type, phase: 'preparation' as Phase,
      place: c.type === 'fundraising' ? 'Place du marché' : place, notes: c.notes, duration: c.type === 'fundraising' ? 180 : 120,
    };
  });
}

/** The sessions after the stay: the review (bilan), then rehearsals of the restitution. */
const AFTER_STAY: Record<string, (ret: number, place: string) => PlannedMeeting[]> = {
  return: (ret, place) => [{ day: ret + 21, time: '18:00', type: 'project', phase: 'return', place, notes: 'Bilan : revoir la vidéo « avant », la comparer à ce qu’on a filmé là-bas.' }],
  restitution: (ret, place) => [
    { day: ret + 14, time: '18:00', type: 'project', phase: 'return', place, notes: 'Bilan : revoir la vidéo « avant », la comparer à ce qu’on a filmé là-bas.' },
    { day: ret + 45, time: '18:00', type: 'restitution', phase: 'restitution', place, notes: 'Choisir les photos et les vidéos pour l’exposition.' },
    { day: ret + 70, time: '14:00', type: 'rehearsal', phase: 'restitution', place, notes: 'Répétition de la présentation au lycée.' },
  ],
};

/** A varied but fixed register: mostly present, some late, excused or absent. */
function statusFor(youth: number, meeting: number): AttendanceStatus {
  const h = (youth * 7 + meeting * 13 + youth * meeting * 3) % 20;
  if (h < 14) return 'present';
  if (h < 16) return 'late';
  if (h < 18) return 'excused';
  return 'absent';
}

/** Called after the youths' files, so that the registers leave out the youths who had left by then. */
export async function loadDemoMeetings(trx: Knex.Transaction, ids: DemoIds, now: string, today: Dayjs = dayjs()): Promise<void> {
  for (const groupId of Object.values(ids.groups)) {
    const group = await trx('groups').where({ id: groupId }).first('id', 'phase', 'departure_date', 'return_date', 'structure_id');
    const lead = await trx('group_workers').where({ group_id: groupId, role: 'lead' }).first('user_id');
    const structure = await trx('structures').where({ id: group.structure_id }).first('name', 'town');
    const enrolments: { id: number; enrolled_on: string }[] = await trx('enrolments').where({ group_id: groupId }).orderBy('id').select('id', 'enrolled_on');
    await trx('groups').where({ id: groupId }).update({ calendar_token: newCalendarToken() });

    const place = `${structure.name}, ${structure.town}`;
    const departs = dayjs(group.departure_date).diff(today.startOf('day'), 'day');
    const returns = dayjs(group.return_date).diff(today.startOf('day'), 'day');
    const enrolled = dayjs(enrolments[0]!.enrolled_on).diff(today.startOf('day'), 'day');
    const sadiola = groupId === ids.groups.sadiola;
    let plan: PlannedMeeting[];
    if (sadiola) {
      plan = SADIOLA_PLAN;
    } else {
      // Past preparation: 8 to 12 sessions from a fortnight after enrolment to a week before departure.
      const count = 8 + (groupId % 5);
      plan = preparationPlan(enrolled + 14, Math.min(departs - 7, -1), count, place);
      plan.push(...(AFTER_STAY[group.phase === 'after' ? 'restitution' : group.phase]?.(returns, place) ?? []));
      // A group about to leave still meets once more, in the days before the flight.
      if (group.phase === 'departure') plan.push({ day: departs - 3, time: '18:00', type: 'other', phase: 'departure', place, notes: 'Réunion avec les familles : horaires, valises, numéros à appeler.' });
    }

    let pastIndex = 0;
    for (const m of plan) {
      const date = today.add(m.day, 'day');
      const startsAt = `${date.format('YYYY-MM-DD')}T${m.time}`;
      const past = m.day < 0;
      const [row] = await trx('meetings')
        .insert({
          group_id: groupId, starts_at: startsAt, duration_minutes: m.duration ?? 120, place: m.place, type: m.type, phase: m.phase,
          notes: m.notes ?? null,
          // The register is taken at the end of the session.
          register_taken_at: past ? dayjs(startsAt).add((m.duration ?? 120) - 5, 'minute').toISOString() : null,
          created_by: lead?.user_id ?? null, created_at: now,
        })
        .returning('id');
      const meetingId = insertedId(row);
      if (!past) continue;
      // Only the youths expected that day are on the register: a youth who left has no line after leaving.
      const expected = await enrolmentsExpectedOn(trx, groupId, date.format('YYYY-MM-DD'));
      const lines = enrolments
        .map((e, y) => {
          if (!expected.has(e.id)) return null;
          const status = sadiola ? LETTERS[SADIOLA_REGISTERS[pastIndex]![y]!]! : statusFor(y, pastIndex);
          return { meeting_id: meetingId, enrolment_id: e.id, status, recorded_by: lead?.user_id ?? null, recorded_at: now };
        })
        .filter((l) => l !== null);
      if (lines.length) await trx('attendance').insert(lines);
      pastIndex += 1;
    }
  }
}
