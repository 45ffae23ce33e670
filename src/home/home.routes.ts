import { Router } from 'express';
import { requireSignedIn } from '../auth/guards.js';

/** Everyone lands where their day starts: admins on accounts, everyone else on their groups. */
export function homeRoutes(): Router {
  const router = Router();
  router.get('/', requireSignedIn, (req, res) => {
    res.redirect(303, req.user!.role === 'admin' ? '/admin/users' : '/groups');
  });
  return router;
}
