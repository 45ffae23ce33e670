import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { parsePhoneNumberFromString as parseWithTypes } from 'libphonenumber-js/max';

/**
 * A phone number as typed on a form or in a spreadsheet ("06 12 34 56 78", "+33 6 12…", "0033612…") in
 * E.164 ("+33612345678"), the one form an SMS provider takes and two files can be compared by. Numbers
 * without a country code are read as French: the structures are French and so are their youths' phones.
 * Null when it is not a number that could exist.
 */
export function toE164(input: string | null | undefined): string | null {
  const typed = (input ?? '').trim();
  if (!typed) return null;
  const parsed = parsePhoneNumberFromString(typed.replace(/^00/, '+'), 'FR');
  return parsed && parsed.isValid() ? parsed.number : null;
}

/** A stored number as people write it: French numbers the French way ("06 12 34 56 78"), others with their country code. */
export function phoneForDisplay(stored: string | null | undefined): string {
  if (!stored) return '';
  const parsed = parsePhoneNumberFromString(stored, 'FR');
  if (!parsed) return stored;
  return parsed.countryCallingCode === '33' ? parsed.formatNational() : parsed.formatInternational();
}

/** Whether an SMS can reach the number: landlines and premium numbers take no text messages. */
export function isMobile(e164: string): boolean {
  // The full metadata knows which ranges are mobile; it also refuses ranges not yet allocated (the 06 39 98
  // kept for fiction, the demo's), which the validation above accepts: those get the benefit of the doubt.
  const type = parseWithTypes(e164)?.getType();
  return type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE' || type === undefined;
}

// GSM 03.38: the basic set (one septet each) and the extension table (an escape, then the character: two).
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM_EXTENDED = new Set('^{}\\[~]|€\f');

export interface SmsLength {
  encoding: 'GSM-7' | 'UCS-2';
  /** Septets (GSM-7) or UTF-16 code units (UCS-2), as the network counts them. */
  units: number;
  segments: number;
}

/**
 * How many SMS a text is sent as. One accent outside GSM-7 (ê, â, î, ô, ç, œ…, frequent in French) turns
 * the whole message into UCS-2: 70 characters a message instead of 160, and a long message is split in
 * parts of 153 / 67, each paid for.
 */
export function smsLength(text: string): SmsLength {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (GSM_BASIC.has(ch)) septets += 1;
    else if (GSM_EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: 'GSM-7', units: septets, segments: septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length;
  return { encoding: 'UCS-2', units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** No SMS reaches a youth or a parent between 20:00 and 08:00, Paris time: those are queued until 08:00. */
export const QUIET_FROM_HOUR = 20;
export const QUIET_UNTIL_HOUR = 8;
const PARIS = 'Europe/Paris';

function parisClock(at: Date): { hour: number; minute: number; second: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: PARIS, hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return { hour: get('hour'), minute: get('minute'), second: get('second') };
}

/**
 * The first moment at or after `at` when an SMS may go: `at` itself outside quiet hours, else the next
 * 08:00 in Paris (found by stepping to it, so the change to and from summer time needs no table).
 */
export function nextSmsWindow(at: Date): Date {
  const clock = parisClock(at);
  if (clock.hour >= QUIET_UNTIL_HOUR && clock.hour < QUIET_FROM_HOUR) return at;
  const hoursLeft = clock.hour >= QUIET_FROM_HOUR ? 24 - clock.hour + QUIET_UNTIL_HOUR : QUIET_UNTIL_HOUR - clock.hour;
  let candidate = new Date(at.getTime() + (hoursLeft * 3600 - clock.minute * 60 - clock.second) * 1000 - at.getMilliseconds());
  // A summer-time change in the night moves Paris's 08:00 by an hour from where the count put it.
  const landed = parisClock(candidate).hour;
  if (landed !== QUIET_UNTIL_HOUR) candidate = new Date(candidate.getTime() + (QUIET_UNTIL_HOUR - landed) * 3600_000);
  return candidate;
}

/** What a youth or parent answers to stop the messages; French operators' habit is STOP, sometimes with a number. */
export function isStopWord(reply: string): boolean {
  return /^\s*(stop|arret|arrêt|unsubscribe)\b/i.test(reply);
}

/** Whether an SMS queued with this `notBefore` waits for the morning: the flash then says it leaves at 8. */
export const heldForMorning = (notBefore: string, now = Date.now()): boolean => new Date(notBefore).getTime() > now + 1000;
