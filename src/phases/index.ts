import type { Concept } from '../concept.js';
import { phasesRoutes } from './phases.routes.js';
import { phasesMessages } from './phases.messages.js';

export const phases: Concept = { routes: ({ db }) => [phasesRoutes(db)], messages: [phasesMessages] };
