import type { Concept } from '../concept.js';
import { structuresRoutes } from './structures.routes.js';
import { settingsRoutes } from './settings.routes.js';
import { structuresMessages } from './structures.messages.js';

export const structures: Concept = { routes: ({ db, config }) => [structuresRoutes(db), settingsRoutes(db, config)], messages: [structuresMessages] };
