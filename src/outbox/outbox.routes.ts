import { timingSafeEqual } from 'node:crypto';
import { secretPath } from '../http/access-log.js';
import express, { Router, type Request } from 'express';
import type { Config } from '../config.js';
import type { Db } from '../db/knex.js';
import { requireCan, requireSignedIn, signedIn } from '../auth/guards.js';
import { flash } from '../http/flash.js';
import { notFound } from '../http/errors.js';
import { isRefusal } from '../http/refusal.js';
import { paths } from '../http/paths.js';
import { enrolmentFor } from '../participants/scope.js';
import { applySmsEvent, messageByStopToken, optOut, structureMessages } from './outbox.js';
import { readBrevoEvent, type BrevoSmsEvent } from './brevo-sms.js';
import { isStopWord, phoneForDisplay, heldForMorning } from './sms-rules.js';
import { textSignInCode } from './sign-in-code.js';
import { PRIVATE_KEYS } from './templates.js';

export function outboxRoutes(db: Db, config: Config): Router {
  const router = Router();

  router.get('/admin/outbox', requireSignedIn, requireCan('viewOutbox'), async (req, res) => {
    const messages = await structureMessages(db, signedIn(req).structureId!);
    const transport = { sms: config.outbox.sms.provider, email: config.outbox.email.transport };
    res.render('outbox/index', { title: res.locals.t('outbox.admin.title'), messages, transport, privateKeys: PRIVATE_KEYS });
  });

  router.post('/groups/:id/youths/:enrolmentId/account/sms', requireSignedIn, async (req, res) => {
    const { user, group, file } = await enrolmentFor(db, req, 'createYouthAccount');
    try {
      const sent = await textSignInCode(db, user, file, config.publicUrl);
      flash(req, 'notice', heldForMorning(sent.notBefore) ? 'outbox.sendCode.queuedQuiet' : 'outbox.sendCode.queued', { phone: phoneForDisplay(sent.phone) });
    } catch (err) {
      if (!isRefusal(err)) throw err;
      flash(req, 'alert', err.messageKey);
    }
    res.redirect(303, paths.groupYouth(group.id, file.enrolment_id));
  });

  // The opt-out link of an SMS: the page asks, the button does it (a phone's link preview opens GET links).
  // The token in the path opens the page: it never reaches the access log.
  router.use('/sms/stop/:stopToken', secretPath('/sms/stop/…'));
  router.get('/sms/stop/:stopToken', async (req, res) => {
    const message = await messageByStopToken(db, String(req.params.stopToken));
    if (!message) throw notFound();
    res.render('outbox/stop', { title: res.locals.t('outbox.stop.title'), phone: message.address, done: false });
  });

  router.post('/sms/stop/:stopToken', async (req, res) => {
    const message = await messageByStopToken(db, String(req.params.stopToken));
    if (!message) throw notFound();
    await optOut(db, message.address, 'link', message.id);
    res.render('outbox/stop', { title: res.locals.t('outbox.stop.title'), phone: message.address, done: true });
  });

  return router;
}

/**
 * The provider's webhook, mounted before sessions and CSRF (app.ts): Brevo calls it, not a browser. Brevo
 * signs nothing; the webhook is created with a bearer token (or user:password in its URL, sent as Basic),
 * and without SMS_WEBHOOK_TOKEN configured the route does not exist.
 */
export function providerWebhookRoutes(db: Db, config: Config): Router {
  const router = Router();
  router.post('/webhooks/brevo/sms', express.json({ limit: '64kb' }), async (req, res) => {
    if (!config.outbox.webhookToken) return res.status(404).end();
    if (!presentsToken(req, config.outbox.webhookToken)) return res.status(401).set('WWW-Authenticate', 'Bearer').end();
    const events: BrevoSmsEvent[] = Array.isArray(req.body) ? req.body : [req.body ?? {}];
    for (const event of events) await applySmsEvent(db, readBrevoEvent(event, isStopWord));
    res.status(200).json({ ok: true });
  });
  return router;
}

function presentsToken(req: Request, token: string): boolean {
  const header = req.headers.authorization ?? '';
  const [scheme, value = ''] = header.split(' ', 2);
  let given = '';
  if (scheme?.toLowerCase() === 'bearer') given = value;
  else if (scheme?.toLowerCase() === 'basic') given = Buffer.from(value, 'base64').toString('utf8').split(':').slice(1).join(':');
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
