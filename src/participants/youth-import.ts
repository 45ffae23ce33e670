import { MB } from '../config.js';
import type { Db } from '../db/knex.js';
import { today } from '../db/time.js';
import { parseForm } from '../http/validation.js';
import { withoutInvisibleControls } from '../http/form-text.js';
import { parseCsv } from './csv.js';
import { barrierField, type Barrier, type EducationLevel, type Gender } from './funder-facts.js';
import {
  groupYouthKeys, insertEnrolment, sameYouthKey, SITUATIONS, youthFileForm, type Situation, type YouthFileInput,
} from './participant.js';

/**
 * Enrolling a whole list of youths from a spreadsheet. All or nothing: if one line is wrong nothing is
 * imported, and every problem is reported with its line number so the worker fixes the list in place.
 */
export const MAX_IMPORT_BYTES = MB;
export const MAX_IMPORT_ROWS = 500;

export const IMPORT_FIELDS = [
  'firstName', 'lastName', 'birthDate', 'enrolledOn', 'phone', 'referredBy', 'situation', 'emergencyName', 'emergencyPhone',
  'gender', 'education', 'livesInQpv', 'livesInRuralArea', 'barriers',
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];
const REQUIRED: ImportField[] = ['firstName', 'lastName', 'birthDate'];

// Answers as workers write them in a spreadsheet, folded like column names.
const FACT_WORDS: { gender: Record<string, Gender>; education: Record<string, EducationLevel>; known: Record<string, 'yes' | 'no' | 'unknown'>; barrier: Record<string, Barrier> } = {
  gender: {
    f: 'female', femme: 'female', feminin: 'female', fille: 'female', female: 'female', woman: 'female',
    m: 'male', h: 'male', homme: 'male', masculin: 'male', garcon: 'male', male: 'male', man: 'male',
    autre: 'another', another: 'another', other: 'another', non_binaire: 'another', non_binary: 'another',
    non_dit: 'not_said', ne_souhaite_pas_le_dire: 'not_said', not_said: 'not_said', prefer_not_to_say: 'not_said',
  },
  education: {
    sans_diplome: 'none', aucun: 'none', none: 'none', no_diploma: 'none',
    brevet: 'brevet', dnb: 'brevet', cfg: 'brevet',
    cap: 'cap_bep', bep: 'cap_bep', cap_bep: 'cap_bep',
    bac: 'bac', baccalaureat: 'bac', bac_pro: 'bac',
    bac_2: 'bac_plus_2', bac_plus_2: 'bac_plus_2', bts: 'bac_plus_2', dut: 'bac_plus_2', but: 'bac_plus_2',
    superieur: 'higher', licence: 'higher', master: 'higher', higher: 'higher',
  },
  known: { oui: 'yes', yes: 'yes', o: 'yes', y: 'yes', '1': 'yes', non: 'no', no: 'no', n: 'no', '0': 'no', ne_sait_pas: 'unknown', nsp: 'unknown', unknown: 'unknown' },
  barrier: {
    handicap: 'disability', disability: 'disability', sante: 'health', health: 'health',
    education: 'education', formation: 'education', education_et_formation: 'education', education_and_training: 'education',
    culturel: 'cultural', culturelle: 'cultural', differences_culturelles: 'cultural', cultural: 'cultural', cultural_differences: 'cultural',
    social: 'social', sociale: 'social', economique: 'economic', economic: 'economic',
    discrimination: 'discrimination', discriminations: 'discrimination',
    geographique: 'geographical', geographical: 'geographical', geographic: 'geographical',
  },
};

/** What funders count (src/participants/funder-facts.ts): column names in a list, folded as the others. */
type FactsColumn = 'gender' | 'education' | 'livesInQpv' | 'livesInRuralArea' | 'barriers';
const FACTS_COLUMN_NAMES: Record<FactsColumn, string[]> = {
  gender: ['genre', 'sexe', 'gender', 'sex'],
  education: ['niveau', 'niveau_d_etudes', 'niveau_de_formation', 'diplome', 'education', 'education_level'],
  livesInQpv: ['qpv', 'quartier_prioritaire', 'priority_neighbourhood'],
  livesInRuralArea: ['rural', 'zone_rurale', 'milieu_rural', 'rural_area'],
  barriers: ['moins_d_opportunites', 'obstacles', 'fewer_opportunities', 'barriers'],
};

/**
 * The form's body for these fields from a list's cells, words as people type them (« F », « oui »,
 * « économique, social ») turned into the form's values; a word not understood is passed as is, for the
 * form to refuse on its line. Barriers are separated by commas, slashes, `+` or `;` inside the cell.
 */
function factsBodyFromCells(cell: (column: FactsColumn) => string): { body: Record<string, string>; unknownBarrier: string | null } {
  const word = <T extends string>(words: Record<string, T>, raw: string): string => (raw ? (words[fold(raw)] ?? raw) : '');
  const body: Record<string, string> = {
    gender: word(FACT_WORDS.gender, cell('gender')),
    education: word(FACT_WORDS.education, cell('education')),
    livesInQpv: word(FACT_WORDS.known, cell('livesInQpv')),
    livesInRuralArea: word(FACT_WORDS.known, cell('livesInRuralArea')),
  };
  let unknownBarrier: string | null = null;
  for (const raw of cell('barriers').split(/[,/+;|]/).map((s) => s.trim()).filter(Boolean)) {
    const barrier = FACT_WORDS.barrier[fold(raw)];
    if (barrier) body[barrierField(barrier)] = 'yes';
    else unknownBarrier ??= raw;
  }
  return { body, unknownBarrier };
}

// Column names as people write them, folded (no accents, lower case, `_` between words): French first.
const COLUMN_NAMES: Record<ImportField, string[]> = {
  firstName: ['prenom', 'prenoms', 'first_name', 'firstname', 'given_name'],
  lastName: ['nom', 'nom_de_famille', 'last_name', 'lastname', 'family_name', 'surname'],
  birthDate: ['date_naissance', 'date_de_naissance', 'naissance', 'ne_le', 'nee_le', 'ne_e_le', 'birth_date', 'birthdate', 'date_of_birth', 'dob'],
  // A group taken over mid-way: the day each youth joined, from the paper register. Empty: today.
  enrolledOn: ['date_inscription', 'date_d_inscription', 'inscription', 'inscrit_le', 'inscrite_le', 'inscrit_e_le', 'enrolled_on', 'enrolment_date', 'enrollment_date'],
  phone: ['telephone', 'tel', 'portable', 'mobile', 'phone'],
  referredBy: ['orientation', 'oriente_par', 'orientee_par', 'oriente_e_par', 'prescripteur', 'referred_by', 'referral'],
  situation: ['situation', 'situation_a_l_inscription', 'situation_at_enrolment'],
  emergencyName: ['contact_urgence', 'contact_d_urgence', 'personne_a_prevenir', 'emergency_contact', 'emergency_name'],
  emergencyPhone: ['tel_urgence', 'telephone_urgence', 'telephone_d_urgence', 'emergency_phone'],
  ...FACTS_COLUMN_NAMES,
};

// Situations as workers write them in a spreadsheet, folded like column names.
const SITUATION_WORDS: Record<string, Situation> = {
  recherche_d_emploi: 'job_seeking', recherche_emploi: 'job_seeking', en_recherche_d_emploi: 'job_seeking', demandeur_d_emploi: 'job_seeking',
  demandeuse_d_emploi: 'job_seeking', sans_emploi: 'job_seeking', chomage: 'job_seeking', job_seeking: 'job_seeking', job_seeker: 'job_seeking',
  formation: 'training', en_formation: 'training', apprentissage: 'training', training: 'training',
  scolaire: 'school', scolarite: 'school', scolarise: 'school', scolarise_e: 'school', ecole: 'school', college: 'school', lycee: 'school',
  lyceen: 'school', lyceenne: 'school', etudes: 'school', etudiant: 'school', etudiante: 'school', school: 'school', student: 'school',
  emploi: 'employed', en_emploi: 'employed', salarie: 'employed', salariee: 'employed', salarie_e: 'employed', travail: 'employed', cdd: 'employed',
  cdi: 'employed', interim: 'employed', employed: 'employed', job: 'employed',
  autre: 'other', other: 'other',
};

export const fold = (s: string): string =>
  s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase().trim().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');

export interface ImportProblem {
  /** The line of the file (the header is line 1); null for the file as a whole. */
  line: number | null;
  /** A message key under participants.import.problems. */
  key: string;
  field?: ImportField;
  value?: string;
  /** For a duplicate in the file: the line it repeats. For too many columns: how many there should be. */
  other?: number;
  count?: number;
  /** For a header without the required columns: which ones are missing. */
  missing?: ImportField[];
}

export type ImportResult = { ok: true; count: number } | { ok: false; problems: ImportProblem[] };

/**
 * Bytes of an uploaded file as text. UTF-8 with or without its BOM; a file that is not valid UTF-8 is read
 * as Windows-1252, which is what "CSV (point-virgule)" in older French Excel writes. A spreadsheet saved as
 * .xlsx or .ods (a zip) is no CSV at all, and the worker is told so.
 */
export function decodeCsvBytes(bytes: Buffer): { ok: true; text: string } | { ok: false; problem: ImportProblem } {
  if (bytes.subarray(0, 2).toString('latin1') === 'PK' || bytes.includes(0)) {
    return { ok: false, problem: { line: null, key: 'notCsv' } };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    text = new TextDecoder('windows-1252').decode(bytes);
  }
  return { ok: true, text };
}

interface ReadRow {
  line: number;
  input: YouthFileInput;
}

/** Reads and checks every line without touching the database. */
export function readYouthList(text: string, enrolledOn: string = today()): { rows: ReadRow[]; problems: ImportProblem[] } {
  const problems: ImportProblem[] = [];
  const clean = text.replace(/^\uFEFF/, '');
  if (!clean.trim()) return { rows: [], problems: [{ line: null, key: 'empty' }] };
  const parsed = parseCsv(clean);
  if (!parsed.ok) return { rows: [], problems: [{ line: parsed.line, key: 'unclosedQuote' }] };
  const [header, ...records] = parsed.records;
  if (!header) return { rows: [], problems: [{ line: null, key: 'empty' }] };

  const columns = new Map<ImportField, number>();
  header.fields.forEach((name, index) => {
    const folded = fold(name);
    const field = IMPORT_FIELDS.find((f) => COLUMN_NAMES[f].includes(folded));
    if (field && !columns.has(field)) columns.set(field, index);
  });
  const missing = REQUIRED.filter((f) => !columns.has(f));
  if (missing.length) return { rows: [], problems: [{ line: header.line, key: 'missingColumns', missing }] };
  if (!records.length) return { rows: [], problems: [{ line: null, key: 'empty' }] };
  if (records.length > MAX_IMPORT_ROWS) return { rows: [], problems: [{ line: null, key: 'tooManyRows', count: MAX_IMPORT_ROWS }] };

  const schema = youthFileForm(enrolledOn);
  const rows: ReadRow[] = [];
  const seen = new Map<string, number>();
  for (const record of records) {
    const cell = (f: ImportField) => {
      const index = columns.get(f);
      return index === undefined ? '' : (record.fields[index] ?? '').trim();
    };
    const extra = record.fields.slice(header.fields.length).filter((f) => f.trim() !== '');
    if (extra.length) {
      problems.push({ line: record.line, key: 'tooManyColumns', count: record.fields.length, other: header.fields.length });
      continue;
    }
    const rawSituation = cell('situation');
    const body: Record<string, string> = {};
    for (const f of IMPORT_FIELDS) body[f] = cell(f);
    body.situation = rawSituation ? (SITUATION_WORDS[fold(rawSituation)] ?? rawSituation) : '';
    const facts = factsBodyFromCells(cell);
    Object.assign(body, facts.body);
    const form = parseForm(schema, body);
    if (facts.unknownBarrier) problems.push({ line: record.line, key: 'invalid', field: 'barriers', value: facts.unknownBarrier });
    if (!form.ok) {
      for (const f of IMPORT_FIELDS) {
        const key = form.errors[f];
        if (key) problems.push({ line: record.line, key: key.slice(key.lastIndexOf('.') + 1), field: f, value: f === 'situation' || f in facts.body ? cell(f) : body[f] });
      }
      continue;
    }
    if (facts.unknownBarrier) continue;
    const identity = sameYouthKey(form.data.firstName, form.data.lastName, form.data.birthDate);
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      problems.push({ line: record.line, key: 'duplicateInFile', other: earlier, value: `${form.data.firstName} ${form.data.lastName}` });
      continue;
    }
    seen.set(identity, record.line);
    rows.push({ line: record.line, input: form.data });
  }
  return { rows, problems };
}

/** Imports the list into the group if every line is right; otherwise imports nothing and says what to fix. */
export async function importYouths(db: Db, group: { id: number }, text: string, recordedBy: number | null = null): Promise<ImportResult> {
  const enrolledOn = today();
  const { rows, problems } = readYouthList(text, enrolledOn);
  return db.transaction(async (trx) => {
    const existing = await groupYouthKeys(trx, group.id);
    for (const row of rows) {
      if (existing.has(sameYouthKey(row.input.firstName, row.input.lastName, row.input.birthDate))) {
        problems.push({ line: row.line, key: 'duplicateInGroup', value: `${row.input.firstName} ${row.input.lastName}` });
      }
    }
    if (problems.length) {
      problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
      return { ok: false, problems };
    }
    for (const row of rows) await insertEnrolment(trx, group.id, row.input, row.input.enrolledOn ?? enrolledOn, recordedBy);
    return { ok: true, count: rows.length };
  });
}

/** What a worker sent on the import form: the text box, the bytes of the file if one came, or why the file was refused on its way in. */
export interface SentList {
  pasted: string;
  fileBytes: Buffer | null;
  uploadProblem?: 'tooBig' | 'oneFile';
}

/** The import form's answer: how many were enrolled, or the text to show again in the box with what to fix. */
export type SentListImport = { ok: true; count: number } | { ok: false; text: string; problems: ImportProblem[] };

/**
 * Imports what was sent on the form: a file, when one came, is read in place of the text box; a file that
 * is no CSV, a refused upload or nothing at all is a problem to show, with the text kept to fix it.
 */
export async function importSentList(db: Db, group: { id: number }, sent: SentList, recordedBy: number | null = null): Promise<SentListImport> {
  let text = sent.pasted;
  if (sent.fileBytes?.length) {
    const decoded = decodeCsvBytes(sent.fileBytes);
    if (!decoded.ok) return { ok: false, text, problems: [decoded.problem] };
    text = decoded.text;
  }
  // A file's content never passes the form cleaning: a NUL in an exported list would otherwise make
  // PostgreSQL refuse the whole import.
  text = withoutInvisibleControls(text);
  if (sent.uploadProblem) return { ok: false, text, problems: [{ line: null, key: sent.uploadProblem }] };
  if (!text.trim()) return { ok: false, text, problems: [{ line: null, key: 'nothing' }] };
  const result = await importYouths(db, group, text, recordedBy);
  return result.ok ? result : { ok: false, text: text.replace(/^\uFEFF/, ''), problems: result.problems };
}
