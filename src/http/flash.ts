import type { Request, RequestHandler } from 'express';

/** A message for the next page, e.g. "Account created" after a redirect. */
export function flash(req: Request, kind: 'notice' | 'alert', message: string): void {
  (req.session.flash ??= []).push({ kind, message });
}

// Reading the flash only touches the session when there is something to show, so plain page views
// never cause a session write.
export const flashMiddleware: RequestHandler = (req, res, next) => {
  const messages = req.session?.flash;
  res.locals.flash = messages ?? [];
  if (messages) delete req.session.flash;
  next();
};
