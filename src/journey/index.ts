import type { Concept } from '../concept.js';
import { journeyRoutes } from './journey.routes.js';
import { journeyMessages } from './journey.messages.js';

export const journey: Concept = { routes: ({ db }) => [journeyRoutes(db)], messages: [journeyMessages] };
