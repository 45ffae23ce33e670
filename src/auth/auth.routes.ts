import { Router, type Request, type Response } from 'express';
import type { AppPassport } from './passport.js';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { keptInput, parseForm, type FormErrors } from '../http/validation.js';
import { isLanguage, LANGUAGE_COOKIE } from '../http/i18n.js';
import {
  countUsers, createAccount, DuplicateAccountError, FirstAdminForm, password, setLocale, toSessionUser, username,
} from '../users/user.js';
import { CodeNotRedeemableError, findRedeemable, redeemCode } from './one-time-code.js';
import { safeReturnPath, takeReturnPath } from './return-path.js';

function signIn(req: Request, user: Express.User): Promise<void> {
  // passport.logIn regenerates the session: a session id known before sign-in is worthless after it.
  return new Promise((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));
}

const SignInForm = z.object({
  login: z.string().trim().min(1, { message: 'validation.required' }).max(254, { message: 'validation.tooLong' }),
  password: z.string().min(1, { message: 'validation.required' }).max(200, { message: 'validation.tooLong' }),
});

const RedeemForm = z
  .object({
    code: z.string().trim().min(1, { message: 'validation.required' }).max(20, { message: 'validation.tooLong' }),
    username,
    password,
    passwordConfirm: z.string(),
  })
  .refine((f) => f.password === f.passwordConfirm, { message: 'validation.passwordsDiffer', path: ['passwordConfirm'] });

/** Failed sign-ins allowed per address across all accounts, as a multiple of the per-account limit. */
export const ADDRESS_CEILING_FACTOR = 5;

export function authRoutes(db: Db, passport: AppPassport, opts: { maxFailures: number }): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('auth/login', { title: res.locals.t('auth.signIn'), values, errors });

  // Only failed attempts count, per address and account name: a whole youth centre behind one address
  // is not locked out because one person mistypes, and one account cannot be guessed at leisure.
  const failedSignIns = rateLimit({
    windowMs: 15 * 60_000,
    limit: opts.maxFailures,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => `${ipKeyGenerator(req.ip ?? '')}|${String(req.body?.login ?? '').trim().toLowerCase()}`,
    handler: (req, res) => renderLogin(res, 429, keptInput(req.body), { _form: 'auth.tooManyAttempts' }),
  });
  // One address trying a few passwords on each of many accounts (password spraying) stays under the
  // per-account limit: a ceiling per address across accounts, high enough for a youth centre's shared line.
  const failedSignInsFromAddress = rateLimit({
    windowMs: 15 * 60_000,
    limit: opts.maxFailures * ADDRESS_CEILING_FACTOR,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (req, res) => renderLogin(res, 429, keptInput(req.body), { _form: 'auth.tooManyAttempts' }),
  });
  const codeAttempts = rateLimit({
    windowMs: 15 * 60_000,
    limit: opts.maxFailures,
    skipSuccessfulRequests: true,
    keyGenerator: (req) => ipKeyGenerator(req.ip ?? ''),
    handler: (req, res) =>
      res.status(429).render('auth/redeem', { title: res.locals.t('auth.redeemTitle'), values: keptInput(req.body), errors: { _form: 'auth.tooManyAttempts' } }),
  });

  router.get('/login', async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    // A brand-new installation has no one to sign in as: send the first visitor to create the admin.
    if ((await countUsers(db)) === 0) return res.redirect(303, '/setup');
    renderLogin(res, 200, {}, {});
  });

  router.post('/login', failedSignInsFromAddress, failedSignIns, (req, res, next) => {
    const form = parseForm(SignInForm, req.body);
    if (!form.ok) return renderLogin(res, 422, keptInput(req.body), form.errors);
    passport.authenticate('local', async (err: unknown, user: Express.User | false) => {
      try {
        if (err) return next(err);
        if (!user) return renderLogin(res, 401, keptInput(req.body), { _form: 'auth.badCredentials' });
        const returnTo = takeReturnPath(req, res);
        await signIn(req, user);
        res.redirect(303, returnTo);
      } catch (e) {
        next(e);
      }
    })(req, res, next);
  });

  router.post('/logout', (req, res, next) => {
    const end = () =>
      req.session.destroy((destroyErr) => {
        if (destroyErr) return next(destroyErr);
        res.clearCookie('tremplin.sid');
        res.redirect(303, '/login');
      });
    // Passport's logout saves the session before regenerating it: for a visitor who is not signed in that
    // would store a session only to delete it again.
    if (!req.user) return end();
    req.logout((err) => (err ? next(err) : end()));
  });

  router.get('/setup', async (_req, res) => {
    if ((await countUsers(db)) > 0) throw notFound();
    res.render('auth/setup', { title: res.locals.t('auth.setupTitle'), values: {}, errors: {} });
  });

  router.post('/setup', async (req, res) => {
    // Once any account exists this page is gone: nobody can use it to make themselves admin.
    if ((await countUsers(db)) > 0) throw notFound();
    const render = (status: number, errors: FormErrors) =>
      res.status(status).render('auth/setup', { title: res.locals.t('auth.setupTitle'), values: keptInput(req.body), errors });
    const form = parseForm(FirstAdminForm, req.body);
    if (!form.ok) return render(422, form.errors);
    try {
      const admin = await createAccount(db, { role: 'admin', ...form.data });
      await signIn(req, toSessionUser(admin));
    } catch (err) {
      if (err instanceof DuplicateAccountError) return render(422, { email: 'validation.emailTaken' });
      throw err;
    }
    flash(req, 'notice', 'auth.setupDone');
    res.redirect(303, '/admin/users');
  });

  router.get('/redeem', async (req, res) => {
    const code = typeof req.query.code === 'string' ? req.query.code : '';
    const account = code ? await findRedeemable(db, code) : undefined;
    res.render('auth/redeem', {
      title: res.locals.t('auth.redeemTitle'),
      values: { code },
      greeting: account?.display_name,
      errors: code && !account ? { code: 'auth.codeInvalid' } : {},
    });
  });

  router.post('/redeem', codeAttempts, async (req, res) => {
    const render = (status: number, errors: FormErrors) =>
      res.status(status).render('auth/redeem', { title: res.locals.t('auth.redeemTitle'), values: keptInput(req.body), errors });
    const form = parseForm(RedeemForm, req.body);
    if (!form.ok) return render(422, form.errors);
    try {
      const user = await redeemCode(db, form.data.code, form.data.username, form.data.password);
      await signIn(req, toSessionUser(user));
    } catch (err) {
      if (err instanceof CodeNotRedeemableError) return render(422, { code: 'auth.codeInvalid' });
      if (err instanceof DuplicateAccountError) return render(422, { username: 'validation.usernameTaken' });
      throw err;
    }
    flash(req, 'notice', 'auth.welcome');
    res.redirect(303, '/');
  });

  router.post('/lang', async (req, res) => {
    const lang = req.body?.lang;
    if (isLanguage(lang)) {
      res.cookie(LANGUAGE_COOKIE, lang, { maxAge: 365 * 86400_000, sameSite: 'lax', httpOnly: true, secure: req.secure });
      if (req.user) await setLocale(db, req.user.id, lang);
    }
    res.redirect(303, safeReturnPath(req.body?.returnTo));
  });

  return router;
}
