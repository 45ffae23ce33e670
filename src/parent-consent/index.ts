import type { Concept } from '../concept.js';
import { parentConsentRoutes } from './parent-consent.routes.js';
import { parentConsentMessages } from './parent-consent.messages.js';

export const parentConsent: Concept = { routes: ({ db, config }) => [parentConsentRoutes(db, config)], messages: [parentConsentMessages] };
