import { expect } from 'chai';
import dayjs from 'dayjs';
import type { Db } from '../../src/db/knex.js';
import { createDb } from '../../src/db/knex.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { documentsDue } from '../../src/documents/readiness.js';
import { optOut } from '../../src/outbox/outbox.js';
import { sendDueReminders, sendOnce } from '../../src/outbox/reminders.js';
import { render } from '../../src/outbox/templates.js';
import { smsLength } from '../../src/outbox/sms-rules.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { enrolled, newGroup, youth, youthWithAccount } from '../participants/fixtures.js';

const SITE = 'https://tremplin.example.org';
const policy = { publicUrl: SITE };
/** 11:00 in Paris on `day`: within the hours SMS go. */
const at = (day: string) => new Date(`${day}T10:00:00Z`);
const day = (d: dayjs.Dayjs) => d.format('YYYY-MM-DD');

interface Cast {
  groupId: number;
  /** first name → enrolment, youth */
  who: Record<string, { enrolmentId: number; youthId: number }>;
}

/**
 * A group of the mission locale, led by Karim, far from the demo's dates: Amel (mobile), Bilal (no phone,
 * an account with an e-mail), Chloé (mobile, answered STOP), Dylan (mobile, withdrew), Emma (no phone, no
 * e-mail: nobody to reach). Nadia, in another group, has a mobile too.
 */
async function cast(ids: DemoIds, departure: string, returnDate: string): Promise<Cast & { otherGroupId: number }> {
  const db = testDb();
  const group = await newGroup(db, ids.users.karim, { departureDate: departure, returnDate, country: 'DZ' });
  // Another group of Karim's, leaving later: Nadia's reminders are not this group's.
  const other = await newGroup(db, ids.users.karim, { departureDate: day(dayjs(departure).add(3, 'month')), returnDate: day(dayjs(returnDate).add(3, 'month')), country: 'DZ' });
  const who: Cast['who'] = {};
  const people: [string, string | null][] = [['Amel', '06 11 22 33 01'], ['Bilal', null], ['Chloé', '06 11 22 33 03'], ['Dylan', '06 11 22 33 04'], ['Emma', null]];
  for (const [first, phone] of people) {
    const file = await enrolled(db, group, youth(first, 'Rappel', { phone, birthDate: '2005-01-15' }));
    who[first] = { enrolmentId: file.enrolment_id, youthId: file.youth_id };
  }
  const bilal = await youthWithAccount(db, group.id, 'Bilal', `bilal.rappel.${group.id}`);
  await db('users').where({ id: bilal.userId }).update({ email: `bilal.${group.id}@example.org`, locale: 'en' });
  await optOut(db, '+33611223303', 'stop_reply', null);
  await db('enrolments').where({ id: who.Dylan!.enrolmentId }).update({ status: 'withdrawn' });
  const nadia = await enrolled(db, other, youth('Nadia', 'Ailleurs', { phone: '06 11 22 33 09', birthDate: '2005-01-15' }));
  who.Nadia = { enrolmentId: nadia.enrolment_id, youthId: nadia.youth_id };
  return { groupId: group.id, otherGroupId: other.id, who };
}

const messagesOf = (db: Db, key: string, youthIds: number[]) =>
  db('outbox_messages').where({ message_key: key }).whereIn('recipient_youth_id', youthIds).orderBy('id').select('*');

describe('reminders to youths, queued by the app itself', () => {
  let ids: DemoIds;
  beforeEach(async () => {
    ids = await resetToDemo();
  });

  const everyone = (c: Cast) => Object.values(c.who).map((w) => w.youthId);
  const firstNames = async (rows: { recipient_youth_id: number }[]) =>
    (await testDb()('youths').whereIn('id', rows.map((r) => r.recipient_youth_id)).orderBy('first_name').select('first_name')).map((y) => y.first_name);

  it('the day before a session: each enrolled youth of the group, by SMS, or by e-mail without a mobile; not the withdrawn, the opted out, the unreachable, nor another group', async () => {
    const today = '2031-03-10';
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    const [meetingId] = await testDb()('meetings').insert({
      group_id: c.groupId, starts_at: '2031-03-11T18:30', duration_minutes: 120, place: 'Salle des fêtes', type: 'preparation', phase: 'preparation', created_at: new Date().toISOString(),
    }).returning('id');
    const sent = await sendDueReminders(testDb(), policy, at(today));
    expect(sent).to.be.at.least(2);
    const rows = await messagesOf(testDb(), 'meetingReminder', everyone(c));
    expect(await firstNames(rows)).to.deep.equal(['Amel', 'Bilal']);
    const amel = rows.find((r) => r.recipient_youth_id === c.who.Amel!.youthId)!;
    expect(amel).to.include({ channel: 'sms', address: '+33611223301', status: 'queued', locale: 'fr' });
    const text = render('meetingReminder', 'sms', 'fr', JSON.parse(amel.data)).text;
    const id = typeof meetingId === 'object' ? meetingId.id : meetingId;
    expect(text).to.equal(`Tremplin : Amel, rappel de la séance de groupe demain 11/03 à 18:30. Le lieu et le détail : ${SITE}/groups/${c.groupId}/meetings/${id} Ne plus recevoir de SMS : ${JSON.parse(amel.data).stop}`);
    expect(smsLength(text).segments).to.be.within(1, 2);
    const bilal = rows.find((r) => r.recipient_youth_id === c.who.Bilal!.youthId)!;
    expect(bilal).to.include({ channel: 'email', address: `bilal.${c.groupId}@example.org`, locale: 'en' });
    const mail = render('meetingReminder', 'email', 'en', JSON.parse(bilal.data));
    expect(mail.subject).to.equal('Group session tomorrow, 11/03 at 18:30');
    expect(mail.text).to.include('tomorrow, 11/03 at 18:30, Salle des fêtes');
    // Two days before, or on the day itself, nothing.
    await testDb()('outbox_messages').del();
    await testDb()('youth_reminders').del();
    expect(await sendDueReminders(testDb(), policy, at('2031-03-09'))).to.equal(0);
    expect(await sendDueReminders(testDb(), policy, at('2031-03-11'))).to.equal(0);
  });

  it('queues each reminder once: a second pass, and two passes at once from two instances, add nothing', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    await testDb()('meetings').insert({ group_id: c.groupId, starts_at: '2031-03-11T18:30', duration_minutes: 120, type: 'preparation', phase: 'preparation', created_at: new Date().toISOString() });
    const other = createDb(testDatabase().config.database);
    try {
      const [a, b] = await Promise.all([sendDueReminders(testDb(), policy, at('2031-03-10')), sendDueReminders(other, policy, at('2031-03-10'))]);
      expect(a + b).to.equal(2);
      expect(await sendDueReminders(testDb(), policy, new Date('2031-03-10T16:00:00Z'))).to.equal(0);
    } finally {
      await other.destroy();
    }
    const rows = await messagesOf(testDb(), 'meetingReminder', everyone(c));
    expect(rows).to.have.length(2);
    expect(await testDb()('youth_reminders').whereIn('enrolment_id', Object.values(c.who).map((w) => w.enrolmentId))).to.have.length(2);
  });

  it('the key itself: the same reminder queued from two instances at once is queued once', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    const other = createDb(testDatabase().config.database);
    const key = { kind: 'papersDue' as const, enrolmentId: c.who.Amel!.enrolmentId, subjectId: 0, day: '2031-05-01' };
    const message = { channel: 'sms' as const, address: '+33611223301', locale: 'fr', key: 'papersDue' as const, data: { name: 'Amel' }, recipientYouthId: c.who.Amel!.youthId };
    try {
      const results = await Promise.all([testDb(), other, testDb(), other].map((db) => sendOnce(db, key, message, at('2031-04-24'), 'stop-token')));
      expect(results.filter(Boolean)).to.have.length(1);
    } finally {
      await other.destroy();
    }
    expect(await messagesOf(testDb(), 'papersDue', [c.who.Amel!.youthId])).to.have.length(1);
  });

  it('a session moved to another day is reminded again, for its new day', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    const [row] = await testDb()('meetings').insert({ group_id: c.groupId, starts_at: '2031-03-11T18:30', duration_minutes: 120, type: 'preparation', phase: 'preparation', created_at: new Date().toISOString() }).returning('id');
    await sendDueReminders(testDb(), policy, at('2031-03-10'));
    await testDb()('meetings').where({ id: typeof row === 'object' ? row.id : row }).update({ starts_at: '2031-03-13T10:00' });
    await sendDueReminders(testDb(), policy, at('2031-03-12'));
    const amel = await messagesOf(testDb(), 'meetingReminder', [c.who.Amel!.youthId]);
    expect(amel.map((m) => JSON.parse(m.data).date)).to.deep.equal(['11/03', '13/03']);
  });

  it('papers due in 7 days, then late: one message per youth and kind, with how many papers; none for a paper handed in', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    const group = await testDb()('groups').where({ id: c.groupId }).first('id', 'name', 'destination_country', 'phase', 'departure_date', 'return_date');
    const amelPapers = (await documentsDue(testDb(), [group], 400, '2031-01-01')).filter((d) => d.enrolmentId === c.who.Amel!.enrolmentId);
    const first = amelPapers.map((p) => p.deadline).sort()[0]!;
    const sameDay = amelPapers.filter((p) => p.deadline === first);
    expect(sameDay.length, 'the destination asks for papers with one deadline').to.be.at.least(2);
    // Bilal handed in every paper of that deadline: he is asked for nothing that week.
    for (const p of sameDay) {
      await testDb()('youth_documents').insert({ enrolment_id: c.who.Bilal!.enrolmentId, kind: p.kind, status: 'received', visa_decision: 'granted', updated_at: new Date().toISOString() });
    }
    const weekBefore = day(dayjs(first).subtract(7, 'day'));
    await sendDueReminders(testDb(), policy, at(weekBefore));
    const due = await messagesOf(testDb(), 'papersDue', everyone(c));
    expect(await firstNames(due), 'Bilal handed his in; Chloé said STOP; Dylan withdrew; Emma has no phone nor e-mail').to.deep.equal(['Amel']);
    const data = JSON.parse(due[0].data);
    expect(data).to.include({ count: String(sameDay.length), until: dayjs(first).format('DD/MM'), link: `${SITE}/groups/${c.groupId}/youths/${c.who.Amel!.enrolmentId}/documents` });
    // The next day (the day of grace) nothing more.
    await sendDueReminders(testDb(), policy, at(day(dayjs(first).subtract(6, 'day'))));
    expect(await messagesOf(testDb(), 'papersDue', everyone(c))).to.have.length(1);
    // The day after the deadline: late.
    await sendDueReminders(testDb(), policy, at(day(dayjs(first).add(1, 'day'))));
    const late = await messagesOf(testDb(), 'papersOverdue', everyone(c));
    expect(await firstNames(late)).to.deep.equal(['Amel']);
    expect(JSON.parse(late[0].data).count).to.equal(String(sameDay.length));
    await sendDueReminders(testDb(), policy, at(day(dayjs(first).add(2, 'day'))));
    expect(await messagesOf(testDb(), 'papersOverdue', everyone(c))).to.have.length(1);
  });

  it('"film your before video" a week before the departure, and "after" three days after the return, to those without one', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    // Amel filmed hers already; Bilal appears in a video someone else made.
    const media = (youthId: number | null, moment: string) => ({ group_id: c.groupId, kind: 'video', moment, youth_id: youthId, use_level: 'group', created_at: new Date().toISOString(), updated_at: new Date().toISOString() });
    await testDb()('media').insert(media(c.who.Amel!.youthId, 'before'));
    const [tagged] = await testDb()('media').insert(media(null, 'before')).returning('id');
    await testDb()('media_youths').insert({ medium_id: typeof tagged === 'object' ? tagged.id : tagged, youth_id: c.who.Bilal!.youthId });
    // A photo is not a video: Emma gets... nothing anyway (no way to reach her). Give her a mobile.
    await testDb()('youths').where({ id: c.who.Emma!.youthId }).update({ phone: '+33611223305' });
    await testDb()('media').insert({ ...media(c.who.Emma!.youthId, 'before'), kind: 'photo' });
    await sendDueReminders(testDb(), policy, at('2031-05-25'));
    const before = await messagesOf(testDb(), 'beforeVideo', everyone(c));
    expect(await firstNames(before)).to.deep.equal(['Emma']);
    expect(JSON.parse(before[0].data)).to.include({ until: '01/06', link: `${SITE}/groups/${c.groupId}/media/new` });
    expect(render('beforeVideo', 'sms', 'fr', JSON.parse(before[0].data)).text).to.include('départ le 01/06').and.include('vidéo "avant"');
    await sendDueReminders(testDb(), policy, at('2031-05-26'));
    expect(await messagesOf(testDb(), 'beforeVideo', everyone(c))).to.have.length(1);
    expect(await sendDueReminders(testDb(), policy, at('2031-06-17'))).to.equal(0);
    await sendDueReminders(testDb(), policy, at('2031-06-18'));
    const after = await messagesOf(testDb(), 'afterVideo', everyone(c));
    expect(await firstNames(after)).to.deep.equal(['Amel', 'Bilal', 'Emma']);
    expect(after.find((m) => m.recipient_youth_id === c.who.Bilal!.youthId)).to.include({ channel: 'email', locale: 'en' });
  });

  it('an SMS reminder decided at night waits for 08:00 in the queue; an e-mail goes at once', async () => {
    const c = await cast(ids, '2031-06-01', '2031-06-15');
    await testDb()('meetings').insert({ group_id: c.groupId, starts_at: '2031-03-11T18:30', duration_minutes: 120, type: 'preparation', phase: 'preparation', created_at: new Date().toISOString() });
    await sendDueReminders(testDb(), policy, new Date('2031-03-10T00:30:00Z')); // 01:30 in Paris
    const rows = await messagesOf(testDb(), 'meetingReminder', everyone(c));
    expect(rows.find((r) => r.channel === 'sms').next_try_at).to.equal('2031-03-10T07:00:00.000Z');
    expect(rows.find((r) => r.channel === 'email').next_try_at).to.equal('2031-03-10T00:30:00.000Z');
  });
});
