import type { RequestHandler } from 'express';

/**
 * Behind a reverse proxy without TRUST_PROXY, every visitor has the proxy's address: the limits on failed
 * sign-ins per address are then shared by everyone, and a few dozen wrong passwords from anybody make
 * every user wait. The app cannot tell at start-up whether it is behind a proxy; the first request that
 * carries X-Forwarded-For tells it, and it says so once (one app per process, so once per process).
 */
export function warnOnceAboutUntrustedProxy(log: (msg: string) => void): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    if (!warned && req.headers['x-forwarded-for'] !== undefined) {
      warned = true;
      log(
        'requests arrive through a proxy (they carry X-Forwarded-For) but TRUST_PROXY is not set: every visitor ' +
          'seems to come from the proxy, so the sign-in limits per address are shared by all users and anyone ' +
          'can make everyone wait. Set TRUST_PROXY=1 (or the addresses of the proxies).',
      );
    }
    next();
  };
}
