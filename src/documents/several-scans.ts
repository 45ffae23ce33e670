import type { Db } from '../db/knex.js';
import { discard, type ReceivedFile } from '../http/uploads.js';
import { isRefusal } from '../http/refusal.js';
import { parseForm, type FormErrors } from '../http/validation.js';
import type { Kind } from './requirements.js';
import { handInDocument, handInForm, type DocumentTarget, type Evaluation } from './youth-document.js';

/**
 * Several scans of one youth's papers handed in with one form: one `<input type=file multiple>`, then per
 * file a select naming the paper it is (`paper<i>`, for the i-th file in the order the browser sent them),
 * and per paper what its own form asks (`<field>-<kind>`: the expiry date...), read by that paper's own
 * rules (handInForm), so a paper handed in here is held to what its page would ask.
 */
const PAPER_FIELDS = ['idType', 'expiryDate', 'validFrom', 'visaAppliedOn', 'visaDecision'] as const;

export const fileSlot = (index: number): string => `paper${index}`;
export const paperField = (field: string, kind: Kind): string => `${field}-${kind}`;

/** What one paper's fields hold in a form for several papers, by the names its own form gives them. */
export function fieldsOfPaper(values: Record<string, unknown>, kind: Kind): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of PAPER_FIELDS) {
    const v = values[paperField(f, kind)];
    if (typeof v === 'string') out[f] = v;
  }
  return out;
}

/** Each paper's fields for the form, by the names its own form gives them: what was typed, else what it says now. */
export function valuesOfPapers(papers: Evaluation[], typed: Record<string, unknown>): Record<string, Record<string, string | null | undefined>> {
  return Object.fromEntries(papers.map(({ requirement: { kind }, doc }) => {
    const mine = fieldsOfPaper(typed, kind);
    return [kind, Object.keys(mine).length ? mine
      : { expiryDate: doc?.expiry_date, validFrom: doc?.valid_from, visaAppliedOn: doc?.visa_applied_on, visaDecision: doc?.visa_decision, idType: doc?.id_type }];
  }));
}

/** The form's first guess for each file: the papers still to hand in, in the order the group asks for them. */
export const guessedKinds = (papers: Evaluation[]): Kind[] => papers.filter((p) => p.toHandIn).map((p) => p.requirement.kind);

export interface ScanResult {
  fileName: string;
  /** The paper the file was for; null when the form named none it could take. */
  kind: Kind | null;
  label: string | null;
  saved: boolean;
  /** Why it was not saved (a message key); null when saved. */
  why: string | null;
}

export interface SeveralScans {
  results: ScanResult[];
  /** The refused files' and papers' messages, on their fields (`paper<i>`, `<field>-<kind>`), for the form shown again. */
  errors: FormErrors;
}

/**
 * Hands in each file as the paper chosen for it, each on its own: a file of the wrong type, a date its
 * paper's rules refuse, no paper or a paper already chosen for another file refuse that file only (it is
 * removed, and its paper is left as it was); the others are saved, each with its own row, scan and audit
 * line, exactly as from the paper's page. Whatever goes wrong, no received file stays behind.
 */
export async function handInSeveral(
  db: Db, uploadDir: string, user: Express.User, target: Omit<DocumentTarget, 'requirement'>, papers: Evaluation[],
  body: Record<string, unknown>, files: ReceivedFile[],
): Promise<SeveralScans> {
  const out: SeveralScans = { results: [], errors: {} };
  const chosen = new Set<Kind>();
  try {
    for (const [i, file] of files.entries()) {
      const paper = papers.find((p) => p.requirement.kind === body[fileSlot(i)]);
      const refuse = (field: string, why: string) => {
        out.errors[field] ??= why;
        out.results.push({ fileName: file.originalName, kind: paper?.requirement.kind ?? null, label: paper?.label ?? null, saved: false, why });
      };
      if (!paper || chosen.has(paper.requirement.kind)) {
        await discard(file);
        refuse(fileSlot(i), paper ? 'documents.scans.errors.twice' : 'documents.scans.errors.noPaper');
        continue;
      }
      const { requirement } = paper;
      chosen.add(requirement.kind);
      const form = parseForm(handInForm(requirement), fieldsOfPaper(body, requirement.kind));
      if (!form.ok) {
        await discard(file);
        const [field, why] = Object.entries(form.errors)[0]!;
        refuse(paperField(field, requirement.kind), why);
        continue;
      }
      try {
        await handInDocument(db, uploadDir, user, { ...target, requirement }, { ...form.data, onPaper: false }, file);
        out.results.push({ fileName: file.originalName, kind: requirement.kind, label: paper.label, saved: true, why: null });
      } catch (err) {
        if (!isRefusal(err)) throw err;
        refuse(err.field === 'scan' ? fileSlot(i) : paperField(err.field, requirement.kind), err.messageKey);
      }
    }
  } catch (err) {
    // A real failure (the database gone): the files not yet handled go too, none is left in tmp.
    await Promise.all(files.map((f) => discard(f)));
    throw err;
  }
  return out;
}
