import { Router } from 'express';
import type { Db } from '../db/knex.js';

export function meetingsRoutes(_db: Db): Router {
  const router = Router();
  return router;
}
