import { z } from 'zod';
import type { Db } from '../db/knex.js';
import { insertedId, toNumber } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { notFound } from '../http/errors.js';
import { parseId } from '../http/params.js';
import { Refusal } from '../http/refusal.js';

/**
 * The competences a youth rates themselves on. They are data: an admin adds one, renames it in French and
 * English, moves it up or down, and deactivates it; a competence that has answers is never deleted, so
 * what youths answered years ago keeps its meaning.
 */
export interface CompetenceRow {
  id: number;
  key: string;
  label_fr: string;
  label_en: string;
  position: number;
  active: boolean;
}

/**
 * The list the project started with. The migration seeds the same list (a migration never imports code
 * that can change); the demo loader puts it back when a test emptied the table.
 */
export const FIRST_COMPETENCES: [key: string, fr: string, en: string][] = [
  ['language', 'Parler une autre langue', 'Speaking another language'],
  ['autonomy', 'Me débrouiller seul·e', 'Managing on my own'],
  ['confidence', 'Avoir confiance en moi', 'Believing in myself'],
  ['teamwork', 'Travailler en équipe', 'Working in a team'],
  ['openness', 'M’ouvrir aux autres cultures', 'Being open to other cultures'],
  ['local_life', 'Participer à la vie locale', 'Taking part in local life'],
  ['project', 'Porter un projet', 'Carrying a project'],
  ['storytelling', 'Raconter en images', 'Telling a story with images'],
];

// Pictograms of public/icons.svg; a competence an admin adds gets the generic one.
const ICONS: Record<string, string> = {
  language: 'competence-language',
  autonomy: 'competence-autonomy',
  confidence: 'competence-confidence',
  teamwork: 'group',
  openness: 'globe',
  local_life: 'competence-local',
  project: 'competence-project',
  storytelling: 'competence-images',
};

export const competenceIcon = (key: string): string => ICONS[key] ?? 'star';

/** The label in the reader's language. */
export const competenceLabel = (c: Pick<CompetenceRow, 'label_fr' | 'label_en'>, lang: string): string => (lang === 'en' ? c.label_en : c.label_fr);

const toRow = (r: CompetenceRow): CompetenceRow => ({ ...r, id: toNumber(r.id), position: toNumber(r.position), active: Boolean(r.active) });

export async function listCompetences(db: Db, opts: { activeOnly?: boolean } = {}): Promise<CompetenceRow[]> {
  const q = db('competences').orderBy([{ column: 'position' }, { column: 'id' }]).select('id', 'key', 'label_fr', 'label_en', 'position', 'active');
  if (opts.activeOnly) q.where('active', true);
  return (await q).map(toRow);
}

/** Puts the first list back when the table is empty (a test database emptied between tests). */
export async function ensureCompetences(db: Db): Promise<void> {
  const [{ n }] = await db('competences').count<{ n: number | string }[]>({ n: '*' });
  if (toNumber(n) > 0) return;
  const now = nowIso();
  await db('competences').insert(
    FIRST_COMPETENCES.map(([key, fr, en], i) => ({ key, label_fr: fr, label_en: en, position: i + 1, active: true, created_at: now, updated_at: now })),
  );
}

/** The competence named in a URL; one that does not exist is not found. */
export async function loadCompetence(db: Db, idParam: string | string[] | undefined): Promise<CompetenceRow> {
  const row = await db('competences').where({ id: parseId(idParam) }).first('id', 'key', 'label_fr', 'label_en', 'position', 'active');
  if (!row) throw notFound();
  return toRow(row);
}

// ---------------------------------------------------------------------------------------------------
// The admin's editor

const label = z
  .string({ message: 'validation.required' })
  .trim()
  .min(1, { message: 'validation.required' })
  .max(120, { message: 'validation.tooLong' })
  .transform((v) => v.replace(/\s+/g, ' '));

export const CompetenceForm = z.object({ labelFr: label, labelEn: label });
export type CompetenceInput = z.infer<typeof CompetenceForm>;

// The arrows of a line send up or down; anything else is the line's problem, not a field's.
export const MoveForm = z
  .object({ direction: z.unknown().optional() })
  .refine((f) => f.direction === 'up' || f.direction === 'down', { message: 'assessments.competences.directionInvalid' })
  .transform((f) => f.direction as 'up' | 'down');

/** The delete button: nothing to fill in, but a refusal shows on the editor like any form's. */
export const DeleteCompetenceForm = z.object({});

/** Two competences with the same words would be two questions a youth cannot tell apart. */
async function assertLabelsFree(db: Db, input: CompetenceInput, exceptId?: number): Promise<void> {
  for (const [field, column, value] of [['labelFr', 'label_fr', input.labelFr], ['labelEn', 'label_en', input.labelEn]] as const) {
    const q = db('competences').whereRaw(`lower(${column}) = lower(?)`, [value]);
    if (exceptId) q.whereNot('id', exceptId);
    if (await q.first('id')) throw new Refusal(field, 'assessments.competences.duplicate');
  }
}

/** A key for the code, made from the English words: `speaking_in_public`. */
export function keyFor(labelEn: string): string {
  const base = labelEn
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 32);
  return base || 'competence';
}

/** Adds a competence at the end of the list, active. */
export async function addCompetence(db: Db, input: CompetenceInput): Promise<number> {
  return db.transaction(async (trx) => {
    await assertLabelsFree(trx, input);
    const base = keyFor(input.labelEn);
    const taken = new Set((await trx('competences').where('key', 'like', `${base}%`).select('key')).map((r: { key: string }) => r.key));
    let key = base;
    for (let i = 2; taken.has(key); i++) key = `${base}_${i}`;
    const [{ max }] = await trx('competences').max<{ max: number | string | null }[]>({ max: 'position' });
    const now = nowIso();
    const [row] = await trx('competences')
      .insert({ key, label_fr: input.labelFr, label_en: input.labelEn, position: toNumber(max) + 1, active: true, created_at: now, updated_at: now })
      .returning('id');
    return insertedId(row);
  });
}

/** New words for the same competence: answers already given stay attached to it. */
export async function renameCompetence(db: Db, competence: CompetenceRow, input: CompetenceInput): Promise<void> {
  await db.transaction(async (trx) => {
    await assertLabelsFree(trx, input, competence.id);
    await trx('competences').where({ id: competence.id }).update({ label_fr: input.labelFr, label_en: input.labelEn, updated_at: nowIso() });
  });
}

/** Swaps the competence with its neighbour above or below; at either end of the list nothing moves. */
export async function moveCompetence(db: Db, competence: CompetenceRow, direction: 'up' | 'down'): Promise<void> {
  await db.transaction(async (trx) => {
    const all = (await listCompetences(trx)).map((c) => c.id);
    const from = all.indexOf(competence.id);
    const to = direction === 'up' ? from - 1 : from + 1;
    if (from < 0 || to < 0 || to >= all.length) return;
    [all[from], all[to]] = [all[to]!, all[from]!];
    // Positions are rewritten 1..n, which also mends gaps and ties left by earlier edits.
    const now = nowIso();
    for (const [i, id] of all.entries()) await trx('competences').where({ id }).update({ position: i + 1, updated_at: now });
  });
}

/** An inactive competence is no longer asked; the answers it has stay in the deltas. */
export async function setCompetenceActive(db: Db, competence: CompetenceRow, active: boolean): Promise<void> {
  await db('competences').where({ id: competence.id }).update({ active, updated_at: nowIso() });
}

export async function answerCount(db: Db, competenceId: number): Promise<number> {
  const [{ n }] = await db('assessment_answers').where({ competence_id: competenceId }).count<{ n: number | string }[]>({ n: '*' });
  return toNumber(n);
}

/** Only a competence nobody has answered yet can go (a typo just added); otherwise it is deactivated. */
export async function deleteCompetence(db: Db, competence: CompetenceRow): Promise<void> {
  await db.transaction(async (trx) => {
    if ((await answerCount(trx, competence.id)) > 0) throw new Refusal('_form', 'assessments.competences.hasAnswers');
    await trx('competences').where({ id: competence.id }).del();
  }).catch((err: unknown) => {
    // An answer given in the meantime: the foreign key refuses, and the admin reads the same message.
    const e = err as { code?: string; message?: string };
    if (e?.code === '23503' || (e?.code === 'SQLITE_CONSTRAINT' && /FOREIGN KEY/i.test(e.message ?? ''))) {
      throw new Refusal('_form', 'assessments.competences.hasAnswers');
    }
    throw err;
  });
}

/** How many answers each competence has, for the editor to say which ones can be deleted. */
export async function answerCounts(db: Db): Promise<Map<number, number>> {
  const rows: { competence_id: number; n: number | string }[] = await db('assessment_answers').groupBy('competence_id').select('competence_id').count({ n: '*' });
  return new Map(rows.map((r) => [toNumber(r.competence_id), toNumber(r.n)]));
}
