import type { Concept } from '../concept.js';
import { mediaRoutes } from './media.routes.js';
import { mediaMessages } from './media.messages.js';

export const media: Concept = { routes: ({ db, config, resumableUploads }) => [mediaRoutes(db, config, resumableUploads)], messages: [mediaMessages] };
