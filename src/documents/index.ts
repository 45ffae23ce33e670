import type { Concept } from '../concept.js';
import { documentsRoutes } from './documents.routes.js';
import { documentsMessages } from './documents.messages.js';

export const documents: Concept = { routes: ({ db, config, resumableUploads }) => [documentsRoutes(db, config, resumableUploads)], messages: [documentsMessages] };
