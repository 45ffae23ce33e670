import type { Request, Response } from 'express';

// The page an anonymous visitor asked for travels in a small signed cookie rather than in a session: a
// session per visitor would let anyone grow the sessions table by requesting pages without cookies.
const COOKIE = 'tremplin.return';
/** Longer addresses are not remembered (the visitor lands on the home page), so the cookie stays small. */
export const RETURN_PATH_MAX_LENGTH = 512;
const REMEMBERED_MS = 30 * 60_000;

/**
 * Only paths of this site: an open redirect would let a phishing link borrow our sign-in page. Browsers
 * read a backslash as a slash and drop tabs and line breaks, so "/\t/evil.example" would leave the site.
 */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' && /^\/(?!\/)/.test(value) && !/[\u0000-\u001f\u007f\\]/.test(value) ? value : '/';
}

export function rememberReturnPath(req: Request, res: Response): void {
  const path = req.originalUrl;
  if (path.length <= RETURN_PATH_MAX_LENGTH && safeReturnPath(path) === path) {
    res.cookie(COOKIE, path, { signed: true, httpOnly: true, sameSite: 'lax', secure: req.secure, maxAge: REMEMBERED_MS, path: '/' });
  } else if (req.signedCookies?.[COOKIE] !== undefined) {
    // An older page must not be the one reached after signing in instead of this one.
    res.clearCookie(COOKIE, { path: '/' });
  }
}

/** Where to go once signed in; the cookie is spent, so a later sign-in starts from the home page. */
export function takeReturnPath(req: Request, res: Response): string {
  const signed: unknown = req.signedCookies?.[COOKIE];
  if (signed !== undefined || req.cookies?.[COOKIE] !== undefined) res.clearCookie(COOKIE, { path: '/' });
  // A value whose signature does not match comes back as false, and an unsigned one not at all.
  return safeReturnPath(signed);
}
