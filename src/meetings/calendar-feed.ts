import { MEETING_TIME_ZONE, type MeetingRow } from './meeting.js';

/*
 * A group's meetings as an iCalendar (RFC 5545) feed that a phone calendar subscribes to. It carries the
 * group's name and each meeting's type, place and notes: nothing about any youth.
 */

export interface FeedOptions {
  groupName: string;
  /** Where the feed is served, for stable UIDs and links back: e.g. 'tremplin.example.org'. */
  host: string;
  /** The base of links back to the app, e.g. 'https://tremplin.example.org'. */
  origin: string;
  /** The meeting type's label in the feed's language. */
  typeLabel: (type: MeetingRow['type']) => string;
  now?: Date;
}

// Europe/Paris since 1996: last Sunday of March at 02:00 to summer time, last Sunday of October at 03:00 back.
const VTIMEZONE = [
  'BEGIN:VTIMEZONE',
  `TZID:${MEETING_TIME_ZONE}`,
  `X-LIC-LOCATION:${MEETING_TIME_ZONE}`,
  'BEGIN:DAYLIGHT',
  'TZOFFSETFROM:+0100',
  'TZOFFSETTO:+0200',
  'TZNAME:CEST',
  'DTSTART:19700329T020000',
  'RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU',
  'END:DAYLIGHT',
  'BEGIN:STANDARD',
  'TZOFFSETFROM:+0200',
  'TZOFFSETTO:+0100',
  'TZNAME:CET',
  'DTSTART:19701025T030000',
  'RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU',
  'END:STANDARD',
  'END:VTIMEZONE',
];

/** TEXT values: backslash, semicolon, comma and line breaks are escaped (RFC 5545 §3.3.11). */
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    // Other control characters are not allowed in a TEXT value.
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '');
}

/**
 * Lines longer than 75 octets are folded: CRLF then one space, and the continuation carries on (§3.1).
 * Folds fall between characters, never inside a UTF-8 sequence, so "é" is never cut in two.
 */
export function foldLine(line: string): string {
  const parts: string[] = [];
  let current = '';
  let octets = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (octets + size > limit) {
      parts.push(current);
      current = ' ';
      octets = 1;
      limit = 75;
    }
    current += ch;
    octets += size;
  }
  parts.push(current);
  return parts.join('\r\n');
}

/** 'YYYY-MM-DDTHH:mm' wall-clock to iCalendar local form 'YYYYMMDDTHHmm00'. */
function localStamp(wallClock: string): string {
  return `${wallClock.slice(0, 4)}${wallClock.slice(5, 7)}${wallClock.slice(8, 10)}T${wallClock.slice(11, 13)}${wallClock.slice(14, 16)}00`;
}

/** The wall-clock end of a meeting: its start plus its duration, as the clock on the wall would read. */
export function wallClockEnd(startsAt: string, minutes: number): string {
  const [y, mo, d, h, mi] = [startsAt.slice(0, 4), startsAt.slice(5, 7), startsAt.slice(8, 10), startsAt.slice(11, 13), startsAt.slice(14, 16)].map(Number);
  const end = new Date(Date.UTC(y!, mo! - 1, d!, h!, mi! + minutes));
  return end.toISOString().slice(0, 16);
}

function utcStamp(at: Date): string {
  return at.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

export function meetingsCalendar(meetings: MeetingRow[], opts: FeedOptions): string {
  const stamp = utcStamp(opts.now ?? new Date());
  const lines: string[] = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Tremplin//Seances de preparation//FR',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    `X-WR-CALNAME:${escapeText(`Tremplin – ${opts.groupName}`)}`,
    `X-WR-TIMEZONE:${MEETING_TIME_ZONE}`,
    // Asks subscribing calendars to look again every few hours.
    'REFRESH-INTERVAL;VALUE=DURATION:PT6H',
    'X-PUBLISHED-TTL:PT6H',
    ...VTIMEZONE,
  ];
  for (const m of meetings) {
    const type = opts.typeLabel(m.type);
    lines.push(
      'BEGIN:VEVENT',
      `UID:meeting-${m.id}@${opts.host}`,
      `DTSTAMP:${stamp}`,
      `DTSTART;TZID=${MEETING_TIME_ZONE}:${localStamp(m.starts_at)}`,
      `DTEND;TZID=${MEETING_TIME_ZONE}:${localStamp(wallClockEnd(m.starts_at, m.duration_minutes))}`,
      `SUMMARY:${escapeText(`${type} – ${opts.groupName}`)}`,
    );
    if (m.place) lines.push(`LOCATION:${escapeText(m.place)}`);
    if (m.notes) lines.push(`DESCRIPTION:${escapeText(m.notes)}`);
    lines.push(`URL:${opts.origin}/groups/${m.group_id}/meetings/${m.id}`, 'STATUS:CONFIRMED', 'TRANSP:OPAQUE', 'END:VEVENT');
  }
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join('\r\n') + '\r\n';
}
