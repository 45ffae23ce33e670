import type { Concept } from '../concept.js';
import { answerRoutes } from './answer.routes.js';
import { followUpsRoutes } from './followups.routes.js';
import { peerLeadersRoutes } from './peer-leaders.routes.js';
import { followUpsMessages } from './followups.messages.js';

export const followUps: Concept = { routes: ({ db, config }) => [followUpsRoutes(db, config), peerLeadersRoutes(db), answerRoutes(db, config)], messages: [followUpsMessages] };
