import type { Concept } from '../concept.js';
import { participantsRoutes } from './participants.routes.js';
import { participantsMessages } from './participants.messages.js';

export const participants: Concept = { routes: ({ db, config }) => [participantsRoutes(db, config)], messages: [participantsMessages] };
