import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { assessmentWording } from '../assessments/wording.js';
import { keptJourney } from './journey.js';
import { renderToKeep } from '../http/cached-html.js';
import { VersionedCache } from '../db/data-version.js';

export function journeyRoutes(db: Db): Router {
  const router = Router();
  // A whole group opens its journeys at the same time (after a session, on the bus), between two writes:
  // each journey is kept until the data version changes (src/db/data-version.ts). Measured: README "Measuring".
  const journeys = new VersionedCache();

  // A youth's home: GET / brings them here.
  router.get('/me', requireSignedIn, requireCan('viewJourney'), async (req, res) => {
    const groupParam = typeof req.query.group === 'string' ? req.query.group : undefined;
    const kept = await keptJourney(db, signedIn(req), groupParam, journeys, req);
    // The page's own part is kept with the journey, per language: rendering it was most of the page's
    // cost once the journey itself was kept.
    const body = kept
      ? await kept.at.get(JSON.stringify(['html', res.locals.lang, kept.key]), async () =>
          renderToKeep(res, 'journey/show-body', { journey: await kept.journey(), w: assessmentWording(res.locals.lang) }))
      : null;
    res.render('journey/show', { title: res.locals.t('journey.title'), body });
  });

  return router;
}
