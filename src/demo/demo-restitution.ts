import dayjs, { type Dayjs } from 'dayjs';
import type { Knex } from 'knex';
import { insertedId } from '../db/knex.js';
import type { Situation } from '../participants/participant.js';
import type { EventType } from '../restitution/restitution.js';
import { recordFollowUp, scheduleFollowUps, type Contract, type Engagement, type Milestone } from '../followups/followup.js';
import type { DemoIds } from './demo-data.js';

/*
 * After the stay, for the demo groups that are back. The Bafou group (restitution) presented its project at
 * an exhibition, in a high school and at a public meeting: about 37 people per youth who left, within the
 * proceedings' "30 or 40". The dispensary group (after the project) did more, including the Semaine de la
 * solidarité internationale in a secondary school; its follow-ups at 1, 3, 6 and 12 months are partly
 * done — Sofiane created an association, Bilal is in training — and some of the 12-month ones are late,
 * so the worker's home page lists them. Aïcha, back from Mali, prepares the Sadiola group as peer leader:
 * one file, two groups.
 */

interface DemoEvent {
  /** Days after the group's return, or a fixed rule for the SSI (held in November). */
  day: number | 'ssi';
  type: EventType;
  place: string;
  total: number;
  youths: number | null;
  adults: number | null;
  presenters: string[];
  notes?: string;
  /** Show the group's media cleared for restitution. */
  withMedia?: boolean;
}

const EVENTS: Partial<Record<keyof DemoIds['groups'], DemoEvent[]>> = {
  bafou: [
    {
      day: 38, type: 'exhibition', place: "MJC d'Halluin, hall d'entrée", total: 60, youths: 20, adults: 40, presenters: ['Lucas', 'Amina', 'Maëlys'],
      notes: 'Photos et vidéos du séjour ; beaucoup de parents, et deux élus.', withMedia: true,
    },
    {
      day: 70, type: 'school', place: 'Lycée Jean Moulin, Roubaix', total: 90, youths: 86, adults: 4, presenters: ['Lucas', 'Théo'],
      notes: 'Deux classes de première ; questions sur le théâtre à Bafou et sur le coût du voyage.',
    },
    {
      day: 100, type: 'public_meeting', place: "Salle des fêtes d'Halluin", total: 35, youths: 10, adults: 25, presenters: ['Amina', 'Maëlys', 'Clara'],
      withMedia: true,
    },
  ],
  dispensaire: [
    {
      day: 30, type: 'public_meeting', place: 'Mairie de Maubeuge, salle du conseil', total: 60, youths: 12, adults: 48,
      presenters: ['Sofiane', 'Laura', 'Aïcha', 'Bilal'], notes: 'Bilal, parti en formation avant le départ, a présenté le chantier qu’il avait aidé à financer.',
    },
    { day: 75, type: 'exhibition', place: 'Médiathèque de Maubeuge', total: 95, youths: 25, adults: 70, presenters: ['Laura', 'Aïcha', 'Dylan'] },
    {
      day: 'ssi', type: 'ssi', place: 'Collège Vauban, Maubeuge', total: 140, youths: 130, adults: 10, presenters: ['Sofiane', 'Dylan', 'Sarah'],
      notes: 'Semaine de la solidarité internationale : quatre classes de troisième.',
    },
  ],
};

interface DemoFollowUp {
  reached: boolean;
  situation?: Situation;
  contract?: Contract;
  engagement?: Engagement[];
  note?: string;
  /** The note of a first call, two days before, that did not reach the youth. */
  missedFirst?: string;
}

// What the dispensary group's youths became, milestone by milestone; a milestone left out is not done yet.
const FOLLOW_UPS: Record<string, Partial<Record<Milestone, DemoFollowUp>>> = {
  Sofiane: {
    1: { reached: true, situation: 'job_seeking', engagement: ['spoke_at_restitution'] },
    3: { reached: true, situation: 'training', note: 'Formation maçonnerie à l’AFPA : « là-bas j’ai vu que j’aimais construire ».' },
    6: { reached: true, situation: 'training', engagement: ['volunteering'] },
    12: { reached: true, situation: 'employed', contract: 'fixed_term', engagement: ['created_association'], note: 'A créé l’association « Maubeuge–Kayes, main dans la main » avec deux amis.' },
  },
  Laura: {
    1: { reached: true, situation: 'job_seeking', engagement: ['spoke_at_restitution'] },
    3: { reached: true, situation: 'employed', contract: 'temp' },
    6: { reached: true, situation: 'employed', contract: 'fixed_term', engagement: ['joined_council'], note: 'Siège à la commission jeunesse de la ville.' },
    12: { reached: true, situation: 'employed', contract: 'permanent', engagement: ['joined_council'] },
  },
  Dylan: {
    1: { reached: true, situation: 'school' },
    3: { reached: true, situation: 'school', missedFirst: 'Messagerie ; rappeler le soir.' },
    6: { reached: true, situation: 'school', engagement: ['volunteering'] },
  },
  Aïcha: {
    1: { reached: true, situation: 'job_seeking', engagement: ['spoke_at_restitution'] },
    3: { reached: true, situation: 'training', note: 'Entrée en formation d’aide-soignante.' },
    6: { reached: true, situation: 'training', engagement: ['prepares_new_group'] },
    12: { reached: true, situation: 'training', engagement: ['prepares_new_group', 'peer_leader'], note: 'Jeune relais du groupe de Sadiola.' },
  },
  Sarah: {
    1: { reached: false },
    3: { reached: true, situation: 'school' },
    6: { reached: true, situation: 'school', engagement: ['volunteering'] },
  },
  Mathis: {
    1: { reached: true, situation: 'employed', contract: 'permanent' },
    3: { reached: true, situation: 'employed', contract: 'permanent' },
    6: { reached: true, situation: 'employed', contract: 'permanent' },
    12: { reached: true, situation: 'employed', contract: 'permanent', note: 'Toujours chez le même employeur ; passe voir le groupe de temps en temps.' },
  },
  Bilal: {
    1: { reached: true, situation: 'training', engagement: ['spoke_at_restitution'] },
    3: { reached: true, situation: 'training' },
    6: { reached: true, situation: 'training', note: 'Soudeur en alternance ; vient aux réunions du groupe.' },
  },
  Océane: {
    1: { reached: true, situation: 'other', note: 'Congé maternité.' },
    3: { reached: false, note: 'Le bébé est né ; reprendre contact plus tard.' },
    6: { reached: true, situation: 'job_seeking' },
  },
  Emma: {
    1: { reached: true, situation: 'job_seeking' },
    3: { reached: true, situation: 'job_seeking' },
    6: { reached: true, situation: 'training', note: 'Formation d’auxiliaire de vie, près de chez sa mère.' },
  },
};

/** The most recent 18 November (middle of the SSI) that is on or before today. */
function lastSsi(today: Dayjs): Dayjs {
  const thisYear = today.month(10).date(18);
  return thisYear.isAfter(today, 'day') ? thisYear.subtract(1, 'year') : thisYear;
}

export async function loadDemoRestitution(trx: Knex.Transaction, ids: DemoIds, now: string, today: Dayjs = dayjs()): Promise<void> {
  const enrolmentOf = async (groupId: number, firstName: string): Promise<{ id: number; youth_id: number }> => {
    const row = await trx('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.group_id': groupId, 'youths.first_name': firstName })
      .first('enrolments.id', 'enrolments.youth_id');
    if (!row) throw new Error(`demo: no youth ${firstName} in group ${groupId}`);
    return row;
  };
  const leadOf = async (groupId: number): Promise<number> => (await trx('group_workers').where({ group_id: groupId, role: 'lead' }).first('user_id')).user_id;

  for (const [key, events] of Object.entries(EVENTS) as [keyof DemoIds['groups'], DemoEvent[]][]) {
    const groupId = ids.groups[key];
    const group = await trx('groups').where({ id: groupId }).first('return_date');
    const lead = await leadOf(groupId);
    const media: { id: number }[] = await trx('media').where({ group_id: groupId }).whereIn('use_level', ['restitution', 'public']).orderBy('id').select('id');
    for (const e of events) {
      const held = e.day === 'ssi' ? lastSsi(today) : dayjs(group.return_date).add(e.day, 'day');
      const [row] = await trx('restitution_events')
        .insert({
          group_id: groupId, held_on: held.format('YYYY-MM-DD'), type: e.type, place: e.place, audience_total: e.total,
          audience_youths: e.youths, audience_adults: e.adults, notes: e.notes ?? null, created_by: lead, created_at: now, updated_at: now,
        })
        .returning('id');
      const eventId = insertedId(row);
      for (const name of e.presenters) await trx('restitution_presenters').insert({ event_id: eventId, enrolment_id: (await enrolmentOf(groupId, name)).id });
      if (e.withMedia && media.length) await trx('restitution_media').insert(media.map((m) => ({ event_id: eventId, medium_id: m.id })));
    }
  }

  // The dispensary group is back: its follow-ups are planned as the phase change would have, then partly done,
  // each call recorded as the worker would.
  const dispensaire = ids.groups.dispensaire;
  const lead = { id: await leadOf(dispensaire) } as Express.User;
  await scheduleFollowUps(trx, dispensaire);
  for (const [name, milestones] of Object.entries(FOLLOW_UPS)) {
    const enrolment = await enrolmentOf(dispensaire, name);
    for (const [months, f] of Object.entries(milestones) as [string, DemoFollowUp][]) {
      const planned = await trx('follow_ups').where({ enrolment_id: enrolment.id, milestone_months: Number(months) }).first('id', 'due_on', 'done_on');
      // Called a few days around the date planned, as calls are.
      const calledOn = dayjs(planned.due_on).add((name.length % 5) - 1, 'day');
      if (f.missedFirst) {
        await recordFollowUp(trx, lead, planned, {
          doneOn: calledOn.subtract(2, 'day').format('YYYY-MM-DD'), reached: false, situation: null, contract: null, engagement: [], note: f.missedFirst,
        });
      }
      await recordFollowUp(trx, lead, planned, {
        doneOn: calledOn.format('YYYY-MM-DD'), reached: f.reached, situation: f.reached ? f.situation ?? null : null,
        contract: f.contract ?? null, engagement: f.engagement ?? [], note: f.note ?? null,
      });
    }
  }
  // Dylan is away for a training course: his last call was moved to next week.
  const dylan = await enrolmentOf(dispensaire, 'Dylan');
  await trx('follow_ups').where({ enrolment_id: dylan.id, milestone_months: 12 }).update({ due_on: today.add(6, 'day').format('YYYY-MM-DD') });

  // Aïcha comes back as peer leader of the Sadiola group: the same youth, a second enrolment. She joined
  // last week, after the last session held: her first one with the group is the next.
  const aicha = await enrolmentOf(dispensaire, 'Aïcha');
  await trx('enrolments').insert({
    group_id: ids.groups.sadiola, youth_id: aicha.youth_id, role: 'peer_leader', status: 'enrolled',
    enrolled_on: today.subtract(10, 'day').format('YYYY-MM-DD'), situation_at_enrolment: 'training', departing: true, created_at: now,
  });
}
