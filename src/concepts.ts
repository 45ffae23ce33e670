import type { Concept } from './concept.js';
import { buildCatalog } from './i18n/catalog.js';
import { storageMessages } from './http/storage.messages.js';
import { home } from './home/index.js';
import { auth } from './auth/index.js';
import { users } from './users/index.js';
import { structures } from './structures/index.js';
import { groups } from './groups/index.js';
import { participants } from './participants/index.js';
import { phases } from './phases/index.js';
import { meetings } from './meetings/index.js';
import { documents } from './documents/index.js';
import { media } from './media/index.js';
import { assessments } from './assessments/index.js';
import { journey } from './journey/index.js';
import { restitution } from './restitution/index.js';
import { followUps } from './followups/index.js';
import { reports } from './reports/index.js';
import { outbox } from './outbox/index.js';
import { stay } from './stay/index.js';
import { parentConsent } from './parent-consent/index.js';
import { budget } from './budget/index.js';
import { certificates } from './certificates/index.js';

/** Every concept of the app, once: their routes are mounted in this order, their messages make the catalog. */
export const CONCEPTS: Concept[] = [
  home, auth, users, structures, groups, participants, phases, meetings, documents, media, assessments, journey, restitution, followUps, reports, outbox, stay, parentConsent, budget, certificates,
];

export const catalog = buildCatalog([storageMessages, ...CONCEPTS.flatMap((c) => c.messages)]);
