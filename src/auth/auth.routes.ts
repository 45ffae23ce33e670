import { Router, type Request, type Response } from 'express';
import type { AppPassport } from './passport.js';
import { ipKeyGenerator } from 'express-rate-limit';
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
import { backoffRule, FailedAttempts, windowRule } from './failed-attempts.js';

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

/** "15 secondes", "2 minutes": how long a person has to wait, in words they read at a glance. */
function describeWait(t: Response['locals']['t'], ms: number): string {
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? t('auth.waitSeconds', { count: seconds }) : t('auth.waitMinutes', { count: Math.ceil(seconds / 60) });
}

/** Failed sign-ins allowed per address across all accounts, as a multiple of the per-account limit. */
export const ADDRESS_CEILING_FACTOR = 5;

export function authRoutes(db: Db, passport: AppPassport, opts: { maxFailures: number }): Router {
  const router = Router();

  const renderLogin = (res: Response, status: number, values: Record<string, string>, errors: FormErrors, errorValues = {}) =>
    res.status(status).render('auth/login', { title: res.locals.t('auth.signIn'), values, errors, errorValues });

  // Only failures count, per address and account name: a whole youth centre behind one address is not
  // kept out because one person mistypes, and one account cannot be guessed at leisure. The owner who
  // mistyped waits a little longer after each further failure, never a fixed quarter of an hour.
  const failedSignIns = backoffRule('sign-in', opts.maxFailures, { firstWaitMs: 15_000, longestWaitMs: 15 * 60_000, memoryMs: 24 * 3600_000 });
  // One address trying a few passwords on each of many accounts (password spraying) stays under the
  // per-account limit: a ceiling per address across accounts, high enough for a youth centre's shared line.
  const failedSignInsFromAddress = windowRule('sign-in-address', opts.maxFailures * ADDRESS_CEILING_FACTOR, 15 * 60_000);
  const failedCodes = windowRule('code-address', opts.maxFailures, 15 * 60_000);
  const attempts = new FailedAttempts(db);
  const address = (req: Request) => ipKeyGenerator(req.ip ?? '');

  const tooManyAttempts = (res: Response, retryAfterMs: number) => {
    res.set('Retry-After', String(Math.ceil(retryAfterMs / 1000)));
    return { errors: { _form: 'auth.tooManyAttempts' }, errorValues: { wait: describeWait(res.locals.t, retryAfterMs) } };
  };

  router.get('/login', async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    // A brand-new installation has no one to sign in as: send the first visitor to create the admin.
    if ((await countUsers(db)) === 0) return res.redirect(303, '/setup');
    renderLogin(res, 200, {}, {});
  });

  router.post('/login', async (req, res, next) => {
    const form = parseForm(SignInForm, req.body);
    if (!form.ok) return renderLogin(res, 422, keptInput(req.body), form.errors);
    const refuse = (retryAfterMs: number) => {
      const { errors, errorValues } = tooManyAttempts(res, retryAfterMs);
      renderLogin(res, 429, keptInput(req.body), errors, errorValues);
    };
    const fromAddress = await attempts.claim(failedSignInsFromAddress, address(req));
    if (!fromAddress.ok) return refuse(fromAddress.retryAfterMs);
    const forAccount = await attempts.claim(failedSignIns, `${address(req)}|${form.data.login.toLowerCase()}`);
    if (!forAccount.ok) {
      // No password was tried: the address is not charged for it.
      await fromAddress.release();
      return refuse(forAccount.retryAfterMs);
    }
    passport.authenticate('local', async (err: unknown, user: Express.User | false) => {
      try {
        if (err) return next(err);
        if (!user) return renderLogin(res, 401, keptInput(req.body), { _form: 'auth.badCredentials' });
        await Promise.all([fromAddress.release(), forAccount.release()]);
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

  // A code opens an account of a minor: the page says whether it works (counted like a failed sign-in
  // when it does not) but names nobody until the youth has chosen a username and password with it.
  router.get('/redeem', async (req, res) => {
    // The language switch goes back to this address: it must not carry the code on.
    res.locals.currentPath = '/redeem';
    const render = (status: number, page: { code?: string; codeKnown?: boolean; errors?: FormErrors; errorValues?: object }) =>
      res.status(status).render('auth/redeem', {
        title: res.locals.t('auth.redeemTitle'),
        values: page.code ? { code: page.code } : {},
        codeKnown: page.codeKnown ?? false,
        errors: page.errors ?? {},
        errorValues: page.errorValues ?? {},
      });
    const code = typeof req.query.code === 'string' ? req.query.code.trim().slice(0, 20) : '';
    if (!code) return render(200, {});
    const claim = await attempts.claim(failedCodes, address(req));
    if (!claim.ok) return render(429, tooManyAttempts(res, claim.retryAfterMs));
    if (!(await findRedeemable(db, code))) return render(200, { code, errors: { code: 'auth.codeInvalid' } });
    await claim.release();
    render(200, { code, codeKnown: true });
  });

  router.post('/redeem', async (req, res) => {
    // codeKnown: the code was found good, so the form keeps carrying it hidden.
    const render = (status: number, errors: FormErrors, errorValues = {}, codeKnown = false) =>
      res.status(status).render('auth/redeem', { title: res.locals.t('auth.redeemTitle'), values: keptInput(req.body), errors, errorValues, codeKnown });
    const form = parseForm(RedeemForm, req.body);
    if (!form.ok) return render(422, form.errors);
    const claim = await attempts.claim(failedCodes, address(req));
    if (!claim.ok) {
      const { errors, errorValues } = tooManyAttempts(res, claim.retryAfterMs);
      return render(429, errors, errorValues);
    }
    let user;
    try {
      user = await redeemCode(db, form.data.code, form.data.username, form.data.password);
      await claim.release();
      await signIn(req, toSessionUser(user));
    } catch (err) {
      if (err instanceof CodeNotRedeemableError) return render(422, { code: 'auth.codeInvalid' });
      if (err instanceof DuplicateAccountError) {
        // The code was good, only the username was taken: no guess to count.
        await claim.release();
        return render(422, { username: 'validation.usernameTaken' }, {}, true);
      }
      throw err;
    }
    // Only now, with the account theirs, may the page say whose it is.
    flash(req, 'notice', 'auth.welcome', { name: user.display_name });
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
