import type { Concept } from '../concept.js';
import { outboxRoutes } from './outbox.routes.js';
import { outboxMessages } from './outbox.messages.js';

export const outbox: Concept = { routes: ({ db, config }) => [outboxRoutes(db, config)], messages: [outboxMessages] };
