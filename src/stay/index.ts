import type { Concept } from '../concept.js';
import { stayRoutes } from './stay.routes.js';
import { stayMessages } from './stay.messages.js';

export const stay: Concept = { routes: ({ db, config }) => [stayRoutes(db, config.publicUrl)], messages: [stayMessages] };
