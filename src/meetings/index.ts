import type { Concept } from '../concept.js';
import { meetingsRoutes } from './meetings.routes.js';
import { meetingsMessages } from './meetings.messages.js';

export const meetings: Concept = { routes: ({ db, config }) => [meetingsRoutes(db, config)], messages: [meetingsMessages] };
