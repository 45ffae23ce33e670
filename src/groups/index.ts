import type { Concept } from '../concept.js';
import { groupsRoutes } from './groups.routes.js';
import { groupsMessages } from './groups.messages.js';

export const groups: Concept = { routes: ({ db }) => [groupsRoutes(db)], messages: [groupsMessages] };
