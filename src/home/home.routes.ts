import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { agendaFor } from './home.js';

/** Everyone lands where their day starts: workers and directors on what needs them now. */
export function homeRoutes(db: Db): Router {
  const router = Router();
  router.get('/', requireSignedIn, async (req, res) => {
    const user = req.user!;
    if (user.role === 'admin') return res.redirect(303, '/admin/users');
    // A youth's day starts on their own journey: their group's phase, sessions, papers and before/after.
    if (user.role === 'youth') return res.redirect(303, '/me');
    const agenda = await agendaFor(db, user);
    res.render('home/index', { title: res.locals.t('home.title'), agenda });
  });
  return router;
}
