import type { Request, RequestHandler } from 'express';

/** A message for the next page, e.g. "Account created" after a redirect. */
export function flash(req: Request, kind: 'notice' | 'alert', message: string, values?: Record<string, string>): void {
  (req.session.flash ??= []).push({ kind, message, values });
}

// Messages are taken from the session only when a page is actually rendered, so a redirect on the way
// (e.g. / to /groups) does not swallow them; and only when there are some, so plain page views never
// cause a session write.
export const flashMiddleware: RequestHandler = (req, res, next) => {
  let taken: { kind: 'notice' | 'alert'; message: string; values?: Record<string, string> }[] | undefined;
  Object.defineProperty(res.locals, 'flash', {
    enumerable: true,
    configurable: true,
    get() {
      if (!taken) {
        taken = req.session?.flash ?? [];
        if (req.session?.flash) delete req.session.flash;
      }
      return taken;
    },
  });
  next();
};
