import i18next from 'i18next';
import { isLanguage, type Language } from '../http/i18n.js';
import { outboxMessages } from './outbox.messages.js';

// Messages are written by the dispatcher, outside any request and before or without the app's catalog:
// an i18next of their own, over the same messages the pages read.
const texts = i18next.createInstance();
await texts.init({
  resources: { fr: { translation: { outbox: outboxMessages.fr } }, en: { translation: { outbox: outboxMessages.en } } },
  lng: 'fr', fallbackLng: 'fr', initAsync: false, interpolation: { escapeValue: false }, returnNull: false,
});

export const CHANNELS = ['sms', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

/** A reminder to a youth: both channels, under its own name in each, with nothing secret. */
function reminder<K extends string>(name: K) {
  return {
    sms: `outbox.sms.${name}` as const,
    email: { subject: `outbox.email.${name}.subject` as const, text: `outbox.email.${name}.text` as const },
    secret: [] as readonly string[],
  };
}

/**
 * What the app sends, by message key: the catalog keys of each channel's text (in outbox.messages.ts, fr
 * and en), and which data must not outlive the sending (a one-time code opens an account: once a real
 * transport took it, the queue keeps "••••" in its place).
 */
export const TEMPLATES = {
  signInCode: {
    sms: 'outbox.sms.signInCode',
    email: { subject: 'outbox.email.signInCode.subject', text: 'outbox.email.signInCode.text' },
    secret: ['code', 'link'],
  },
  // The link is the key to the youth's answer page: kept no longer than the code.
  followUpAnswer: {
    sms: 'outbox.sms.followUpAnswer',
    email: { subject: 'outbox.email.followUpAnswer.subject', text: 'outbox.email.followUpAnswer.text' },
    secret: ['link'],
  },
  // A serious incident abroad, to the group's directors: no youth is named, the page behind the link says who.
  // E-mail only (src/stay/stay.ts, alertDirectors).
  incidentAlert: {
    email: { subject: 'outbox.email.incidentAlert.subject', text: 'outbox.email.incidentAlert.text' },
    secret: [],
  },
  // The same, for an incident corrected up to serious or emergency: "just logged" would misdate it.
  incidentRaised: {
    email: { subject: 'outbox.email.incidentRaised.subject', text: 'outbox.email.incidentRaised.text' },
    secret: [],
  },
  // The link opens the parent's page without an account: like a code, it is not kept once sent.
  parentConsent: {
    sms: 'outbox.sms.parentConsent',
    email: { subject: 'outbox.email.parentConsent.subject', text: 'outbox.email.parentConsent.text' },
    secret: ['link'],
  },
  // Reminders the app sends youths by itself (src/outbox/reminders.ts): SMS first, e-mail to a youth with an
  // e-mail and no mobile. Their links open pages that ask the youth to sign in: nothing secret in them.
  meetingReminder: reminder('meetingReminder'),
  papersDue: reminder('papersDue'),
  papersOverdue: reminder('papersOverdue'),
  beforeVideo: reminder('beforeVideo'),
  afterVideo: reminder('afterVideo'),
  // What is due today, to a worker or director who asked for it (src/outbox/morning-email.ts). It names
  // youths: the list goes once sent, and /admin/outbox never shows it (PRIVATE_KEYS).
  morningEmail: {
    email: { subject: 'outbox.email.morningEmail.subject', text: 'outbox.email.morningEmail.text' },
    secret: ['items'],
  },
} as const satisfies Record<string, { sms?: string; email?: { subject: string; text: string }; secret: readonly string[] }>;
export type MessageKey = keyof typeof TEMPLATES;

/** Messages whose text is for their recipient alone: /admin/outbox shows their kind and status, not their text. */
export const PRIVATE_KEYS: readonly string[] = ['morningEmail'] satisfies MessageKey[];

export const isMessageKey = (key: string): key is MessageKey => Object.prototype.hasOwnProperty.call(TEMPLATES, key);

export interface Rendered {
  subject: string | null;
  text: string;
}

/** The message in the recipient's language, written at send time from its key and data. */
export function render(key: string, channel: Channel, locale: string, data: Record<string, string>): Rendered {
  if (!isMessageKey(key)) throw new Error(`no template "${key}"`);
  const t = texts.getFixedT(isLanguage(locale) ? locale : ('fr' satisfies Language));
  const template = TEMPLATES[key];
  if (channel === 'sms') {
    if (!('sms' in template)) throw new Error(`"${key}" is not sent by SMS`);
    return { subject: null, text: t(template.sms, data) };
  }
  return { subject: t(template.email.subject, data), text: t(template.email.text, data) };
}

/** The data with its secrets masked, as kept after sending. */
export function redacted(key: string, data: Record<string, string>): Record<string, string> {
  if (!isMessageKey(key)) return data;
  const out = { ...data };
  for (const field of TEMPLATES[key].secret) if (field in out) out[field] = '••••';
  return out;
}
