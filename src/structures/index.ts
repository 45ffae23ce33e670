import type { Concept } from '../concept.js';
import { structuresRoutes } from './structures.routes.js';
import { structuresMessages } from './structures.messages.js';

export const structures: Concept = { routes: ({ db }) => [structuresRoutes(db)], messages: [structuresMessages] };
