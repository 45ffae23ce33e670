import type { Db } from '../db/knex.js';
import { agendaFor, type Agenda } from '../home/home.js';
import { dateFormatter, isLanguage, translator, type Language } from '../http/i18n.js';
import { localNow } from '../meetings/meeting.js';
import { toSessionUser, type UserRow } from '../users/user.js';
import { enqueueOnce } from './outbox.js';

/**
 * The morning e-mail: what is due today for a worker or a director who asked for it (off unless they tick
 * it on their account page, /account), built from the home page's own sections (agendaFor) for that
 * account, so it holds what their home page would show them and nothing of another scope. Once a day per
 * account (morning_emails' unique key), from the set hour (MORNING_EMAIL_AT, Paris time) for four hours: a
 * server started in the afternoon sends no "morning" e-mail. A day with nothing due sends nothing.
 */

export interface MorningPolicy {
  publicUrl: string;
  /** 'HH:mm', Europe/Paris. */
  at: string;
}

/** Lines a section lists before "… and N more": the e-mail points to the home page for the rest. */
const LINES = 10;
const WINDOW_HOURS = 4;

export const MORNING_ROLES = ['worker', 'director'] as const;

/** Whether the morning e-mail goes at this moment: from the set hour, for a few hours, Paris time. */
export function inMorningWindow(at: string, now: Date): boolean {
  const clock = localNow(now).slice(11, 16);
  const [h, m] = at.split(':').map(Number);
  const end = `${String(Math.min(23, h! + WINDOW_HOURS)).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  return clock >= at && clock < end;
}

/** The e-mail's list, section by section, in the account's language; empty when nothing is due today. */
export function morningItems(agenda: Agenda, today: string, lang: Language): string {
  const t = translator(lang);
  const date = dateFormatter(lang);
  const m = (key: string, values: Record<string, string> = {}) => t(`outbox.morning.${key}`, values);
  const sections: [string, string[]][] = [
    ['incidents', agenda.incidents.map((i) => m('incident', { group: i.group_name, severity: t(`stay.severityWords.${i.severity}`), date: date(i.occurred_at) }))],
    ['flagged', agenda.flagged.map((f) => m('youth', { name: `${f.firstName} ${f.lastName}`, group: f.groupName }))],
    ['registers', agenda.registersToTake.map((r) => m('meeting', { group: r.group_name, date: date(r.starts_at.slice(0, 10)), time: r.starts_at.slice(11, 16) }))],
    ['approval', agenda.awaitingApproval.map((g) => m('group', { group: g.name, date: g.departure_date ? date(g.departure_date) : '—' }))],
    ['followups', agenda.followUpsDue.filter((f) => f.due_on <= today).map((f) => m('followUp', { name: `${f.first_name} ${f.last_name}`, group: f.group_name, months: String(f.milestone_months), date: date(f.due_on) }))],
    ['documents', agenda.documentsDue.filter((d) => d.deadline <= today).map((d) => m('paper', { name: `${d.firstName} ${d.lastName}`, group: d.groupName, paper: t(`documents.kinds.${d.label}`), date: date(d.deadline) }))],
    ['today', agenda.thisWeek.filter((w) => w.starts_at.slice(0, 10) === today).map((w) => m('meeting', { group: w.group_name, date: date(today), time: w.starts_at.slice(11, 16) }))],
  ];
  return sections
    .filter(([, lines]) => lines.length)
    .map(([id, lines]) => [
      `${m(id)} (${lines.length})`,
      ...lines.slice(0, LINES).map((l) => `- ${l}`),
      ...(lines.length > LINES ? [m('more', { count: String(lines.length - LINES) })] : []),
    ].join('\n'))
    .join('\n\n');
}

/** One pass: queues today's e-mail of every account that asked for it and has not had it. Returns how many. */
export async function sendMorningEmails(db: Db, policy: MorningPolicy, now = new Date()): Promise<number> {
  if (!inMorningWindow(policy.at, now)) return 0;
  const today = localNow(now).slice(0, 10);
  const accounts: UserRow[] = await db('users')
    .where({ morning_email: true, active: true })
    .whereIn('role', MORNING_ROLES)
    .whereNotNull('email')
    .whereNotExists(db('morning_emails').whereRaw('morning_emails.user_id = users.id').where('morning_emails.day', today))
    .orderBy('id')
    .select('*');
  let sent = 0;
  for (const row of accounts) {
    const lang: Language = isLanguage(row.locale) ? row.locale : 'fr';
    const items = morningItems(await agendaFor(db, toSessionUser(row)), today, lang);
    const message = items
      ? {
          channel: 'email' as const, address: row.email!, locale: lang, key: 'morningEmail' as const, recipientUserId: row.id,
          data: { name: row.display_name, date: dateFormatter(lang)(today), items, link: `${policy.publicUrl}/`, settings: `${policy.publicUrl}/account` },
        }
      : null;
    // Nothing due: the day's key is taken all the same, so the next passes do not work the agenda out again.
    if ((await enqueueOnce(db, { table: 'morning_emails', columns: ['user_id', 'day'], row: { user_id: row.id, day: today } }, message, now)) !== null) sent++;
  }
  return sent;
}

/** The account's own choice, from its page. */
export async function setMorningEmail(db: Db, userId: number, on: boolean): Promise<void> {
  await db('users').where({ id: userId }).update({ morning_email: on, updated_at: new Date().toISOString() });
}

export async function wantsMorningEmail(db: Db, userId: number): Promise<boolean> {
  const row = await db('users').where({ id: userId }).first('morning_email');
  return Boolean(row?.morning_email);
}
