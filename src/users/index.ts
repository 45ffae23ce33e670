import type { Concept } from '../concept.js';
import { usersRoutes } from './users.routes.js';
import { usersMessages } from './users.messages.js';

export const users: Concept = { routes: ({ db, sessions, config }) => [usersRoutes(db, sessions, config)], messages: [usersMessages] };
