import { Router } from 'express';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, assertCan } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { listGroupYouths } from '../participants/participant.js';
import { loadVisibleGroup, listVisibleGroups, listWorkers, PHASES } from './group.js';

export function groupsRoutes(db: Db): Router {
  const router = Router();

  router.get('/groups', requireSignedIn, requireCan('listGroups'), async (req, res) => {
    const groups = await listVisibleGroups(db, req.user!);
    res.render('groups/index', { title: res.locals.t('groups.title'), groups, phases: PHASES });
  });

  router.get('/groups/:id', requireSignedIn, async (req, res) => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'viewGroup', group));
    const [workers, youths] = await Promise.all([listWorkers(db, group.id), listGroupYouths(db, group.id)]);
    res.render('groups/show', { title: group.name, group, workers, youths, phases: PHASES });
  });

  return router;
}
