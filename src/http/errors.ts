import type { ErrorRequestHandler, RequestHandler } from 'express';
import { DEFAULT_LANGUAGE, LANGUAGE_COOKIE, dateFormatter, isLanguage, translator, type Language } from './i18n.js';

export class HttpError extends Error {
  constructor(public readonly status: number, message?: string) {
    super(message ?? `HTTP ${status}`);
  }
}

export const notFound = (): HttpError => new HttpError(404);
export const forbidden = (): HttpError => new HttpError(403);

/** The record a URL names, looked up where the user may reach it; none there is a 404, whether it exists elsewhere or not. */
export function found<T>(record: T | null | undefined): T {
  if (record === null || record === undefined) throw notFound();
  return record;
}

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'ENOTFOUND', 'EPIPE',
  'SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_FULL',
  '57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006',
]);

/** The database cannot be reached right now: say so with a 503 rather than blame the request. */
export function isDatabaseUnavailable(err: unknown): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { code?: string; name?: string; message?: string };
  if (e.name === 'KnexTimeoutError') return true;
  if (e.code && UNAVAILABLE_CODES.has(e.code)) return true;
  return /Connection terminated|Client has encountered a connection error|database is locked/i.test(e.message ?? '');
}

function languageFromCookieHeader(header: string | undefined): Language {
  const m = new RegExp(`(?:^|;\\s*)${LANGUAGE_COOKIE}=([^;]*)`).exec(header ?? '');
  const value = m?.[1]?.trim();
  return isLanguage(value) ? value : DEFAULT_LANGUAGE;
}

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound());

export function errorHandler(log: (msg: string, err: unknown) => void): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let status = 500;
    if (err instanceof HttpError) status = err.status;
    else if (isDatabaseUnavailable(err)) status = 503;
    else if (err && typeof err === 'object' && 'code' in err && err.code === 'EBADCSRFTOKEN') status = 403;
    else if (err && typeof err === 'object' && typeof (err as { status?: unknown }).status === 'number') {
      const s = (err as { status: number }).status;
      status = s >= 400 && s < 600 ? s : 500;
    }
    if (status >= 500) log(`${req.method} ${req.originalUrl} -> ${status}`, err);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    const view = status === 404 ? 'errors/404' : status === 403 ? 'errors/403' : status === 408 ? 'errors/408' : status === 503 ? 'errors/503'
      : status === 507 ? 'errors/507' : status < 500 ? 'errors/400' : 'errors/500';
    if (status === 503) {
      res.set('Retry-After', '10');
      // express-session would otherwise try to write the session again as the page goes out: one more
      // wait for the same dead database before the 503 reaches the browser, and an error logged after it.
      if (isDatabaseUnavailable(err)) (req as { session?: unknown }).session = undefined;
    }
    res.status(status);
    // The error page must render even when the failure came before the page locals were set (the session
    // store, which runs before the language is chosen, is the first to notice a dead database).
    const lang = res.locals.lang ?? languageFromCookieHeader(req.headers.cookie);
    res.locals.t ??= translator(lang);
    res.locals.lang ??= lang;
    res.locals.formatDate ??= dateFormatter(lang);
    res.locals.flash ??= [];
    res.locals.currentPath ??= req.originalUrl;
    res.locals.csrfToken ??= '';
    res.locals.user ??= null;
    const titleKey = status === 507 ? 'storage.full.title' : `errors.${status}.title`;
    res.render(view, { title: res.locals.t(titleKey, { defaultValue: String(status) }), status }, (renderErr: Error | null, html?: string) => {
      if (renderErr) {
        log('error page failed to render', renderErr);
        res.type('text/plain').send(`${status}`);
        return;
      }
      res.send(html);
    });
  };
}
