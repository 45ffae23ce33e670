import type { Concept } from '../concept.js';
import { authRoutes } from './auth.routes.js';
import { authMessages, codesMessages } from './auth.messages.js';

export const auth: Concept = {
  routes: ({ db, passport, config }) => [authRoutes(db, passport, { maxFailures: config.signinMaxFailures })],
  messages: [authMessages, codesMessages],
};
