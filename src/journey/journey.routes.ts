import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { assessmentWording } from '../assessments/wording.js';
import { journeyOf } from './journey.js';

export function journeyRoutes(db: Db): Router {
  const router = Router();

  // A youth's home: GET / brings them here.
  router.get('/me', requireSignedIn, requireCan('viewJourney'), async (req, res) => {
    const groupParam = typeof req.query.group === 'string' ? req.query.group : undefined;
    const journey = await journeyOf(db, signedIn(req), groupParam);
    res.render('journey/show', {
      title: res.locals.t('journey.title'),
      journey: journey ?? null,
      w: assessmentWording(res.locals.lang),
    });
  });

  return router;
}
