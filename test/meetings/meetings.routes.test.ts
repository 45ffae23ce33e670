import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { localToday, type MeetingRow } from '../../src/meetings/meeting.js';
import { sadiolaEnrolments } from './fixtures.js';

const sadiolaMeetings = (ids: DemoIds): Promise<MeetingRow[]> =>
  testDb()('meetings').where({ group_id: ids.groups.sadiola }).orderBy('starts_at');

/** The radio button checked for a youth on the register page. */
function checkedStatus(html: string, enrolmentId: number): string | undefined {
  const m = new RegExp(`name="status-${enrolmentId}" value="(\\w+)" checked`).exec(html);
  return m?.[1];
}

describe('preparation sessions (pages)', () => {
  let ids: DemoIds;
  let app: Express;
  let karim: Agent;
  before(async () => ({ ids, app, karim } = await appOnDemo('karim')));

  describe('GET /groups/:id/meetings', () => {
    it('shows the worker the sessions to come and past, the registers to take, the rates and the youths to call', async () => {
      const past = (await sadiolaMeetings(ids)).find((m) => m.starts_at < localToday())!;
      await testDb()('meetings').where({ id: past.id }).update({ register_taken_at: null });
      const res = await karim.get(`/groups/${ids.groups.sadiola}/meetings`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Séances').and.include('À venir (4)').and.include('Passées (6)');
      expect(text).to.include('Rencontre avec une association du pays').and.include('Maison des associations, Douai');
      expect(text).to.include('Appel à faire').and.include('Appel fait');
      expect(text).to.include('Présence aux séances de préparation').and.include('Excusé·e ne compte ni pour ni contre');
      expect(text).to.match(/Tout le groupe : \d+ %/);
      expect(text).to.include('Jeunes à appeler').and.include('Yanis Mebarki');
      await testDb()('meetings').where({ id: past.id }).update({ register_taken_at: new Date().toISOString() });
    });

    it('shows a youth the sessions to come only, and nobody’s attendance', async () => {
      const ines = await signIn(app, 'ines.d');
      const res = await ines.get(`/groups/${ids.groups.sadiola}/meetings`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('À venir (4)').and.include('Tourner la vidéo « avant »').and.include('Salle des fêtes, Somain');
      expect(text).not.to.include('Passées');
      expect(text).not.to.include('Yanis');
      expect(text).not.to.include('Présence aux séances');
      expect(text).not.to.include('Appel fait').and.not.to.include('Appel à faire');
      expect(text).not.to.include('Nouvelle séance');
    });

    it('makes the group’s calendar secret the first time, and shows the links to subscribe', async () => {
      await testDb()('groups').where({ id: ids.groups.sadiola }).update({ calendar_token: null });
      const res = await karim.get(`/groups/${ids.groups.sadiola}/meetings`);
      const { calendar_token: token } = await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token');
      expect(token).to.match(/^[A-Za-z0-9_-]{32}$/);
      // Outside production PUBLIC_URL defaults to http://localhost and the port (test/http/public-url.test.ts).
      expect(res.text).to.include(`href="webcal://localhost:3000/calendar/${token}.ics"`);
      expect(res.text).to.include(`value="http://localhost:3000/calendar/${token}.ics"`);
      await karim.get(`/groups/${ids.groups.sadiola}/meetings`);
      expect((await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token')).calendar_token).to.equal(token);
    });
  });

  describe('the group page', () => {
    it('shows the next session and leads to the sessions page', async () => {
      const text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(text).to.match(/Prochaine séance : \w+ \d{1,2} \S+ \d{4} à 18:00 · Interculturel · Mission locale du Douaisis, salle 2, Douai/);
      expect((await karim.get(`/groups/${ids.groups.sadiola}`)).text).to.include(`href="/groups/${ids.groups.sadiola}/meetings"`);
    });
  });

  describe('POST /groups/:id/meetings', () => {
    it('plans a session, which then comes up in the list', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings`, {
        date: '2099-05-06', time: '17:30', durationMinutes: '90', place: 'MJC, salle 1', type: 'rehearsal', phase: 'preparation', notes: 'Apporter le texte.',
      }, `/groups/${ids.groups.sadiola}/meetings/new`);
      expect(res.status).to.equal(303);
      expect(res.headers.location).to.equal(`/groups/${ids.groups.sadiola}/meetings`);
      const row = await testDb()('meetings').where({ group_id: ids.groups.sadiola, starts_at: '2099-05-06T17:30' }).first();
      expect(row).to.include({ duration_minutes: 90, place: 'MJC, salle 1', type: 'rehearsal', phase: 'preparation', notes: 'Apporter le texte.', created_by: ids.users.karim });
      const text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}/meetings`)).text);
      expect(text).to.include('Séance ajoutée.').and.include('Répétition').and.include('1 h 30');
    });

    it('says what is wrong next to each field and keeps everything typed (422)', async () => {
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings`, {
        date: '2026-02-30', time: '', durationMinutes: '100000', place: 'Salle « 2 »', type: 'party', phase: 'preparation', notes: 'Mes notes',
      }, `/groups/${ids.groups.sadiola}/meetings/new`);
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Cette date n’existe pas.').and.include('À remplir.').and.include('Entre 15 minutes et 12 heures.').and.include('Choisissez un type dans la liste.');
      expect(res.text).to.include('value="2026-02-30"').and.include('value="Salle « 2 »"').and.include('>Mes notes</textarea>');
      expect(res.text).to.match(/<option value="100000" selected>/);
      expect(await testDb()('meetings').where({ group_id: ids.groups.sadiola, starts_at: '2026-02-30T' }).first()).to.equal(undefined);
    });
  });

  describe('GET /groups/:id/meetings/:meetingId', () => {
    it('offers the register with everyone present when it was not taken yet', async () => {
      const past = (await sadiolaMeetings(ids)).filter((m) => m.starts_at < localToday()).at(-1)!;
      await testDb()('attendance').where({ meeting_id: past.id }).del();
      await testDb()('meetings').where({ id: past.id }).update({ register_taken_at: null });
      const res = await karim.get(`/groups/${ids.groups.sadiola}/meetings/${past.id}`);
      expect(res.status).to.equal(200);
      const enrolments = await sadiolaEnrolments(ids);
      for (const id of Object.values(enrolments)) expect(checkedStatus(res.text, id)).to.equal('present');
      const text = visibleText(res.text);
      expect(text).to.include('Appel (10)').and.include('Touchez seulement les exceptions').and.include('Enregistrer l’appel');
      expect(text).to.include('Présent·e').and.include('En retard').and.include('Excusé·e').and.include('Absent·e');
    });

    it('does not find a session through another group (404)', async () => {
      const bafou = await testDb()('meetings').where({ group_id: ids.groups.bafou }).first('id');
      const elodie = await signIn(app, DEMO_ACCOUNTS.elodie.email);
      expect((await elodie.get(`/groups/${ids.groups.bafou}/meetings/${bafou.id}`)).status).to.equal(200);
      const dispensaire = await testDb()('meetings').where({ group_id: ids.groups.dispensaire }).first('id');
      expect((await karim.get(`/groups/${ids.groups.sadiola}/meetings/${dispensaire.id}`)).status).to.equal(404);
      expect((await karim.get(`/groups/${ids.groups.sadiola}/meetings/${dispensaire.id}/edit`)).status).to.equal(404);
      const forged = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${dispensaire.id}`, {
        date: '2026-03-04', time: '18:00', durationMinutes: '120', type: 'project', phase: 'preparation',
      }, '/groups');
      expect(forged.status).to.equal(404);
      expect((await karim.get(`/groups/${ids.groups.sadiola}/meetings/abc`)).status).to.equal(404);
    });

    it('shows a youth the session without its register', async () => {
      const [first] = await sadiolaMeetings(ids);
      const ines = await signIn(app, 'ines.d');
      const res = await ines.get(`/groups/${ids.groups.sadiola}/meetings/${first!.id}`);
      expect(res.status).to.equal(200);
      const text = visibleText(res.text);
      expect(text).to.include('Construire le projet').and.include('Première rencontre du groupe');
      expect(text).not.to.include('Yanis').and.not.to.include('Enregistrer l’appel');
    });
  });

  describe('POST /groups/:id/meetings/:meetingId/register', () => {
    it('records all present but the two exceptions in one submit', async () => {
      const meeting = (await sadiolaMeetings(ids)).filter((m) => m.starts_at < localToday()).at(-1)!;
      const enrolments = await sadiolaEnrolments(ids);
      const page = await karim.get(`/groups/${ids.groups.sadiola}/meetings/${meeting.id}`);
      // What the browser sends: every radio as shown ("present"), with the two the worker tapped.
      const fields: Record<string, string> = {};
      for (const id of Object.values(enrolments)) fields[`status-${id}`] = checkedStatus(page.text, id)!;
      fields[`status-${enrolments.Rayan}`] = 'late';
      fields[`status-${enrolments.Jade}`] = 'excused';
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${meeting.id}/register`, fields, `/groups/${ids.groups.sadiola}/meetings/${meeting.id}`);
      expect(res.status).to.equal(303);
      const rows: { enrolment_id: number; status: string }[] = await testDb()('attendance').where({ meeting_id: meeting.id }).select('enrolment_id', 'status');
      expect(rows).to.have.length(10);
      const byName = Object.fromEntries(Object.entries(enrolments).map(([name, id]) => [name, rows.find((r) => r.enrolment_id === id)!.status]));
      expect(byName).to.deep.equal({
        Inès: 'present', Yanis: 'present', Léa: 'present', Mamadou: 'present', Chloé: 'present',
        Rayan: 'late', Manon: 'present', Samir: 'present', Jade: 'excused', Kevin: 'present',
      });
      const after = await karim.get(res.headers.location!);
      expect(visibleText(after.text)).to.include('Appel enregistré.').and.include('Appel fait le');
      expect(checkedStatus(after.text, enrolments.Rayan!)).to.equal('late');
      // Yanis came this time: he is no longer among the youths to call.
      expect(visibleText((await karim.get(`/groups/${ids.groups.sadiola}/meetings`)).text)).not.to.include('Jeunes à appeler');
    });

    it('rejects a register naming an enrolment of another group, and saves nothing', async () => {
      const meeting = (await sadiolaMeetings(ids)).filter((m) => m.starts_at < localToday()).at(-2)!;
      const before = await testDb()('attendance').where({ meeting_id: meeting.id }).orderBy('enrolment_id');
      const enrolments = await sadiolaEnrolments(ids);
      const stranger = await testDb()('enrolments').where({ group_id: ids.groups.bafou }).first('id');
      const fields: Record<string, string> = { [`status-${stranger.id}`]: 'present' };
      for (const id of Object.values(enrolments)) fields[`status-${id}`] = 'absent';
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${meeting.id}/register`, fields, '/groups');
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('n’est pas dans ce groupe à cette date. Rien n’a été enregistré.');
      expect(checkedStatus(res.text, enrolments.Inès!)).to.equal('absent');
      expect(await testDb()('attendance').where({ meeting_id: meeting.id }).orderBy('enrolment_id')).to.deep.equal(before);
      expect(await testDb()('attendance').where({ enrolment_id: stranger.id, meeting_id: meeting.id })).to.deep.equal([]);
    });

    it('points at the youth left without an answer, and keeps the other answers', async () => {
      const meeting = (await sadiolaMeetings(ids)).filter((m) => m.starts_at < localToday()).at(-3)!;
      const enrolments = await sadiolaEnrolments(ids);
      const fields: Record<string, string> = {};
      for (const [name, id] of Object.entries(enrolments)) if (name !== 'Kevin') fields[`status-${id}`] = name === 'Léa' ? 'late' : 'present';
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${meeting.id}/register`, fields, '/groups');
      expect(res.status).to.equal(422);
      const text = visibleText(res.text);
      expect(text).to.include('Il manque la réponse pour certains jeunes.').and.include('Kevin Dubois Choisissez une réponse.');
      expect(checkedStatus(res.text, enrolments.Léa!)).to.equal('late');
      expect(checkedStatus(res.text, enrolments.Kevin!)).to.equal(undefined);
    });

    it('refuses an answer that is not one of the four', async () => {
      const meeting = (await sadiolaMeetings(ids)).filter((m) => m.starts_at < localToday()).at(-3)!;
      const enrolments = await sadiolaEnrolments(ids);
      const fields: Record<string, string> = {};
      for (const id of Object.values(enrolments)) fields[`status-${id}`] = 'present';
      fields[`status-${enrolments.Inès}`] = 'asleep';
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${meeting.id}/register`, fields, '/groups');
      expect(res.status).to.equal(422);
    });

    it('is for the group’s worker only: the director reads it, the youth does not even see it', async () => {
      const [first] = await sadiolaMeetings(ids);
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      const page = await director.get(`/groups/${ids.groups.sadiola}/meetings/${first!.id}`);
      expect(visibleText(page.text)).to.include('Yanis Mebarki').and.include('Seul·e l’animateur·rice du groupe peut faire l’appel.');
      expect(page.text).not.to.include('type="radio"');
      const res = await postForm(director, `/groups/${ids.groups.sadiola}/meetings/${first!.id}/register`, {}, '/groups');
      expect(res.status).to.equal(403);
    });
  });

  describe('POST /groups/:id/meetings/:meetingId (edit)', () => {
    it('moves a session and keeps its register', async () => {
      const [first] = await sadiolaMeetings(ids);
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${first!.id}`, {
        date: first!.starts_at.slice(0, 10), time: '18:30', durationMinutes: '150', place: 'Salle 3', type: 'project', phase: 'preparation', notes: '',
      }, '/groups');
      expect(res.status).to.equal(303);
      const row = await testDb()('meetings').where({ id: first!.id }).first();
      expect(row).to.include({ starts_at: `${first!.starts_at.slice(0, 10)}T18:30`, duration_minutes: 150, place: 'Salle 3', notes: null });
      expect(await testDb()('attendance').where({ meeting_id: first!.id })).to.have.length(10);
    });
  });

  describe('POST /groups/:id/meetings/:meetingId/delete', () => {
    it('asks to confirm before erasing a register, then deletes the session and its register', async () => {
      const [first] = await sadiolaMeetings(ids);
      const refused = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${first!.id}/delete`, {}, '/groups');
      expect(refused.status).to.equal(422);
      expect(visibleText(refused.text)).to.include('cochez la case pour confirmer');
      expect(await testDb()('attendance').where({ meeting_id: first!.id })).to.have.length(10);
      const done = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${first!.id}/delete`, { confirm: 'yes' }, '/groups');
      expect(done.status).to.equal(303);
      expect(await testDb()('meetings').where({ id: first!.id }).first()).to.equal(undefined);
      expect(await testDb()('attendance').where({ meeting_id: first!.id })).to.deep.equal([]);
      expect(visibleText((await karim.get(done.headers.location!)).text)).to.include('Séance supprimée.');
    });

    it('deletes a session with no register at once', async () => {
      const next = (await sadiolaMeetings(ids)).find((m) => m.starts_at > localToday())!;
      const res = await postForm(karim, `/groups/${ids.groups.sadiola}/meetings/${next.id}/delete`, {}, '/groups');
      expect(res.status).to.equal(303);
      expect(await testDb()('meetings').where({ id: next.id }).first()).to.equal(undefined);
    });
  });

  describe('every page of the sessions', () => {
    it('is in words, French or English, with no message key showing', async () => {
      const [first] = await sadiolaMeetings(ids);
      const pages = ['', '/new', `/${first!.id}`, `/${first!.id}/edit`].map((p) => `/groups/${ids.groups.sadiola}/meetings${p}`);
      for (const lang of ['fr', 'en']) {
        await postForm(karim, '/lang', { lang, returnTo: '/groups' }, '/groups');
        for (const path of pages) {
          const res = await karim.get(path);
          expect(res.status, path).to.equal(200);
          expect(visibleText(res.text), `${lang} ${path}`).not.to.match(/\bmeetings\.[a-z]/);
        }
      }
      const english = visibleText((await karim.get(pages[0]!)).text);
      expect(english).to.include('Sessions').and.include('Coming up').and.include('Attendance at preparation sessions');
      await postForm(karim, '/lang', { lang: 'fr', returnTo: '/groups' }, '/groups');
    });

    it('refuses every change without a valid CSRF token', async () => {
      const [first] = await sadiolaMeetings(ids);
      const base = `/groups/${ids.groups.sadiola}/meetings`;
      for (const path of [base, `${base}/${first!.id}`, `${base}/${first!.id}/delete`, `${base}/${first!.id}/register`]) {
        expect((await karim.post(path).type('form').send({ confirm: 'yes' })).status, path).to.equal(403);
        expect((await karim.post(path).type('form').send({ _csrf: 'forged.token', confirm: 'yes' })).status, path).to.equal(403);
      }
      expect(await testDb()('meetings').where({ id: first!.id }).first()).to.not.equal(undefined);
    });
  });

  describe('GET /calendar/:token.ics', () => {
    it('serves the group’s sessions to a calendar that is not signed in, with no youth’s name', async () => {
      const { calendar_token: token } = await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token');
      const res = await request(app).get(`/calendar/${token}.ics`);
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.equal('text/calendar; charset=utf-8');
      const unfolded = res.text.replace(/\r\n /g, '');
      expect(unfolded).to.include('X-WR-CALNAME:Tremplin – Rencontre des jeunes de Sadiola');
      expect(unfolded).to.include('LOCATION:Maison des associations\\, Douai');
      const count = await testDb()('meetings').where({ group_id: ids.groups.sadiola }).count<{ n: number }[]>({ n: '*' });
      expect(unfolded.match(/^BEGIN:VEVENT$/gm)).to.have.length(Number(count[0]!.n));
      const names = await testDb()('youths').select('first_name', 'last_name');
      for (const y of names) expect(unfolded).not.to.include(`${y.first_name} ${y.last_name}`);
    });

    it('answers 404 to a wrong token', async () => {
      expect((await request(app).get('/calendar/not-the-right-token-at-all-xxxx.ics')).status).to.equal(404);
      expect((await request(app).get('/calendar/x.ics')).status).to.equal(404);
    });
  });
});
