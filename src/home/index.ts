import type { Concept } from '../concept.js';
import { homeRoutes } from './home.routes.js';
import { homeMessages } from './home.messages.js';

export const home: Concept = { routes: ({ db }) => [homeRoutes(db)], messages: [homeMessages] };
