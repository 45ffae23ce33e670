import type { Writable } from 'node:stream';
import type { Db } from '../db/knex.js';
import type { ScopedGroup } from '../groups/group.js';
import { travelDistanceOf } from '../groups/travel-distance.js';
import { BARRIERS, daysAbroad, type Gender } from '../participants/funder-facts.js';
import { csvLines } from './report-csv.js';
import { erasmusTable, mappingFor, type ErasmusParticipant } from './erasmus-mapping.js';

/**
 * A group's mobility activities for the Erasmus+ Beneficiary Module: one per youth who goes (enrolled and
 * departing; those who left the project went nowhere). The query reads only what the module may receive:
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
  return rows.map((r: { enrolment_id: number; first_name: string; last_name: string; birth_date: string; gender: Gender | null; fewer_opportunities: number | string }) => ({
    groupId: group.id,
    enrolmentId: Number(r.enrolment_id),
    firstName: r.first_name,
    lastName: r.last_name,
    birthDate: r.birth_date,
    gender: r.gender ?? null,
    fewerOpportunities: Number(r.fewer_opportunities) === 1,
    sendingCity: travel.from?.name ?? travel.fromTown,
    receivingCountry: group.destination_country,
    receivingCity: group.destination_place ?? travel.to?.name ?? null,
    startDate: group.departure_date,
    endDate: group.return_date,
    days,
    distanceBand: travel.band,
  }));
}

export interface ErasmusExport {
  year: string;
  rows: (string | number | null)[][];
}

export async function erasmusExport(db: Db, group: ScopedGroup): Promise<ErasmusExport> {
  const { year, columns } = mappingFor(group.departure_date);
  return { year, rows: erasmusTable(columns, await erasmusParticipants(db, group)) };
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
