import path from 'node:path';
import express, { type Express } from 'express';
import session from 'express-session';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { ROOT, type Config } from './config.js';
import type { Db } from './db/knex.js';
import { createPassport } from './auth/passport.js';
import { KnexSessionStore } from './auth/session-store.js';
import { can } from './auth/permissions.js';
import { accessLog } from './http/access-log.js';
import { createCsrf } from './http/csrf.js';
import { errorHandler, HttpError, notFoundHandler } from './http/errors.js';
import { requestDeadlines } from './http/timeouts.js';
import { flashMiddleware } from './http/flash.js';
import { cleanSubmittedText } from './http/form-text.js';
import { saveSessionBeforeRedirect } from './http/save-before-redirect.js';
import { healthRoutes } from './http/health.routes.js';
import { languageMiddleware, useCatalog } from './http/i18n.js';
import { catalog, CONCEPTS } from './concepts.js';
import { warnOnceAboutUntrustedProxy } from './http/untrusted-proxy.js';
import { ejsViewEngine } from './http/ejs-engine.js';
import { newSubmissionToken } from './http/once-per-form.js';
import { paths } from './http/paths.js';
import { providerWebhookRoutes } from './outbox/outbox.routes.js';
import { phoneForDisplay } from './outbox/sms-rules.js';
import { USER_HEADER } from './http/offline.js';
import { serviceWorkerRoutes } from './http/service-worker.routes.js';
import { appResumableUploads } from './resumable.js';

export const SESSION_COOKIE = 'tremplin.sid';

export interface AppDeps {
  config: Config;
  db: Db;
  log?: (msg: string, err?: unknown) => void;
}

export function createApp({ config, db, log = defaultLog }: AppDeps): Express {
  useCatalog(catalog);
  const app = express();
  if (config.logRequests) app.use(accessLog((line) => console.log(line)));
  app.set('views', path.join(ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.engine('ejs', ejsViewEngine());
  // Views link with the same helpers the routes redirect with; app.locals, as they do not vary per request.
  app.locals.paths = paths;
  // Numbers are stored in E.164 and shown as people write them.
  app.locals.formatPhone = phoneForDisplay;
  app.set('trust proxy', config.trustProxy === false ? false : /^\d+$/.test(config.trustProxy) ? Number(config.trustProxy) : config.trustProxy);
  app.set('query parser', 'simple');
  // Pages are sent with no-store (below): a browser never revalidates one, so the ETag Express works out
  // by hashing every page it sends (sha1 of 30-60 kB, and its copy) was CPU and memory for nothing.
  // Assets have their own, from express.static.
  app.set('etag', false);

  // Before anything else reads the body: a request that does not arrive in time is cut with a 408 page.
  const renderError = errorHandler(log);
  app.use(requestDeadlines(config.timeouts, (req, res) => renderError(new HttpError(408), req, res, () => undefined)));

  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          mediaSrc: ["'self'"],
          formAction: ["'self'"],
          // The installable app: its service worker and manifest, from this origin only.
          workerSrc: ["'self'"],
          manifestSrc: ["'self'"],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          // Only meaningful behind TLS; on plain http (dev, tests) it would break every asset.
          upgradeInsecureRequests: config.secureCookies ? [] : null,
        },
      },
      strictTransportSecurity: config.secureCookies,
    }),
  );

  if (config.env === 'production' && config.trustProxy === false) app.use(warnOnceAboutUntrustedProxy(log));

  // Assets and the health check come before sessions: they must not cost a session lookup.
  app.use('/assets', express.static(path.join(ROOT, 'public'), { maxAge: config.env === 'production' ? '1d' : 0, index: false }));
  // The resumable uploads' client, from the installed package (no CDN): same origin, so the CSP's 'self' holds.
  app.use('/assets/vendor/tus', express.static(path.join(ROOT, 'node_modules', 'tus-js-client', 'dist'), { maxAge: config.env === 'production' ? '1d' : 0, index: false }));
  app.use(healthRoutes(db));
  app.use(serviceWorkerRoutes());
  // The SMS provider's webhook: called by a server, with its own token; a session or CSRF token it cannot have.
  app.use(providerWebhookRoutes(db, config));

  const sessionStore = new KnexSessionStore(db, config.sessionIdleMs);
  app.use(
    session({
      name: SESSION_COOKIE,
      store: sessionStore,
      secret: config.sessionSecret,
      resave: false,
      saveUninitialized: false,
      rolling: false,
      proxy: config.trustProxy !== false,
      // No maxAge: the cookie lasts the browser session; the store ends idle sessions on the server.
      cookie: { httpOnly: true, sameSite: 'lax', secure: config.secureCookies },
    }),
  );
  app.use(saveSessionBeforeRedirect);
  app.use(express.urlencoded({ extended: false, limit: '200kb', parameterLimit: 500 }));
  app.use(cleanSubmittedText);
  // The secret signs the cookie that remembers where an anonymous visitor was going (auth/return-path.ts).
  app.use(cookieParser(config.sessionSecret));
  const passport = createPassport(db);
  // Performance: compat mode only adds req._passport to every request, for strategies written for
  // Passport 0.4 (none here, and nothing else reads it). Leaving it on cost about 5-10% of the signed-in
  // group list's throughput in `npm run bench:http`.
  app.use(passport.initialize({ compat: false }));
  app.use(passport.session());
  // Before the CSRF check, so that its refusal says too whose session it is (public/offline-queue.js).
  app.use((req, res, next) => {
    res.set(USER_HEADER, req.user ? String(req.user.id) : 'none');
    next();
  });
  app.use(languageMiddleware);

  const csrf = createCsrf(config.sessionSecret, config.secureCookies);
  app.use(csrf.protect);
  app.use(csrf.exposeToken);
  app.use(flashMiddleware);
  app.use((req, res, next) => {
    res.locals.user = req.user ?? null;
    res.locals.currentPath = req.originalUrl;
    res.locals.newSubmissionToken = newSubmissionToken;
    res.locals.can = (action: Parameters<typeof can>[1], record?: unknown) =>
      (can as (u: unknown, a: unknown, r?: unknown) => boolean)(req.user, action, record);
    // Pages hold personal data of minors: never keep them in a shared cache.
    res.set('Cache-Control', 'no-store');
    next();
  });

  const resumableUploads = appResumableUploads(db, config);
  const ctx = { db, config, passport, sessions: sessionStore, resumableUploads };
  for (const concept of CONCEPTS) for (const router of concept.routes(ctx)) app.use(router);

  app.use(notFoundHandler);
  app.use(renderError);
  return app;
}

function defaultLog(msg: string, err?: unknown): void {
  console.error(`[tremplin] ${msg}`, err ?? '');
}
