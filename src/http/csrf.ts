import type { Request, RequestHandler } from 'express';
import { doubleCsrf } from 'csrf-csrf';

export const CSRF_FIELD = '_csrf';

/**
 * Double-submit tokens, bound to the session once the user is signed in. Anonymous visitors (sign-in,
 * first run, code redemption) get a token bound to the cookie alone, so that viewing the sign-in page does
 * not create a session row per visitor. Multipart forms carry the token in the query string, because the
 * body is only parsed later by the upload handler.
 */
export function createCsrf(secret: string, secureCookies: boolean) {
  const { doubleCsrfProtection, generateCsrfToken } = doubleCsrf({
    getSecret: () => secret,
    getSessionIdentifier: (req: Request) => (req.user ? req.sessionID : 'anonymous'),
    cookieName: secureCookies ? '__Host-tremplin.csrf' : 'tremplin.csrf',
    cookieOptions: { sameSite: 'lax', path: '/', secure: secureCookies, httpOnly: true },
    getCsrfTokenFromRequest: (req: Request) => {
      if (req.is('multipart/form-data')) return req.query[CSRF_FIELD] as string | undefined;
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') return header;
      return req.body?.[CSRF_FIELD];
    },
  });
  const exposeToken: RequestHandler = (req, res, next) => {
    res.locals.csrfToken = generateCsrfToken(req, res);
    next();
  };
  return { protect: doubleCsrfProtection, exposeToken };
}
