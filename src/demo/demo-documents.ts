import dayjs from 'dayjs';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { isMinorAt } from '../participants/participant.js';
import { defaultRequirements, type Kind, type Requirement } from '../documents/requirements.js';
import type { DemoIds } from './demo-data.js';

/*
 * The demo groups' papers, with no scan files (a scan is a real file under UPLOAD_DIR; the demo has
 * none): groups that already left have everything checked; Kawara, leaving in a few weeks, still waits for
 * an insurance and an exit authorisation to check; Sadiola, in preparation, is half-way, with passports
 * due in ten days — the worker moved the passport deadline earlier, as town halls give appointments
 * months ahead — so Karim's home page has papers to chase.
 */

type Paper = { status: 'received' | 'checked' | 'rejected'; reason?: string; expiry?: string; visa?: 'pending' | 'granted' };

// Sadiola, youth by youth (first names are unique in the group); a kind not listed is missing.
const SADIOLA: Record<string, Partial<Record<Kind, Paper>>> = {
  Inès: { passport_or_id: { status: 'received' }, image_rights: { status: 'checked' }, health: { status: 'received' } },
  Yanis: {},
  Léa: { passport_or_id: { status: 'checked' }, image_rights: { status: 'checked' }, health: { status: 'checked' } },
  Mamadou: { passport_or_id: { status: 'rejected', reason: 'Photo illisible : refais la photo en pleine lumière, sans reflet.' }, image_rights: { status: 'checked' } },
  // Her passport runs out two months after the return: Mali wants six.
  Chloé: { passport_or_id: { status: 'received', expiry: 'short' }, image_rights: { status: 'received' } },
  Rayan: { passport_or_id: { status: 'checked' }, visa: { status: 'received', visa: 'pending' }, image_rights: { status: 'checked' } },
  Manon: { passport_or_id: { status: 'checked' }, exit_authorisation: { status: 'received' }, parent_id: { status: 'received' } },
  Samir: {},
  Jade: { passport_or_id: { status: 'checked' }, image_rights: { status: 'checked' } },
  Kevin: { image_rights: { status: 'checked' } },
};

// Kawara leaves soon: all checked but Ilyes's insurance (late) and Zoé's exit authorisation (to check).
const KAWARA_GAPS: Record<string, Partial<Record<Kind, Paper | null>>> = {
  Ilyes: { insurance: null },
  Zoé: { exit_authorisation: { status: 'received' } },
};

interface GroupDates {
  id: number;
  destination_country: string;
  departure_date: string;
  return_date: string;
}

function paperRow(kind: Kind, r: Requirement, g: GroupDates, paper: Paper, enrolmentId: number, leadUserId: number, now: string) {
  const dep = dayjs(g.departure_date);
  const ret = dayjs(g.return_date);
  const handedIn = dep.subtract(r.leadDays + 10, 'day');
  const expiry: Record<Kind, string | null> = {
    passport_or_id: paper.expiry === 'short' ? ret.add(2, 'month').format('YYYY-MM-DD') : ret.add(3, 'year').format('YYYY-MM-DD'),
    visa: paper.visa === 'pending' ? null : ret.add(30, 'day').format('YYYY-MM-DD'),
    insurance: ret.add(3, 'day').format('YYYY-MM-DD'),
    exit_authorisation: dep.add(6, 'month').format('YYYY-MM-DD'),
    parent_id: ret.add(4, 'year').format('YYYY-MM-DD'),
    health: null,
    image_rights: null,
  };
  const at = (d: dayjs.Dayjs) => `${d.format('YYYY-MM-DD')}T10:00:00.000Z`;
  return {
    enrolment_id: enrolmentId, kind, status: paper.status, rejection_reason: paper.reason ?? null,
    valid_from: kind === 'insurance' ? dep.subtract(2, 'day').format('YYYY-MM-DD') : null,
    expiry_date: expiry[kind], id_type: kind === 'passport_or_id' ? 'passport' : null,
    visa_applied_on: kind === 'visa' ? dep.subtract(r.leadDays + 15, 'day').format('YYYY-MM-DD') : null,
    visa_decision: kind === 'visa' ? paper.visa ?? 'granted' : null,
    uploaded_by: leadUserId, uploaded_at: at(handedIn),
    checked_by: paper.status === 'received' ? null : leadUserId, checked_at: paper.status === 'received' ? null : at(handedIn.add(3, 'day')),
    updated_at: now,
  };
}

export async function loadDemoDocuments(trx: Db, ids: DemoIds): Promise<void> {
  const now = nowIso();
  for (const [key, groupId] of Object.entries(ids.groups)) {
    const g: GroupDates = await trx('groups').where({ id: groupId }).first('id', 'destination_country', 'departure_date', 'return_date');
    const lead = await trx('group_workers').where({ group_id: groupId, role: 'lead' }).first('user_id');
    let rules = defaultRequirements(g.destination_country);
    if (key === 'sadiola') {
      rules = rules.map((r) =>
        r.kind === 'passport_or_id' ? { ...r, leadDays: 110, note: 'Rendez-vous passeport en mairie : plusieurs semaines d’attente, prenez-le tout de suite.' }
        : r.kind === 'health' ? { ...r, note: 'Centre de vaccinations internationales du CHU de Lille, sur rendez-vous.' }
        : r,
      );
      await trx('group_requirements').insert(rules.map((r) => ({
        group_id: groupId, kind: r.kind, enabled: r.enabled, minors_only: r.minorsOnly, lead_days: r.leadDays, months_valid: r.monthsValid,
        id_card_accepted: r.idCardAccepted, detail: r.detail, note: r.note, updated_by: lead.user_id, updated_at: now,
      })));
    }
    const youths: { id: number; first_name: string; birth_date: string }[] = await trx('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.group_id': groupId, 'enrolments.status': 'enrolled', 'enrolments.departing': true })
      .select('enrolments.id', 'youths.first_name', 'youths.birth_date');
    const rows = [];
    for (const y of youths) {
      const minor = isMinorAt(y.birth_date, g.departure_date);
      for (const r of rules) {
        if (!r.enabled || (r.minorsOnly && !minor)) continue;
        let paper: Paper | null | undefined;
        if (key === 'sadiola') paper = SADIOLA[y.first_name]?.[r.kind];
        else if (key === 'kawara' && KAWARA_GAPS[y.first_name] && r.kind in KAWARA_GAPS[y.first_name]!) paper = KAWARA_GAPS[y.first_name]![r.kind];
        else paper = { status: 'checked' };
        if (paper) rows.push(paperRow(r.kind, r, g, paper, y.id, lead.user_id, now));
      }
    }
    if (rows.length) await trx('youth_documents').insert(rows);
  }
}
