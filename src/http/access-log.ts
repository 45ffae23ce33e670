import type { RequestHandler } from 'express';

/**
 * One line per request (LOG_REQUESTS): when it ended, method, path, status, duration. Never the query
 * string: a one-time code or a token can ride in it. A route whose path itself holds a secret (the
 * calendar feed's token) names a stand-in in `res.locals.loggedPath`.
 */
export function accessLog(write: (line: string) => void): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    // 'close' also comes when the client goes away before the answer is complete.
    res.once('close', () => {
      const ms = Number((process.hrtime.bigint() - started) / 1_000_000n);
      const loggedPath = res.locals.loggedPath;
      const where = typeof loggedPath === 'string' ? loggedPath : req.originalUrl.split('?')[0];
      const status = res.writableFinished ? String(res.statusCode) : 'aborted';
      write(`${new Date().toISOString()} ${req.method} ${where} ${status} ${ms} ms`);
    });
    next();
  };
}

/** For a route whose path is itself a key (a link sent by SMS): the access log names `standIn` instead. */
export function secretPath(standIn: string): RequestHandler {
  return (_req, res, next) => {
    res.locals.loggedPath = standIn;
    next();
  };
}
