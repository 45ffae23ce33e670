import type { Db } from '../db/knex.js';
import type { ScopedGroup } from '../groups/group.js';
import type { YouthFile } from '../participants/participant.js';
import { attendedMeetings, type MeetingRow } from '../meetings/meeting.js';
import { listEvents, type EventRow } from '../restitution/restitution.js';
import type { CompetenceRow } from '../assessments/competence.js';
import { competencesById, currentApproval, type Certificate, type CertificateApproval } from './certificate.js';

/**
 * Everything a certificate says, read once for the page's preview and for the PDF, so the two cannot tell
 * different stories: who, with whom, when and where, what the youth took part in (the preparation sessions
 * they attended, the stay if they left, the restitutions they presented), their competences in their own
 * words, and who confirmed it.
 */
export interface CertificateContents {
  structureName: string;
  youthName: string;
  group: Pick<ScopedGroup, 'name' | 'destination_country' | 'destination_place' | 'partner_name' | 'departure_date' | 'return_date' | 'theme'>;
  sessions: Pick<MeetingRow, 'id' | 'starts_at' | 'type'>[];
  wentAbroad: boolean;
  restitutions: Pick<EventRow, 'id' | 'held_on' | 'type' | 'audience_total'>[];
  lines: { competence: CompetenceRow; words: string | null }[];
  generalText: string | null;
  approval: CertificateApproval | null;
}

export async function certificateContents(db: Db, group: ScopedGroup, file: YouthFile, certificate: Certificate): Promise<CertificateContents> {
  const [sessions, events, competences] = await Promise.all([attendedMeetings(db, file.enrolment_id), listEvents(db, group.id), competencesById(db)]);
  return {
    structureName: group.structure_name,
    youthName: `${file.first_name} ${file.last_name}`,
    group,
    sessions,
    wentAbroad: file.departing,
    restitutions: events
      .filter((e) => e.presenters.some((p) => Number(p.enrolment_id) === file.enrolment_id))
      .sort((a, b) => a.held_on.localeCompare(b.held_on)),
    lines: certificate.lines.flatMap((l) => {
      const competence = competences.get(l.competenceId);
      return competence ? [{ competence, words: l.words }] : [];
    }),
    generalText: certificate.generalText,
    approval: currentApproval(certificate),
  };
}
