import { SCORES, trend } from './assessment.js';
import { competenceIcon, competenceLabel, type CompetenceRow } from './competence.js';

/** How scores, changes and competences read on a page, in the reader's language. */
export function assessmentWording(lang: string) {
  const one = new Intl.NumberFormat(lang, { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  return {
    competenceIcon,
    competenceLabel: (c: Pick<CompetenceRow, 'label_fr' | 'label_en'>) => competenceLabel(c, lang),
    /** A mean score, "3,4"; a dash when nobody answered. */
    formatScore: (n: number | null) => (n === null ? '—' : one.format(n)),
    /** A change with its sign: "+1,2", "−0,5", "0,0". */
    formatDelta: (n: number | null) => (n === null ? '—' : `${n > 0.05 ? '+' : n < -0.05 ? '−' : ''}${one.format(Math.abs(n))}`),
    trend,
    scores: SCORES,
  };
}
