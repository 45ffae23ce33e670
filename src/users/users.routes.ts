import { Router } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, assertCan } from '../auth/guards.js';
import { can } from '../auth/permissions.js';
import { issueCode, pendingCode } from '../auth/one-time-code.js';
import type { KnexSessionStore } from '../auth/session-store.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { rememberCodeToShow, renderCodeSheet } from '../auth/code-sheet.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm } from '../http/validation.js';
import { createAccount, DuplicateAccountError, findById, listAccounts, NewAccountForm, ROLES, setActive, type Role } from './user.js';

async function loadAccount(db: Db, id: string | string[] | undefined) {
  const account = await findById(db, parseId(id));
  if (!account) throw notFound();
  return account;
}

export function usersRoutes(db: Db, sessions: KnexSessionStore, config: Config): Router {
  const router = Router();
  const admin = [requireSignedIn, requireCan('manageAccounts')];

  router.get('/admin/users', ...admin, async (req, res) => {
    const role = ROLES.includes(req.query.role as Role) ? (req.query.role as Role) : undefined;
    const accounts = await listAccounts(db, { role });
    res.render('users/index', { title: res.locals.t('users.title'), accounts, role, roles: ROLES });
  });

  router.get('/admin/users/new', ...admin, (_req, res) => {
    res.render('users/new', { title: res.locals.t('users.new'), values: { role: 'worker' }, errors: {}, roles: ROLES });
  });

  router.post('/admin/users', ...admin, async (req, res) => {
    const render = (errors: Record<string, string>) =>
      res.status(422).render('users/new', { title: res.locals.t('users.new'), values: keptInput(req.body), errors, roles: ROLES });
    const form = parseForm(NewAccountForm, req.body);
    if (!form.ok) return render(form.errors);
    let account;
    try {
      account = await createAccount(db, form.data);
    } catch (err) {
      if (err instanceof DuplicateAccountError) return render({ email: 'validation.emailTaken' });
      throw err;
    }
    if (account.role === 'youth') {
      rememberCodeToShow(req, account.id, await issueCode(db, account.id, req.user!.id));
      return res.redirect(303, `/admin/users/${account.id}/code`);
    }
    flash(req, 'notice', 'users.created');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/deactivate', ...admin, async (req, res) => {
    const account = await loadAccount(db, req.params.userId);
    assertCan(can(req.user, 'deactivateAccount', account));
    await setActive(db, account.id, false);
    await sessions.destroyForUser(account.id);
    flash(req, 'notice', 'users.deactivated');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/activate', ...admin, async (req, res) => {
    const account = await loadAccount(db, req.params.userId);
    await setActive(db, account.id, true);
    flash(req, 'notice', 'users.activated');
    res.redirect(303, '/admin/users');
  });

  router.post('/admin/users/:userId/code', ...admin, async (req, res) => {
    const account = await loadAccount(db, req.params.userId);
    assertCan(can(req.user, 'issueYouthCode', account));
    rememberCodeToShow(req, account.id, await issueCode(db, account.id, req.user!.id));
    res.redirect(303, `/admin/users/${account.id}/code`);
  });

  router.get('/admin/users/:userId/code', ...admin, async (req, res) => {
    const account = await loadAccount(db, req.params.userId);
    assertCan(can(req.user, 'issueYouthCode', account));
    res.locals.pending = await pendingCode(db, account.id);
    await renderCodeSheet(req, res, account, { backTo: '/admin/users', reissueAction: `/admin/users/${account.id}/code` }, config.publicUrl);
  });

  return router;
}
