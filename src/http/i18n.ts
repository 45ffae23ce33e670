import type { RequestHandler } from 'express';
import i18next, { type TFunction } from 'i18next';
import dayjs from 'dayjs';
import 'dayjs/locale/fr.js';
import 'dayjs/locale/en.js';
import { catalog } from '../i18n/catalog.js';

export const LANGUAGES = ['fr', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'fr';
export const LANGUAGE_COOKIE = 'lang';

const i18n = i18next.createInstance();
await i18n.init({
  resources: { fr: { translation: catalog.fr }, en: { translation: catalog.en } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // EJS escapes on output (<%= %>); escaping here too would show &amp; to the user.
  interpolation: { escapeValue: false },
  returnNull: false,
});

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function translator(lang: Language): TFunction {
  return i18n.getFixedT(lang);
}

/** Dates shown as the reader's language writes them; dates are stored as ISO text. */
export function dateFormatter(lang: Language) {
  return (value: string | null | undefined, format: 'date' | 'datetime' | 'long' = 'date'): string => {
    if (!value) return '';
    const d = dayjs(value);
    if (!d.isValid()) return '';
    const pattern = format === 'datetime' ? (lang === 'fr' ? 'D MMM YYYY à HH:mm' : 'MMM D, YYYY h:mm A') : format === 'long' ? (lang === 'fr' ? 'dddd D MMMM YYYY' : 'dddd, MMMM D, YYYY') : (lang === 'fr' ? 'D MMM YYYY' : 'MMM D, YYYY');
    return d.locale(lang).format(pattern);
  };
}

/** Country names come from the runtime's CLDR data, in the reader's language. */
export function countryNamer(lang: Language) {
  const names = new Intl.DisplayNames([lang], { type: 'region' });
  return (code: string | null | undefined): string => {
    if (!code) return '';
    try {
      return names.of(code.toUpperCase()) ?? code;
    } catch {
      return code;
    }
  };
}

/** The language is the one the person chose (cookie), else the one on their account, else French. */
export const languageMiddleware: RequestHandler = (req, res, next) => {
  const fromCookie = req.cookies?.[LANGUAGE_COOKIE];
  const fromUser = req.user?.locale;
  const lang: Language = isLanguage(fromCookie) ? fromCookie : isLanguage(fromUser) ? fromUser : DEFAULT_LANGUAGE;
  req.lang = lang;
  req.t = translator(lang);
  res.locals.lang = lang;
  res.locals.t = req.t;
  res.locals.formatDate = dateFormatter(lang);
  res.locals.countryName = countryNamer(lang);
  next();
};
