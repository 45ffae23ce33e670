import type { Router } from 'express';
import type { Config } from './config.js';
import type { Db } from './db/knex.js';
import type { AppPassport } from './auth/passport.js';
import type { KnexSessionStore } from './auth/session-store.js';
import type { ResumableUploads } from './http/resumable-uploads.js';
import type { ConceptMessages } from './i18n/define.js';

/** What a concept's routes may need from the app, built once in app.ts. */
export interface AppContext {
  db: Db;
  config: Config;
  passport: AppPassport;
  sessions: KnexSessionStore;
  /** The tus server every resumable upload goes through, whatever it is for (media, papers' scans). */
  resumableUploads: ResumableUploads;
}

/**
 * A domain concept as the app sees it: its routes and its messages, exported from the concept's index.ts.
 * Adding a concept is writing that index and adding one line to `concepts.ts`.
 */
export interface Concept {
  routes(ctx: AppContext): Router[];
  messages: ConceptMessages[];
}
