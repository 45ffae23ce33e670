import { Router, type Response } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { issueCode, pendingCode } from '../auth/one-time-code.js';
import type { KnexSessionStore } from '../auth/session-store.js';
import { rememberCodeToShow, renderCodeSheet } from '../auth/code-sheet.js';
import { flash } from '../http/flash.js';
import { submitForm } from '../http/forms.js';
import type { FormErrors } from '../http/validation.js';
import { accountFor } from './scope.js';
import { AccountPreferencesForm, createAccount, listAccounts, NewAccountForm, ROLES, setActive, type Role } from './user.js';
import { setMorningEmail, wantsMorningEmail } from '../outbox/morning-email.js';

export function usersRoutes(db: Db, sessions: KnexSessionStore, config: Config): Router {
  const router = Router();
  const admin = [requireSignedIn, requireCan('manageAccounts')];

  // The signed-in person's own account: for now the morning e-mail, off until they tick it.
  const renderAccount = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('users/account', { title: res.locals.t('users.account.title'), values, errors, at: config.outbox.morningEmailAt });

  router.get('/account', requireSignedIn, requireCan('chooseMorningEmail'), async (req, res) => {
    renderAccount(res, 200, (await wantsMorningEmail(db, signedIn(req).id)) ? { morningEmail: 'yes' } : {}, {});
  });

  router.post('/account', requireSignedIn, requireCan('chooseMorningEmail'), async (req, res) => {
    const posted = await submitForm(req, AccountPreferencesForm, (f) => setMorningEmail(db, signedIn(req).id, f.morningEmail === 'yes'), (again) =>
      renderAccount(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    flash(req, 'notice', posted.data.morningEmail === 'yes' ? 'users.account.on' : 'users.account.off', { at: config.outbox.morningEmailAt });
    res.redirect(303, '/account');
  });

  router.get('/admin/users', ...admin, async (req, res) => {
    const role = (ROLES as readonly string[]).includes(String(req.query.role)) ? (req.query.role as Role) : undefined;
    const accounts = await listAccounts(db, signedIn(req).structureId, { role });
    res.render('users/index', { title: res.locals.t('users.title'), accounts, role, roles: ROLES });
  });

  const renderNew = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('users/new', { title: res.locals.t('users.new'), values, errors, roles: ROLES });

  router.get('/admin/users/new', ...admin, (_req, res) => {
    renderNew(res, 200, { role: 'worker' }, {});
  });

  router.post('/admin/users', ...admin, async (req, res) => {
    const posted = await submitForm(req, NewAccountForm, (f) => createAccount(db, f, { structureId: signedIn(req).structureId }), (again) =>
      renderNew(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    const account = posted.result;
    // A youth's account has no password yet: it is opened with the one-time code on the sheet shown next.
    if (account.role === 'youth') {
      rememberCodeToShow(req, account.id, await issueCode(db, account.id, signedIn(req).id));
      return res.redirect(303, `/admin/users/${account.id}/code`);
    }
    flash(req, 'notice', 'users.created');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/deactivate', ...admin, async (req, res) => {
    const { account } = await accountFor(db, req, 'deactivateAccount');
    await setActive(db, account.id, false);
    await sessions.destroyForUser(account.id);
    flash(req, 'notice', 'users.deactivated');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/activate', ...admin, async (req, res) => {
    const { account } = await accountFor(db, req);
    await setActive(db, account.id, true);
    flash(req, 'notice', 'users.activated');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/code', ...admin, async (req, res) => {
    const { user, account } = await accountFor(db, req, 'issueYouthCode');
    rememberCodeToShow(req, account.id, await issueCode(db, account.id, user.id));
    res.redirect(303, `/admin/users/${account.id}/code`);
  });

  router.get('/admin/users/:userId/code', ...admin, async (req, res) => {
    const { account } = await accountFor(db, req, 'issueYouthCode');
    const pending = await pendingCode(db, account.id);
    await renderCodeSheet(req, res, account, { backTo: '/admin/users', reissueAction: `/admin/users/${account.id}/code`, pending }, config.publicUrl);
  });

  return router;
}
