import { fr } from './fr.js';
import { en } from './en.js';
import { phasesMessages } from '../phases/phases.messages.js';
import { meetingsMessages } from '../meetings/meetings.messages.js';
import { participantsMessages } from '../participants/participants.messages.js';
import { restitutionMessages } from '../restitution/restitution.messages.js';
import { followUpsMessages } from '../followups/followups.messages.js';
import { documentsMessages } from '../documents/documents.messages.js';
import { mediaMessages } from '../media/media.messages.js';
import { assessmentsMessages } from '../assessments/assessments.messages.js';
import { journeyMessages } from '../journey/journey.messages.js';
import { storageMessages } from '../http/storage.messages.js';
import { reportsMessages } from '../reports/reports.messages.js';

// The messages of every concept, registered here once. Adding a concept's messages means adding one line.
const concepts: { key: string; fr: object; en: object }[] = [
  phasesMessages,
  meetingsMessages,
  participantsMessages,
  restitutionMessages,
  followUpsMessages,
  documentsMessages,
  mediaMessages,
  assessmentsMessages,
  journeyMessages,
  storageMessages,
  reportsMessages,
];

export const catalog = {
  fr: { ...fr, ...Object.fromEntries(concepts.map((c) => [c.key, c.fr])) },
  en: { ...en, ...Object.fromEntries(concepts.map((c) => [c.key, c.en])) },
};
