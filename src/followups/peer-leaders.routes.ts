import { Router, type Request, type Response } from 'express';
import type { Db } from '../db/knex.js';
import { assertCan, requireSignedIn } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { loadVisibleGroup, type ScopedGroup } from '../groups/group.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { enrolPeerLeader, GROUP_OPEN_TO_PEER_LEADERS, peerLeaderCandidates, PeerLeaderForm, PeerLeaderRefused } from './peer-leaders.js';

export function peerLeadersRoutes(db: Db): Router {
  const router = Router();

  const groupFor = async (req: Request): Promise<ScopedGroup> => {
    const group = await loadVisibleGroup(db, req.user!, req.params.id);
    assertCan(can(req.user, 'enrolPeerLeader', group));
    return group;
  };

  const renderNew = async (req: Request, res: Response, group: ScopedGroup, values: Record<string, string>, errors: FormErrors, status = 200) =>
    res.status(status).render('followups/peer-leader', {
      title: res.locals.t('followups.peerLeader.title'),
      group, values, errors,
      open: GROUP_OPEN_TO_PEER_LEADERS.includes(group.phase),
      candidates: await peerLeaderCandidates(db, req.user!, group.id),
    });

  // ?youth= comes from the youth's file page: that youth is chosen already.
  router.get('/groups/:id/peer-leaders/new', requireSignedIn, async (req, res) => {
    const group = await groupFor(req);
    const youth = typeof req.query.youth === 'string' && /^\d{1,12}$/.test(req.query.youth) ? req.query.youth : '';
    await renderNew(req, res, group, { youthId: youth }, {});
  });

  router.post('/groups/:id/peer-leaders', requireSignedIn, async (req, res) => {
    const group = await groupFor(req);
    const form = parseForm(PeerLeaderForm, req.body);
    if (!form.ok) return renderNew(req, res, group, keptInput(req.body), form.errors, 422);
    let enrolmentId: number;
    try {
      enrolmentId = await enrolPeerLeader(db, req.user!, group, form.data.youthId);
    } catch (err) {
      if (err instanceof PeerLeaderRefused) return renderNew(req, res, group, keptInput(req.body), { youthId: err.messageKey }, 422);
      throw err;
    }
    flash(req, 'notice', 'followups.peerLeader.done');
    res.redirect(303, `/groups/${group.id}/youths/${enrolmentId}`);
  });

  return router;
}
