import type { Request, RequestHandler, Response } from 'express';
import i18next, { type TFunction } from 'i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/fr.js';
import 'dayjs/locale/en.js';
import { fr } from '../i18n/fr.js';
import { en } from '../i18n/en.js';
import type { Catalog } from '../i18n/catalog.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';
export const LANGUAGE_COOKIE = 'lang';

// Starts with the base messages only (enough for an error page); the app hands in the whole catalog.
const i18n = i18next.createInstance();
await i18n.init({
  resources: { fr: { translation: fr }, en: { translation: en } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // EJS escapes on output (<%= %>); escaping here too would show &amp; to the user.
  interpolation: { escapeValue: false },
  returnNull: false,
});

/** Takes the app's catalog (base and concepts' messages); the app calls it once as it is built. */
export function useCatalog(catalog: Catalog): void {
  for (const lang of LANGUAGES) i18n.addResourceBundle(lang, 'translation', catalog[lang], true, true);
  // A translation remembered before the catalog came would be the bare key.
  translator.forget();
}

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

// Performance: a page calls t(), formatDate() and countryName() dozens of times, and i18next, dayjs and
// Intl are each slow enough that doing the work on every call and building the helpers on every request
// took about a third of the time of the signed-in group list. The helpers depend on the language only and
// their results on their arguments only (the catalog is fixed once loaded), so they are built once per
// language and remember their results, up to MEMO_LIMIT of them per helper and language.
const MEMO_LIMIT = 2000;

function remember<V>(memo: Map<string, V>, key: string, value: V): V {
  if (memo.size >= MEMO_LIMIT) memo.clear();
  memo.set(key, value);
  return value;
}

function perLanguage<T>(make: (lang: Language) => T): ((lang: Language) => T) & { forget(): void } {
  const made = new Map<Language, T>();
  const get = (lang: Language) => {
    let value = made.get(lang);
    if (value === undefined) {
      value = make(lang);
      made.set(lang, value);
    }
    return value;
  };
  return Object.assign(get, { forget: () => made.clear() });
}

/** The memo key of a t() call, or undefined when the call is not worth or not safe to remember. */
function translationKey(args: unknown[]): string | undefined {
  const [key, options] = args;
  if (typeof key !== 'string' || args.length > 2) return undefined;
  if (options === undefined) return args.length === 1 ? key : undefined;
  if (typeof options !== 'object' || options === null || Object.getPrototypeOf(options) !== Object.prototype) return undefined;
  for (const value of Object.values(options)) {
    const plain = typeof value === 'string' || typeof value === 'boolean' || value === null || value === undefined || (typeof value === 'number' && Number.isFinite(value));
    if (!plain) return undefined;
  }
  return `${key}\u0000${JSON.stringify(options)}`;
}

export const translator: ((lang: Language) => TFunction) & { forget(): void } = perLanguage((lang) => {
  const fixed = i18n.getFixedT(lang);
  const call = fixed as unknown as (...args: unknown[]) => unknown;
  const memo = new Map<string, string>();
  const t = (...args: unknown[]): unknown => {
    const key = translationKey(args);
    if (key === undefined) return call(...args);
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    const value = call(...args);
    return typeof value === 'string' ? remember(memo, key, value) : value;
  };
  return Object.assign(t, fixed) as unknown as TFunction;
});

// The structures' clock. Two kinds of time are stored as ISO text: wall-clock times typed by a person
// ('2027-04-02T18:00', a session, when an incident happened), shown as typed; and instants the server
// wrote ('2026-12-03T18:45:12.345Z', who recorded what when), which must read as the clock in France, not the
// server's zone (UTC on most hosts: a note written at 19:45 read 18:45).
const FRENCH_CLOCK = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23',
});
const INSTANT = /(Z|[+-]\d\d:?\d\d)$/;
const asFrenchClock = (at: Date): string => {
  const p = Object.fromEntries(FRENCH_CLOCK.formatToParts(at).map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}`;
};

/** Dates shown as the reader's language writes them; dates are stored as ISO text. */
export const dateFormatter = perLanguage((lang: Language) => {
  const memo = new Map<string, string>();
  const formatted = (value: string | Date | null | undefined, format: 'date' | 'datetime' | 'long'): string => {
    if (!value) return '';
    const instant = value instanceof Date ? value : INSTANT.test(value) ? new Date(value) : null;
    if (instant && Number.isNaN(instant.getTime())) return '';
    const d = dayjs(instant ? asFrenchClock(instant) : value);
    if (!d.isValid()) return '';
    const pattern = format === 'datetime' ? (lang === 'fr' ? 'D MMM YYYY à HH:mm' : 'MMM D, YYYY h:mm A') : format === 'long' ? (lang === 'fr' ? 'dddd D MMMM YYYY' : 'dddd, MMMM D, YYYY') : (lang === 'fr' ? 'D MMM YYYY' : 'MMM D, YYYY');
    return d.locale(lang).format(pattern);
  };
  return (value: string | null | undefined, kind: 'date' | 'datetime' | 'long' = 'date'): string => {
    if (typeof value !== 'string') return formatted(value, kind);
    const key = `${kind}\u0000${value}`;
    return memo.get(key) ?? remember(memo, key, formatted(value, kind));
  };
});

/** Country names come from the runtime's CLDR data, in the reader's language. */
export const countryNamer = perLanguage((lang: Language) => {
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  const memo = new Map<string, string>();
  const name = (code: string): string => {
    try {
      return names.of(code.toUpperCase()) ?? code;
    } catch {
      return code;
    }
  };
  return (code: string | null | undefined): string => {
    if (!code) return '';
    return memo.get(code) ?? remember(memo, code, name(code));
  };
});

/** The language is the one the person chose (cookie), else the one on their account, else French. */
export const languageMiddleware: RequestHandler = (req, res, next) => {
  const fromCookie = req.cookies?.[LANGUAGE_COOKIE];
  const fromUser = req.user?.locale;
  speak(req, res, isLanguage(fromCookie) ? fromCookie : isLanguage(fromUser) ? fromUser : DEFAULT_LANGUAGE);
  next();
};

/** Whether the visitor chose a language themselves (the switch's cookie): a page then keeps it. */
export const choseLanguage = (req: Request): boolean => isLanguage(req.cookies?.[LANGUAGE_COOKIE]);

/** The request is answered in this language: a page opened without signing in may know whose it is (an SMS link). */
export function speak(req: Request, res: Response, lang: Language): void {
  req.lang = lang;
  req.t = translator(lang);
  res.locals.lang = lang;
  res.locals.t = req.t;
  res.locals.formatDate = dateFormatter(lang);
  res.locals.countryName = countryNamer(lang);
}
