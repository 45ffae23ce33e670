import type { Concept } from '../concept.js';
import { followUpsRoutes } from './followups.routes.js';
import { peerLeadersRoutes } from './peer-leaders.routes.js';
import { followUpsMessages } from './followups.messages.js';

export const followUps: Concept = { routes: ({ db }) => [followUpsRoutes(db), peerLeadersRoutes(db)], messages: [followUpsMessages] };
