import type { DistanceBand } from '../groups/distance-band.js';
import type { Gender } from '../participants/funder-facts.js';

/**
 * The Erasmus+ Beneficiary Module's mobility import layout (KA152-YOU, youth exchanges), column by column:
 * its header, how Tremplin fills it, and the module's values for ours. ONE place, versioned by programme
 * (call) year, because the template changes between years: a group takes the mapping of its departure
 * year, or of the latest year before it that has one.
 *
 * Headers are the field names the Commission's user wiki documents for the import-export of mobility
 * activities (wikis.ec.europa.eu, NAITDOC: "Edit the import file", "Data dictionary and Mobility
 * Import-Export templates", the KA15x itinerary fields); dates as the module writes them (DD-MM-YYYY). What
 * Tremplin does not hold (the grant agreement number, the organisations' OIDs, the participant's
 * nationality, the means of transport) is left empty for the worker to fill in the module.
 *
 * What the module forbids is never here, because it is never read: the module's import screen warns that
 * its data "should not contain any sensitive information, especially related to ... health or sex life".
 * A column computes only from an `ErasmusParticipant`, which holds no health, no fewer-opportunities
 * category (only the yes/no the module asks), no note, phone or contact (src/reports/erasmus-export.ts).
 */
export interface ErasmusParticipant {
  groupId: number;
  /** Stable across exports: a youth's enrolment id; an accompanying adult's `A-W<account>` or `A-C<companion>`. */
  key: string;
  /** An adult who goes with the group: the module's accompanying person, with their name and nothing more. */
  accompanying: boolean;
  firstName: string;
  lastName: string;
  birthDate: string | null;
  gender: Gender | null;
  /** Any fewer-opportunities situation ticked on a youth's file: the flag alone, never which; null for an adult. */
  fewerOpportunities: boolean | null;
  sendingCity: string | null;
  receivingCountry: string;
  receivingCity: string | null;
  startDate: string | null;
  endDate: string | null;
  days: number | null;
  distanceBand: DistanceBand | null;
}

export interface ErasmusColumn {
  header: string;
  value: (p: ErasmusParticipant) => string | number | null;
}

/** Module dates: DD-MM-YYYY. */
const moduleDate = (iso: string | null) => (iso ? `${iso.slice(8, 10)}-${iso.slice(5, 7)}-${iso.slice(0, 4)}` : null);

/** The module's gender dictionary has Female, Male and Undefined: another gender and "not said" are both Undefined. */
export const MODULE_GENDERS: Record<Gender, string> = { female: 'Female', male: 'Male', another: 'Undefined', not_said: 'Undefined' };

/** The module's names of the distance bands (its drop-down, as the programme guide words them). */
export const MODULE_DISTANCE_BANDS: Record<DistanceBand, string> = {
  '10-99': 'Between 10 and 99 km', '100-499': 'Between 100 and 499 km', '500-1999': 'Between 500 and 1999 km',
  '2000-2999': 'Between 2000 and 2999 km', '3000-3999': 'Between 3000 and 3999 km', '4000-7999': 'Between 4000 and 7999 km',
  '8000+': '8000 km or more',
};

const yesNo = (v: boolean) => (v ? 'Yes' : 'No');
const empty = () => null;

const CALL_2025: ErasmusColumn[] = [
  // The module refuses an import line without these three; a line of a mobility itself is "Mobility".
  { header: 'Data type', value: () => 'Mobility' },
  { header: 'Grant Agreement No.', value: empty },
  // Ours, stable across exports: importing the file again updates the same mobility activities.
  { header: 'Mobility activity ID', value: (p) => `TREMPLIN-${p.groupId}-${p.key}` },
  { header: 'Activity type', value: () => 'Youth Exchanges' },
  { header: 'Participant first name', value: (p) => p.firstName },
  { header: 'Participant last name', value: (p) => p.lastName },
  { header: 'Participant date of birth', value: (p) => moduleDate(p.birthDate) },
  { header: 'Participant gender', value: (p) => (p.gender ? MODULE_GENDERS[p.gender] : null) },
  { header: 'Participant nationality', value: empty },
  { header: 'Participant with fewer opportunities', value: (p) => (p.fewerOpportunities === null ? null : yesNo(p.fewerOpportunities)) },
  { header: 'Accompanying person', value: (p) => yesNo(p.accompanying) },
  { header: 'Sending Organisation OID', value: empty },
  { header: 'Sending country', value: () => 'FR' },
  { header: 'Sending city', value: (p) => p.sendingCity },
  { header: 'Receiving Organisation OID', value: empty },
  { header: 'Receiving country', value: (p) => p.receivingCountry },
  { header: 'Receiving city', value: (p) => p.receivingCity },
  { header: 'Start date', value: (p) => moduleDate(p.startDate) },
  { header: 'End date', value: (p) => moduleDate(p.endDate) },
  { header: 'Funded duration including travel days (in days)', value: (p) => p.days },
  { header: 'Main means of transport', value: empty },
  { header: 'Sustainable means of transport (green travel)', value: empty },
  { header: 'Distance band', value: (p) => (p.distanceBand ? MODULE_DISTANCE_BANDS[p.distanceBand] : null) },
];

/**
 * Per call year. 2026 has not been seen to differ from 2025 in these columns: it starts as the same list,
 * and a change of the template is a new entry here (never an edit of a past year, which files already
 * exported followed). The accompanying person's flag was added to both: the module has it in both years'
 * template, and our mapping had left the accompanying adults out, not the Commission.
 */
export const MAPPINGS: Record<string, readonly ErasmusColumn[]> = {
  '2025': CALL_2025,
  '2026': [...CALL_2025],
};

/** The mapping of a group's departure year: that year's, else the latest before it, else the earliest (a group with no date yet: the latest). */
export function mappingFor(departureDate: string | null): { year: string; columns: readonly ErasmusColumn[] } {
  const years = Object.keys(MAPPINGS).sort();
  const wanted = departureDate?.slice(0, 4) ?? years[years.length - 1]!;
  const year = [...years].reverse().find((y) => y <= wanted) ?? years[0]!;
  return { year, columns: MAPPINGS[year]! };
}

/** The rows of a file: the headers, then one line per participant, values as the module reads them. */
export function erasmusTable(columns: readonly ErasmusColumn[], participants: ErasmusParticipant[]): (string | number | null)[][] {
  return [columns.map((c) => c.header), ...participants.map((p) => columns.map((c) => c.value(p)))];
}
