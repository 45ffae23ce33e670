import type { Concept } from '../concept.js';
import { reportsRoutes } from './reports.routes.js';
import { reportsMessages } from './reports.messages.js';
import { erasmusRoutes } from './erasmus.routes.js';

export const reports: Concept = { routes: ({ db, config }) => [reportsRoutes(db, config.uploadDir), erasmusRoutes(db)], messages: [reportsMessages] };
