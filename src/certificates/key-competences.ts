/**
 * Youthpass's frame: the eight key competences for lifelong learning of the Council Recommendation of 22 May
 * 2018 (OJ C 189, 4.6.2018, p. 1), in the Recommendation's own English and French words, and which of them
 * each of Tremplin's self-assessment competences (src/assessments/competence.ts) belongs to. A structure
 * copies the certificate into Youthpass competence by competence: this is the one place that says where
 * each goes.
 */
export const KEY_COMPETENCES = [
  'literacy', 'multilingual', 'stem', 'digital', 'personal_social_learning', 'citizenship', 'entrepreneurship', 'cultural',
] as const;
export type KeyCompetence = (typeof KEY_COMPETENCES)[number];

export const KEY_COMPETENCE_WORDS: Record<KeyCompetence, { en: string; fr: string }> = {
  literacy: { en: 'Literacy competence', fr: 'Compétences en lecture et en écriture' },
  multilingual: { en: 'Multilingual competence', fr: 'Compétences multilingues' },
  stem: {
    en: 'Mathematical competence and competence in science, technology and engineering',
    fr: 'Compétences mathématiques et compétences en sciences, en technologies et en ingénierie',
  },
  digital: { en: 'Digital competence', fr: 'Compétences numériques' },
  personal_social_learning: { en: 'Personal, social and learning to learn competence', fr: 'Compétences personnelles et sociales et capacité d’apprendre à apprendre' },
  citizenship: { en: 'Citizenship competence', fr: 'Compétences citoyennes' },
  entrepreneurship: { en: 'Entrepreneurship competence', fr: 'Compétences entrepreneuriales' },
  cultural: { en: 'Cultural awareness and expression competence', fr: 'Compétences relatives à la sensibilité et à l’expression culturelles' },
};

/**
 * Tremplin's first competences, by key. Managing on one's own, believing in oneself and working in a team are
 * what the Recommendation puts under "personal, social and learning to learn" (resilience, managing one's
 * own learning, working with others); telling a story with images is made on the phone, hence digital
 * content creation; carrying a project is turning ideas into action (entrepreneurship).
 */
export const KEY_COMPETENCE_OF: Readonly<Record<string, KeyCompetence>> = {
  language: 'multilingual',
  autonomy: 'personal_social_learning',
  confidence: 'personal_social_learning',
  teamwork: 'personal_social_learning',
  openness: 'cultural',
  local_life: 'citizenship',
  project: 'entrepreneurship',
  storytelling: 'digital',
};

/** The key competence a Tremplin competence belongs to, in the reader's language; null for one an admin added since (nobody mapped it). */
export function keyCompetenceLabel(competenceKey: string, lang: string): string | null {
  const key = KEY_COMPETENCE_OF[competenceKey];
  return key ? KEY_COMPETENCE_WORDS[key][lang === 'en' ? 'en' : 'fr'] : null;
}
