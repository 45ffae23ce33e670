import { Router, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { requireSignedIn } from '../auth/guards.js';
import type { ScopedGroup } from '../groups/group.js';
import { groupFor } from '../groups/scope.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { paths } from '../http/paths.js';
import { enrolPeerLeader, isOpenToPeerLeaders, peerLeaderCandidates, PeerLeaderForm } from './peer-leaders.js';

export function peerLeadersRoutes(db: Db): Router {
  const router = Router();

  const renderNew = async (res: Response, user: Express.User, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('followups/peer-leader', {
      title: res.locals.t('followups.peerLeader.title'),
      group, values, errors,
      open: isOpenToPeerLeaders(group),
      candidates: await peerLeaderCandidates(db, user, group.id),
    });

  // ?youth= comes from the youth's file page: that youth is chosen already.
  router.get('/groups/:id/peer-leaders/new', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'enrolPeerLeader');
    const youth = typeof req.query.youth === 'string' && /^\d{1,12}$/.test(req.query.youth) ? req.query.youth : '';
    await renderNew(res, user, group, { youthId: youth }, {});
  });

  router.post('/groups/:id/peer-leaders', requireSignedIn, async (req, res) => {
    const { user, group } = await groupFor(db, req, 'enrolPeerLeader');
    const posted = await submitForm(req, PeerLeaderForm, (f) => enrolPeerLeader(db, user, group, f.youthId), (again) =>
      renderNew(res, user, group, again.values, again.errors, again.status));
    if (!posted.ok) return;
    flash(req, 'notice', 'followups.peerLeader.done');
    res.redirect(303, paths.groupYouth(group.id, posted.result));
  });

  return router;
}
