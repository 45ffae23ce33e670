import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Timeouts } from './http/timeouts.js';

// The same code runs from src/ (tsx) and from dist/src/ (tsc): find the project root by its package.json
// rather than by a fixed number of "..".
function findRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${start}`);
    dir = parent;
  }
  return dir;
}

export const ROOT = findRoot(path.dirname(fileURLToPath(import.meta.url)));
/** True when running the compiled build, so migrations are looked up as .js next to it. */
export const COMPILED = !fileURLToPath(import.meta.url).endsWith('.ts');

const booleanish = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  PUBLIC_URL: z.string().optional(),
  DATABASE_URL: z.string().optional(),
  SQLITE_FILE: z.string().default(path.join(ROOT, 'data', 'tremplin.sqlite')),
  SESSION_SECRET: z.string().optional(),
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  UPLOAD_DIR: z.string().default(path.join(ROOT, 'uploads')),
  TRUST_PROXY: z.string().optional(),
  SECURE_COOKIES: booleanish.optional(),
  DEMO_DATA: booleanish.optional(),
  SIGNIN_MAX_FAILURES: z.coerce.number().int().positive().default(10),
  LOG_REQUESTS: booleanish.optional(),
  MAX_VIDEO_MB: z.coerce.number().int().positive().default(2048),
  MAX_PHOTO_MB: z.coerce.number().int().positive().default(25),
  MAX_DOCUMENT_MB: z.coerce.number().int().positive().default(15),
  RETENTION_DAYS: z.coerce.number().int().min(0).default(90),
  PARENT_LINK_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  DB_ACQUIRE_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  BACKUP_DIR: z.string().default(path.join(ROOT, 'backups')),
  REQUEST_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  UPLOAD_IDLE_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  UPLOAD_SLOWEST_KIB_PER_SECOND: z.coerce.number().positive().default(32),
  TUS_EXPIRY_HOURS: z.coerce.number().positive().default(48),
  SMS_PROVIDER: z.enum(['log', 'brevo']).default('log'),
  BREVO_API_KEY: z.string().optional(),
  BREVO_API_URL: z.string().url().default('https://api.brevo.com/v3'),
  SMS_SENDER: z.string().regex(/^[A-Za-z0-9 ]{3,11}$/, { message: '3 to 11 unaccented letters, digits or spaces' }).default('Tremplin'),
  SMS_WEBHOOK_TOKEN: z.string().min(16).optional(),
  SMTP_URL: z.string().optional(),
  MAIL_FROM: z.string().default('Tremplin <no-reply@tremplin.invalid>'),
  OUTBOX_DISPATCH: booleanish.optional(),
  OUTBOX_LEASE_SECONDS: z.coerce.number().positive().default(60),
  OUTBOX_RETRY_SECONDS: z.coerce.number().positive().default(30),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().positive().default(6),
  OUTBOX_POLL_MS: z.coerce.number().int().positive().default(2000),
  FOLLOW_UP_LINK_DAYS: z.coerce.number().int().min(1).max(90).default(14),
  REMINDERS: booleanish.optional(),
  MORNING_EMAIL_AT: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { message: 'a time of day, HH:MM (Paris time), e.g. 07:30' }).default('07:30'),
});

/** A megabyte as people read it and as "Mo" says (10^6 bytes): a limit of 15 MB is 15 Mo on the page. */
export const MB = 1_000_000;

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  /**
   * Where people reach the app, e.g. 'https://tremplin.example.org' (no final slash): the base of every
   * absolute link it hands out (calendar feeds, one-time code sheets). Never the request's Host header,
   * which whoever sends the request chooses.
   */
  publicUrl: string;
  /** acquireMs: how long a query waits for a connection (or, on SQLite, for a lock) before the page says 503. */
  database: ({ client: 'pg'; url: string } | { client: 'sqlite3'; file: string }) & { acquireMs?: number };
  sessionSecret: string;
  sessionIdleMs: number;
  uploadDir: string;
  trustProxy: string | false;
  secureCookies: boolean;
  demoData: boolean;
  signinMaxFailures: number;
  logRequests: boolean;
  /** Hours after which a resumable upload never finished is removed (src/http/resumable-uploads.ts). */
  resumableUploadHours: number;
  /** Upload limits, in bytes: videos and audio, photos, document scans and written reports. */
  limits: { video: number; photo: number; document: number };
  /** Days after the return when passport, visa and health scans are deleted. */
  retentionDays: number;
  /** Days a parent's consent link stays open before it expires unanswered. */
  parentLinkDays: number;
  /** Where `npm run backup` writes its timestamped folders. */
  backupDir: string;
  /** How long the server waits for a request to arrive (src/http/timeouts.ts). */
  timeouts: Timeouts;
  /** How messages leave (src/outbox/): "log" keeps them on /admin/outbox only, so a fresh install needs nothing. */
  outbox: OutboxConfig;
};

export interface OutboxConfig {
  sms: { provider: 'log' } | { provider: 'brevo'; apiKey: string; apiUrl: string };
  smsSender: string;
  /** The secret the provider's webhook must present (Brevo: a bearer token set on the webhook); unset, the webhook answers 404. */
  webhookToken: string | null;
  email: { transport: 'log' } | { transport: 'smtp'; url: string };
  mailFrom: string;
  /** Whether the server process runs a dispatcher (off for an instance that should only serve pages). */
  dispatch: boolean;
  leaseMs: number;
  /** The first retry waits this long, each next one twice as long. */
  retryBaseMs: number;
  maxAttempts: number;
  pollMs: number;
  /** How long a youth's follow-up link stays open; unanswered by then, the youth is on the worker's list to call. */
  followUpLinkDays: number;
  /** Whether the server process runs the pass that queues the reminders and morning e-mails (src/outbox/reminders.ts). */
  reminders: boolean;
  /** When the morning e-mail leaves, 'HH:mm' Paris time. */
  morningEmailAt: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`invalid environment:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && !e.SESSION_SECRET) {
    throw new Error('SESSION_SECRET must be set in production (a long random string shared by all instances)');
  }
  if (production && !e.PUBLIC_URL) {
    throw new Error('PUBLIC_URL must be set in production: the address people open the app at, e.g. https://tremplin.example.org');
  }
  const publicUrl = e.PUBLIC_URL ? parsePublicUrl(e.PUBLIC_URL) : `http://localhost:${e.PORT}`;
  const trustProxy = e.TRUST_PROXY && e.TRUST_PROXY !== '0' && e.TRUST_PROXY !== 'false' ? e.TRUST_PROXY : false;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    database: e.DATABASE_URL
      ? { client: 'pg', url: e.DATABASE_URL, acquireMs: e.DB_ACQUIRE_TIMEOUT_MS }
      : { client: 'sqlite3', file: path.resolve(e.SQLITE_FILE), acquireMs: e.DB_ACQUIRE_TIMEOUT_MS },
    // Outside production a per-process secret is fine: sessions then last as long as the process.
    sessionSecret: e.SESSION_SECRET ?? randomBytes(32).toString('hex'),
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    uploadDir: path.resolve(e.UPLOAD_DIR),
    trustProxy,
    // Behind a TLS-terminating proxy the cookies must be Secure; on plain http (dev, tests) they cannot be.
    secureCookies: e.SECURE_COOKIES ?? (production && trustProxy !== false),
    demoData: e.DEMO_DATA ?? !production,
    signinMaxFailures: e.SIGNIN_MAX_FAILURES,
    logRequests: e.LOG_REQUESTS ?? false,
    resumableUploadHours: e.TUS_EXPIRY_HOURS,
    limits: { video: e.MAX_VIDEO_MB * MB, photo: e.MAX_PHOTO_MB * MB, document: e.MAX_DOCUMENT_MB * MB },
    retentionDays: e.RETENTION_DAYS,
    parentLinkDays: e.PARENT_LINK_DAYS,
    backupDir: path.resolve(e.BACKUP_DIR),
    timeouts: {
      requestMs: e.REQUEST_TIMEOUT_SECONDS * 1000,
      uploadIdleMs: e.UPLOAD_IDLE_TIMEOUT_SECONDS * 1000,
      uploadSlowestBytesPerSecond: e.UPLOAD_SLOWEST_KIB_PER_SECOND * 1024,
    },
    outbox: outboxConfig(e),
  };
}

function outboxConfig(e: z.infer<typeof EnvSchema>): OutboxConfig {
  if (e.SMS_PROVIDER === 'brevo' && !e.BREVO_API_KEY) {
    throw new Error('invalid environment:\n  BREVO_API_KEY: required when SMS_PROVIDER=brevo (Brevo account, "SMTP & API" keys)');
  }
  return {
    sms: e.SMS_PROVIDER === 'brevo' ? { provider: 'brevo', apiKey: e.BREVO_API_KEY!, apiUrl: e.BREVO_API_URL.replace(/\/$/, '') } : { provider: 'log' },
    smsSender: e.SMS_SENDER,
    webhookToken: e.SMS_WEBHOOK_TOKEN ?? null,
    email: e.SMTP_URL ? { transport: 'smtp', url: e.SMTP_URL } : { transport: 'log' },
    mailFrom: e.MAIL_FROM,
    dispatch: e.OUTBOX_DISPATCH ?? true,
    leaseMs: e.OUTBOX_LEASE_SECONDS * 1000,
    retryBaseMs: e.OUTBOX_RETRY_SECONDS * 1000,
    maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    pollMs: e.OUTBOX_POLL_MS,
    followUpLinkDays: e.FOLLOW_UP_LINK_DAYS,
    reminders: e.REMINDERS ?? true,
    morningEmailAt: e.MORNING_EMAIL_AT,
  };
}

/** An absolute http(s) address of the app's root: links are built by appending a path to it. */
function parsePublicUrl(value: string): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new Error(`invalid environment:\n  PUBLIC_URL: an absolute http(s) address without path, e.g. https://tremplin.example.org (got "${value}")`);
  }
  return url.origin;
}
