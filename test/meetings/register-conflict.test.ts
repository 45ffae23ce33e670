import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, csrfFrom, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { localToday, type MeetingRow } from '../../src/meetings/meeting.js';
import { sadiolaEnrolments } from './fixtures.js';

/** The register form as the page serves it: its hidden fields and every youth as shown ("present" when not taken). */
function registerFields(html: string): Record<string, string> {
  const form = /<form method="post" action="[^"]*\/register"[\s\S]*?<\/form>/.exec(html)![0];
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input type="hidden" name="([\w-]+)" value="([^"]*)">/g)) fields[m[1]!] = m[2]!;
  for (const m of form.matchAll(/name="(status-\d+)" value="(\w+)" checked/g)) fields[m[1]!] = m[2]!;
  return fields;
}

describe('a register sent late (from a phone without network)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  let meeting: MeetingRow;
  let enrolments: Record<string, number>;
  before(async () => {
    ({ ids, app, karim } = await appOnDemo('karim'));
    enrolments = await sadiolaEnrolments(ids);
  });
  beforeEach(async () => {
    meeting = (await testDb()('meetings').where({ group_id: ids.groups.sadiola }).where('starts_at', '<', localToday()).orderBy('starts_at')).at(-1)!;
    await testDb()('attendance').where({ meeting_id: meeting.id }).del();
    await testDb()('meetings').where({ id: meeting.id }).update({ register_taken_at: null });
  });
  const registerPath = () => `/groups/${ids.groups.sadiola}/meetings/${meeting.id}`;

  it('sent twice (the first answer lost on the way back), is recorded once and the second send is no conflict', async () => {
    const fields = { ...registerFields((await karim.get(registerPath())).text), [`status-${enrolments.Rayan}`]: 'late' };
    expect(fields.submissionToken).to.match(/^[0-9a-f-]{36}$/);
    expect(fields.registerVersion).to.equal('');
    const first = await karim.post(`${registerPath()}/register`).type('form').send(fields);
    expect(first.status).to.equal(303);
    const taken = (await testDb()('meetings').where({ id: meeting.id }).first()).register_taken_at;
    const replay = await karim.post(`${registerPath()}/register`).type('form').send(fields);
    expect(replay.status).to.equal(303);
    expect(replay.headers.location).to.equal(registerPath());
    expect((await testDb()('meetings').where({ id: meeting.id }).first()).register_taken_at, 'saved once').to.equal(taken);
    const rows = await testDb()('attendance').where({ meeting_id: meeting.id }).select('status', 'recorded_at');
    expect(rows).to.have.length(10);
    expect(new Set(rows.map((r) => r.recorded_at))).to.deep.equal(new Set([taken]));
    expect(await testDb()('form_submissions').where({ token: fields.submissionToken }).select('done_at')).to.have.length(1);
  });

  it('taken meanwhile by someone else, answers a conflict page with both registers and applies neither silently', async () => {
    const mine = { ...registerFields((await karim.get(registerPath())).text), [`status-${enrolments.Rayan}`]: 'absent' };
    // Another phone (another session) takes the same register first, with Rayan late.
    const other = await signIn(app, DEMO_ACCOUNTS.karim.email);
    const theirs = { ...registerFields((await other.get(registerPath())).text), [`status-${enrolments.Rayan}`]: 'late' };
    expect((await other.post(`${registerPath()}/register`).type('form').send(theirs)).status).to.equal(303);

    const res = await karim.post(`${registerPath()}/register`).type('form').send(mine);
    expect(res.status).to.equal(409);
    const text = visibleText(res.text);
    expect(text).to.include('Appel déjà fait par quelqu’un d’autre').and.include('Le vôtre n’a pas été appliqué')
      .and.include('enregistré par Karim Benali');
    expect(text).to.match(/Rayan \S+ En retard Absent·e différent/);
    const rayan = () => testDb()('attendance').where({ meeting_id: meeting.id, enrolment_id: enrolments.Rayan }).first();
    expect((await rayan()).status, 'theirs stays').to.equal('late');

    // "Replace with my register": sent on purpose over theirs, it is applied.
    const again = registerFields(res.text);
    expect(again.registerVersion).to.equal((await testDb()('meetings').where({ id: meeting.id }).first()).register_taken_at);
    expect(again[`status-${enrolments.Rayan}`]).to.equal('absent');
    const applied = await karim.post(`${registerPath()}/register`).type('form').send({ ...again, _csrf: csrfFrom(res.text) });
    expect(applied.status).to.equal(303);
    expect((await rayan()).status).to.equal('absent');
  });
});
