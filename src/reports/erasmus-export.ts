import type { Writable } from 'node:stream';
import type { Db } from '../db/knex.js';
import type { ScopedGroup } from '../groups/group.js';
import { travelDistanceOf } from '../groups/travel-distance.js';
import { BARRIERS, daysAbroad, type Gender } from '../participants/funder-facts.js';
import { csvLines } from './report-csv.js';
import { erasmusTable, mappingFor, type ErasmusParticipant } from './erasmus-mapping.js';

/**
 * A group's mobility activities for the Erasmus+ Beneficiary Module: one per youth who goes (enrolled and
 * departing; those who left the project went nowhere), then one per accompanying adult, flagged as such. The query reads only what the module may receive:
 * the fewer-opportunities ticks are folded into one yes/no by the database itself, so which situation a
 * youth is in (a disability, their health) never reaches this code, let alone the file.
 */
export async function erasmusParticipants(db: Db, group: ScopedGroup): Promise<ErasmusParticipant[]> {
  const anyBarrier = BARRIERS.map((b) => `youths.barrier_${b}`).join(' or ');
  const [rows, travel] = await Promise.all([
    db('enrolments')
      .join('youths', 'youths.id', 'enrolments.youth_id')
      .where({ 'enrolments.group_id': group.id, 'enrolments.status': 'enrolled', 'enrolments.departing': true })
      .orderBy([{ column: 'youths.last_name' }, { column: 'youths.first_name' }, { column: 'enrolments.id' }])
      .select(
        'enrolments.id as enrolment_id', 'youths.first_name', 'youths.last_name', 'youths.birth_date', 'youths.gender',
        db.raw(`case when ${anyBarrier} then 1 else 0 end as fewer_opportunities`),
      ),
    travelDistanceOf(db, group),
  ]);
  const days = daysAbroad(group.departure_date, group.return_date);
  const mobility = {
    groupId: group.id,
    sendingCity: travel.from?.name ?? travel.fromTown,
    receivingCountry: group.destination_country,
    receivingCity: group.destination_place ?? travel.to?.name ?? null,
    startDate: group.departure_date,
    endDate: group.return_date,
    days,
    distanceBand: travel.band,
  };
  const youths = rows.map((r: { enrolment_id: number; first_name: string; last_name: string; birth_date: string; gender: Gender | null; fewer_opportunities: number | string }) => ({
    ...mobility,
    key: String(r.enrolment_id),
    accompanying: false,
    firstName: r.first_name,
    lastName: r.last_name,
    birthDate: r.birth_date,
    gender: r.gender ?? null,
    fewerOpportunities: Number(r.fewer_opportunities) === 1,
  }));
  const adults = (await accompanyingAdults(db, group.id)).map((a) => ({
    ...mobility, key: a.key, accompanying: true, ...splitName(a.name), birthDate: null, gender: null, fewerOpportunities: null,
  }));
  return [...youths, ...adults];
}

/**
 * The adults who go with the group, as its budget counts its leaders (src/budget/budget.ts): its leads and
 * co-leads, and the accompanying adults listed on the group, a worker listed in both once. Their name only:
 * Tremplin holds no birth date nor gender of an adult, and reads nothing else of their account.
 */
async function accompanyingAdults(db: Db, groupId: number): Promise<{ key: string; name: string }[]> {
  const [workers, companions] = await Promise.all([
    db('group_workers').join('users', 'users.id', 'group_workers.user_id').where('group_workers.group_id', groupId)
      .orderBy('group_workers.user_id').select('users.id', 'users.display_name as name'),
    db('group_companions').leftJoin('users', 'users.id', 'group_companions.user_id').where('group_companions.group_id', groupId)
      .where((w) => w.whereNull('group_companions.user_id').orWhereNotIn('group_companions.user_id', db('group_workers').where({ group_id: groupId }).select('user_id')))
      .orderBy('group_companions.id').select('group_companions.id', db.raw('coalesce(users.display_name, group_companions.name) as name')),
  ]);
  return [
    ...workers.map((w: { id: number; name: string }) => ({ key: `A-W${w.id}`, name: w.name })),
    ...companions.map((c: { id: number; name: string }) => ({ key: `A-C${c.id}`, name: c.name })),
  ];
}

/**
 * An adult's name is one field in Tremplin ("Élodie Martin", "Élu Jeunesse"); the module asks a first and a
 * last name: the first word, and the rest. A single word goes in the last name, which the module requires.
 */
const splitName = (name: string): { firstName: string; lastName: string } => {
  const [first, ...rest] = name.trim().split(/\s+/);
  return rest.length ? { firstName: first!, lastName: rest.join(' ') } : { firstName: '', lastName: first ?? '' };
};

export interface ErasmusExport {
  year: string;
  rows: (string | number | null)[][];
  /** How many lines are youths' and how many the accompanying adults' (the audit log counts both). */
  youths: number;
  adults: number;
}

export async function erasmusExport(db: Db, group: ScopedGroup): Promise<ErasmusExport> {
  const { year, columns } = mappingFor(group.departure_date);
  const participants = await erasmusParticipants(db, group);
  const adults = participants.filter((p) => p.accompanying).length;
  return { year, rows: erasmusTable(columns, participants), youths: participants.length - adults, adults };
}

/** The same table as the module's CSV: `;`, UTF-8 with a BOM (French Excel), formula-looking cells neutralised. */
export const erasmusCsv = (data: ErasmusExport): string => csvLines(data.rows.map((r) => r.map((v) => (v === null ? '' : String(v)))));

/**
 * The XLSX, streamed to `out` as it is written (exceljs's WorkbookWriter: rows are committed one by one,
 * no whole workbook in memory). Every cell is text but the duration: dates stay DD-MM-YYYY as the module
 * reads them, rather than dates Excel would show in the reader's own format.
 */
export async function writeErasmusXlsx(data: ErasmusExport, out: Writable): Promise<void> {
  // Loaded on the first export, not at start: exceljs and what it pulls in (jszip, saxes, lodash...) are
  // 6 MiB of V8 heap and 15 MiB of RSS that every page would carry for a download made a few times a year.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(`Mobility activities ${data.year}`);
  for (const [i, row] of data.rows.entries()) {
    const written = sheet.addRow(row.map((v) => (v === null ? '' : v)));
    if (i === 0) written.font = { bold: true };
    written.commit();
  }
  sheet.commit();
  await workbook.commit();
}
