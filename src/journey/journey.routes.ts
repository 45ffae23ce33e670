import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { assessmentWording } from '../assessments/wording.js';
import { journeyOf } from './journey.js';
import { VersionedCache } from '../db/data-version.js';

export function journeyRoutes(db: Db): Router {
  const router = Router();
  // A whole group opens its journeys at the same time (after a session, on the bus), between two writes:
  // each journey is kept until the data version changes (src/db/data-version.ts). Measured: README "Measuring".
  const journeys = new VersionedCache();

  // A youth's home: GET / brings them here.
  router.get('/me', requireSignedIn, requireCan('viewJourney'), async (req, res) => {
    const groupParam = typeof req.query.group === 'string' ? req.query.group : undefined;
    const journey = await journeyOf(db, signedIn(req), groupParam, journeys);
    res.render('journey/show', {
      title: res.locals.t('journey.title'),
      journey: journey ?? null,
      w: assessmentWording(res.locals.lang),
    });
  });

  return router;
}
