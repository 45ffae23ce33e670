import type { Concept } from '../concept.js';
import { restitutionRoutes } from './restitution.routes.js';
import { restitutionMessages } from './restitution.messages.js';

export const restitution: Concept = { routes: ({ db }) => [restitutionRoutes(db)], messages: [restitutionMessages] };
