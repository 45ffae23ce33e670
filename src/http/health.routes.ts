import { Router } from 'express';
import type { Db } from '../db/knex.js';

/** For load balancers: 200 when this instance can reach its database, 503 when it cannot. */
export function healthRoutes(db: Db): Router {
  const router = Router();
  router.get('/healthz', async (_req, res) => {
    try {
      await db.raw('select 1');
      res.set('Cache-Control', 'no-store').json({ status: 'ok' });
    } catch {
      res.status(503).set('Cache-Control', 'no-store').json({ status: 'unavailable', reason: 'database' });
    }
  });
  return router;
}
