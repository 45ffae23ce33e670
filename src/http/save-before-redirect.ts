import type { RequestHandler, Response } from 'express';

/**
 * express-session stores a changed session while the response is being sent, so a redirect's headers can
 * reach the browser before the store has written the session (expressjs/session#360). A browser follows a
 * redirect at once: on a busy database (PostgreSQL especially) the next page was read before the message
 * "Groupe créé" or a one-time code to show was stored, and the page showed neither. When a redirect carries one of those, the session is saved first; save() also
 * marks it as stored, so express-session does not write it a second time.
 */
export const saveSessionBeforeRedirect: RequestHandler = (req, res, next) => {
  const redirect = res.redirect.bind(res) as (...args: unknown[]) => void;
  res.redirect = ((...args: unknown[]) => {
    const s = req.session;
    if (!s || !(s.flash?.length || s.revealCode)) return redirect(...args);
    s.save((err) => (err ? next(err) : redirect(...args)));
  }) as Response['redirect'];
  next();
};
