import { expect } from 'chai';
import { escapeText, foldLine, meetingsCalendar, wallClockEnd } from '../../src/meetings/calendar-feed.js';
import type { MeetingRow } from '../../src/meetings/meeting.js';

const meeting = (over: Partial<MeetingRow>): MeetingRow => ({
  id: 7, group_id: 3, starts_at: '2026-03-28T18:00', duration_minutes: 120, place: null, type: 'language', phase: 'preparation',
  notes: null, register_taken_at: null, created_by: null, created_at: '2026-01-01T00:00:00.000Z', ...over,
});

const LABELS: Record<string, string> = { language: 'Langue', fundraising: 'Action pour financer' };

function feed(meetings: MeetingRow[], groupName = 'Rencontre des jeunes de Sadiola'): string {
  return meetingsCalendar(meetings, {
    groupName, host: 'tremplin.example.org', origin: 'https://tremplin.example.org', typeLabel: (t) => LABELS[t] ?? t,
    now: new Date('2026-03-01T10:00:00Z'),
  });
}

/** Reads a feed back as a client does: unfold, split into properties, unescape the text values. */
function parse(ics: string): { name: string; params: string; value: string }[] {
  return ics
    .replace(/\r\n[ \t]/g, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => {
      const m = /^([A-Z-]+)((?:;[^:]*)?):(.*)$/.exec(line)!;
      const value = m[3]!.replace(/\\([\\;,nN])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c));
      return { name: m[1]!, params: m[2]!, value };
    });
}

describe('the calendar feed (RFC 5545)', () => {
  const tricky = meeting({
    place: 'Maison des associations, 12 rue de Paris; Douai',
    notes: 'Apporter : passeport, carte Vitale; photo\\identité\nRendez-vous à 17 h 45 devant la mission locale — ne pas être en retard, on part en car avec l’association des Maliens du Douaisis, des étudiants, et les élus.',
  });

  it('ends every line with CRLF and keeps every line within 75 octets', () => {
    const ics = feed([tricky, meeting({ id: 8, type: 'fundraising' })]);
    expect(ics.endsWith('\r\n')).to.equal(true);
    expect(ics.replace(/\r\n/g, '')).not.to.match(/[\r\n]/);
    const lines = ics.split('\r\n').slice(0, -1);
    for (const line of lines) expect(Buffer.byteLength(line, 'utf8'), line).to.be.at.most(75);
    expect(lines.some((l) => l.startsWith(' '))).to.equal(true);
  });

  it('never cuts a character in two when folding', () => {
    const line = `SUMMARY:${'é'.repeat(60)}`;
    const folded = foldLine(line);
    for (const part of folded.split('\r\n')) {
      expect(Buffer.byteLength(part, 'utf8')).to.be.at.most(75);
      expect(part).not.to.include('\uFFFD');
    }
    expect(folded.replace(/\r\n /g, '')).to.equal(line);
  });

  it('escapes commas, semicolons, backslashes and line breaks, and reads back the same', () => {
    expect(escapeText('a,b;c\\d\ne')).to.equal('a\\,b\\;c\\\\d\\ne');
    const props = parse(feed([tricky], 'Groupe, «Sadiola»; 2026'));
    expect(props.find((p) => p.name === 'LOCATION')!.value).to.equal(tricky.place);
    expect(props.find((p) => p.name === 'DESCRIPTION')!.value).to.equal(tricky.notes);
    expect(props.find((p) => p.name === 'SUMMARY')!.value).to.equal('Langue – Groupe, «Sadiola»; 2026');
    const raw = feed([tricky]).replace(/\r\n /g, '');
    expect(raw).to.include('LOCATION:Maison des associations\\, 12 rue de Paris\\; Douai');
  });

  it('times sessions in Europe/Paris with its time zone, a stable UID per session, and an end from the duration', () => {
    const props = parse(feed([tricky]));
    const event = props.slice(props.findIndex((p) => p.name === 'BEGIN' && p.value === 'VEVENT'));
    const value = (name: string) => (event.find((p) => p.name === name) ?? props.find((p) => p.name === name))!;
    expect(props.map((p) => p.name)).to.include.members(['BEGIN', 'VERSION', 'PRODID', 'TZID', 'TZOFFSETFROM', 'RRULE', 'DTSTAMP']);
    expect(props.filter((p) => p.name === 'BEGIN').map((p) => p.value)).to.deep.equal(['VCALENDAR', 'VTIMEZONE', 'DAYLIGHT', 'STANDARD', 'VEVENT']);
    expect(value('TZID').value).to.equal('Europe/Paris');
    expect(value('DTSTART').params).to.equal(';TZID=Europe/Paris');
    expect(value('DTSTART').value).to.equal('20260328T180000');
    expect(value('DTEND').value).to.equal('20260328T200000');
    expect(value('UID').value).to.equal('meeting-7@tremplin.example.org');
    expect(value('DTSTAMP').value).to.equal('20260301T100000Z');
    expect(parse(feed([meeting({ notes: 'autre chose', duration_minutes: 90 })])).find((p) => p.name === 'UID')!.value).to.equal('meeting-7@tremplin.example.org');
  });

  it('ends a late session on the next day', () => {
    expect(wallClockEnd('2026-12-31T23:00', 120)).to.equal('2027-01-01T01:00');
  });
});
