import { Router, type Request, type Response } from 'express';
import type { AppPassport } from './passport.js';
import { ipKeyGenerator } from 'express-rate-limit';
import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { notFound } from '../http/errors.js';
import { flash } from '../http/flash.js';
import { submitForm, type FormAgain } from '../http/forms.js';
import { isRefusal, Refusal } from '../http/refusal.js';
import type { FormErrors } from '../http/validation.js';
import { isLanguage, LANGUAGE_COOKIE } from '../http/i18n.js';
import { countUsers, createAccount, FirstAdminForm, password, setLocale, toSessionUser, username } from '../users/user.js';
import { findRedeemable, redeemCode } from './one-time-code.js';
import { safeReturnPath, takeReturnPath } from './return-path.js';
import { backoffRule, FailedAttempts, windowRule, type AttemptRule } from './failed-attempts.js';

function signIn(req: Request, user: Express.User): Promise<void> {
  // passport.logIn regenerates the session: a session id known before sign-in is worthless after it.
  return new Promise((resolve, reject) => req.logIn(user, (err) => (err ? reject(err) : resolve())));
}

/** The account whose login and password the request carries, or false. */
function authenticate(passport: AppPassport, req: Request, res: Response): Promise<Express.User | false> {
  return new Promise((resolve, reject) => {
    passport.authenticate('local', (err: unknown, user: Express.User | false) => (err ? reject(err) : resolve(user)))(req, res, reject);
  });
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

/** Why a try was refused before it was made: how long until the next one. */
interface TooSoon {
  retryAfterMs: number;
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

  /** A try the rule still allows, to be released if it turns out no guess; otherwise a 429 Refusal saying how long to wait. */
  const claimTry = async (rule: AttemptRule, subject: string) => {
    const claim = await attempts.claim(rule, subject);
    if (!claim.ok) throw new Refusal<TooSoon>('_form', 'auth.tooManyAttempts', 429, { retryAfterMs: claim.retryAfterMs });
    return claim;
  };

  /** A form page shown again: a refusal to try yet also says for how long (in words and in Retry-After). */
  const shownAgain = (res: Response, { status, errors, refusal }: FormAgain) => {
    const retryAfterMs = (refusal?.detail as TooSoon | undefined)?.retryAfterMs;
    return retryAfterMs === undefined ? { status, errors, errorValues: {} } : { status, ...tooManyAttempts(res, retryAfterMs) };
  };

  /** Sign-in: the address's and the account's tries, then the password; a failure stays counted. */
  const checkSignIn = async (req: Request, res: Response, login: string) => {
    const fromAddress = await claimTry(failedSignInsFromAddress, address(req));
    // No password is tried when the account is out of tries: the address is not charged for it.
    const forAccount = await claimTry(failedSignIns, `${address(req)}|${login.toLowerCase()}`).catch(async (err) => {
      await fromAddress.release();
      throw err;
    });
    const user = await authenticate(passport, req, res);
    if (!user) throw new Refusal('_form', 'auth.badCredentials', 401);
    await Promise.all([fromAddress.release(), forAccount.release()]);
    return user;
  };

  router.get('/login', async (req, res) => {
    if (req.user) return res.redirect(303, '/');
    // A brand-new installation has no one to sign in as: send the first visitor to create the admin.
    if ((await countUsers(db)) === 0) return res.redirect(303, '/setup');
    renderLogin(res, 200, {}, {});
  });

  router.post('/login', async (req, res) => {
    const posted = await submitForm(req, SignInForm, (f) => checkSignIn(req, res, f.login), (again) => {
      const page = shownAgain(res, again);
      renderLogin(res, page.status, again.values, page.errors, page.errorValues);
    });
    if (!posted.ok) return;
    const returnTo = takeReturnPath(req, res);
    await signIn(req, posted.result);
    res.redirect(303, returnTo);
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

  const renderSetup = (res: Response, status: number, values: Record<string, string>, errors: FormErrors) =>
    res.status(status).render('auth/setup', { title: res.locals.t('auth.setupTitle'), values, errors });

  router.get('/setup', async (_req, res) => {
    if ((await countUsers(db)) > 0) throw notFound();
    renderSetup(res, 200, {}, {});
  });

  router.post('/setup', async (req, res) => {
    // Once any account exists this page is gone: nobody can use it to make themselves admin.
    if ((await countUsers(db)) > 0) throw notFound();
    // The first account belongs to no structure: it is the platform's, and opens the structures.
    const posted = await submitForm(req, FirstAdminForm, (f) => createAccount(db, { role: 'platform_admin', ...f }), (again) =>
      renderSetup(res, again.status, again.values, again.errors));
    if (!posted.ok) return;
    await signIn(req, toSessionUser(posted.result));
    flash(req, 'notice', 'auth.setupDone');
    res.redirect(303, '/platform');
  });

  // codeKnown: the code was found good, so the form keeps carrying it hidden.
  const renderRedeem = (res: Response, status: number, page: { values?: Record<string, string>; codeKnown?: boolean; errors?: FormErrors; errorValues?: object }) =>
    res.status(status).render('auth/redeem', {
      title: res.locals.t('auth.redeemTitle'), values: page.values ?? {}, codeKnown: page.codeKnown ?? false, errors: page.errors ?? {}, errorValues: page.errorValues ?? {},
    });

  // A code opens an account of a minor: the page says whether it works (counted like a failed sign-in
  // when it does not) but names nobody until the youth has chosen a username and password with it.
  router.get('/redeem', async (req, res) => {
    // The language switch goes back to this address: it must not carry the code on.
    res.locals.currentPath = '/redeem';
    const code = typeof req.query.code === 'string' ? req.query.code.trim().slice(0, 20) : '';
    if (!code) return renderRedeem(res, 200, {});
    const claim = await attempts.claim(failedCodes, address(req));
    if (!claim.ok) return renderRedeem(res, 429, tooManyAttempts(res, claim.retryAfterMs));
    if (!(await findRedeemable(db, code))) return renderRedeem(res, 200, { values: { code }, errors: { code: 'auth.codeInvalid' } });
    await claim.release();
    renderRedeem(res, 200, { values: { code }, codeKnown: true });
  });

  /** Only a refusal of the username comes after the code was found good. */
  const codeWasGood = (refusal: unknown) => isRefusal(refusal) && refusal.field === 'username';

  /** A code tried from an address counts as a guess, unless it was good and only the username was taken. */
  const redeemFrom = async (req: Request, f: z.infer<typeof RedeemForm>) => {
    const claim = await claimTry(failedCodes, address(req));
    const user = await redeemCode(db, f.code, f.username, f.password).catch(async (err) => {
      if (codeWasGood(err)) await claim.release();
      throw err;
    });
    await claim.release();
    return user;
  };

  router.post('/redeem', async (req, res) => {
    const posted = await submitForm(req, RedeemForm, (f) => redeemFrom(req, f), (again) =>
      renderRedeem(res, again.status, { ...shownAgain(res, again), values: again.values, codeKnown: codeWasGood(again.refusal) }));
    if (!posted.ok) return;
    await signIn(req, toSessionUser(posted.result));
    // Only now, with the account theirs, may the page say whose it is.
    flash(req, 'notice', 'auth.welcome', { name: posted.result.display_name });
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
