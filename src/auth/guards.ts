import type { Request, RequestHandler } from 'express';
import { can, type Action } from './permissions.js';
import { HttpError, forbidden } from '../http/errors.js';
import { rememberReturnPath } from './return-path.js';

/** Anonymous visitors of a page are sent to sign in and brought back afterwards. */
export const requireSignedIn: RequestHandler = (req, res, next) => {
  if (req.user) return next();
  if (req.method === 'GET') rememberReturnPath(req, res);
  res.redirect(303, '/login');
};

/** For questions that need no record (e.g. "may this user manage accounts?"). */
export function requireCan(action: Action): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(new HttpError(401));
    // The cast is safe: actions that need a record are checked in the handler with the loaded record.
    if (!(can as (u: Express.User, a: Action) => boolean)(req.user, action)) return next(forbidden());
    next();
  };
}

export function assertCan(allowed: boolean): void {
  if (!allowed) throw forbidden();
}

/** The signed-in user of a request that passed `requireSignedIn`: typed, with no `req.user!` in handlers. */
export function signedIn(req: Request): Express.User {
  if (!req.user) throw new HttpError(401);
  return req.user;
}
