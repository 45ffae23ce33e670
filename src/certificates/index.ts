import type { Concept } from '../concept.js';
import { certificatesRoutes } from './certificates.routes.js';
import { certificatesMessages } from './certificates.messages.js';

export const certificates: Concept = { routes: ({ db }) => [certificatesRoutes(db)], messages: [certificatesMessages] };
