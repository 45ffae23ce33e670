import type { Concept } from '../concept.js';
import { assessmentsRoutes } from './assessments.routes.js';
import { assessmentsMessages } from './assessments.messages.js';

export const assessments: Concept = { routes: ({ db }) => [assessmentsRoutes(db)], messages: [assessmentsMessages] };
