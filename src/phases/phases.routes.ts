import { Router } from 'express';
import type { Db } from '../db/knex.js';

export function phasesRoutes(_db: Db): Router {
  const router = Router();
  return router;
}
