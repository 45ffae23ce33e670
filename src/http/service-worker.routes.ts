import path from 'node:path';
import { Router } from 'express';
import { ROOT } from '../config.js';

/**
 * The service worker, at the root so that its scope is the whole app (served from /assets/ it could only
 * see /assets/). Before sessions, as the assets: browsers ask for it at every navigation to check for a new
 * version, and `no-cache` makes that check reach the server (a day-old worker would keep a day-old policy).
 */
export function serviceWorkerRoutes(): Router {
  const router = Router();
  router.get('/sw.js', (_req, res) => {
    res.set('Cache-Control', 'no-cache').set('Service-Worker-Allowed', '/');
    res.type('text/javascript; charset=utf-8').sendFile(path.join(ROOT, 'public', 'sw.js'));
  });
  return router;
}
