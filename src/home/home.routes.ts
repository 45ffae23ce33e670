import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import { agendaFor, youthGroups } from './home.js';

/** Everyone lands where their day starts: workers and directors on what needs them now. */
export function homeRoutes(db: Db): Router {
  const router = Router();
  router.get('/', requireSignedIn, async (req, res) => {
    const user = req.user!;
    if (user.role === 'admin') return res.redirect(303, '/admin/users');
    if (user.role === 'youth') {
      const groups = await youthGroups(db, user);
      return res.redirect(303, groups.length === 1 ? `/groups/${groups[0]!.id}` : '/groups');
    }
    const agenda = await agendaFor(db, user);
    res.render('home/index', { title: res.locals.t('home.title'), agenda });
  });
  return router;
}
