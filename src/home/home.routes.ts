import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn, signedIn } from '../auth/guards.js';
import { wantsMorningEmail } from '../outbox/morning-email.js';
import { agendaFor, FIRST_LINES, sectionShownWhole, startPageFor } from './home.js';

/** Everyone lands where their day starts: workers and directors on what needs them now. */
export function homeRoutes(db: Db): Router {
  const router = Router();
  router.get('/', requireSignedIn, async (req, res) => {
    const user = signedIn(req);
    const elsewhere = startPageFor(user);
    if (elsewhere) return res.redirect(303, elsewhere);
    const [agenda, morningEmail] = await Promise.all([agendaFor(db, user), wantsMorningEmail(db, user.id)]);
    res.render('home/index', { title: res.locals.t('home.title'), agenda, whole: sectionShownWhole(req.query.all), firstLines: FIRST_LINES, morningEmail });
  });
  return router;
}
