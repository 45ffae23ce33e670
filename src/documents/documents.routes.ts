import { Router } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';

export function documentsRoutes(_db: Db, _config: Config): Router {
  const router = Router();
  return router;
}
