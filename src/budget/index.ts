import type { Concept } from '../concept.js';
import { budgetRoutes } from './budget.routes.js';
import { budgetMessages } from './budget.messages.js';

export const budget: Concept = { routes: ({ db }) => [budgetRoutes(db)], messages: [budgetMessages] };
