/**
 * Each domain concept keeps its own messages next to its code, under its own key (`meetings.*`...).
 * English must have exactly the French keys: the type says so, and a test checks it at run time.
 */
export function defineMessages<K extends string, T extends object>(key: K, fr: T, en: NoInfer<T>): { key: K; fr: T; en: T } {
  return { key, fr, en };
}

/** One concept's messages under its key, as the catalog gathers them. */
export interface ConceptMessages {
  key: string;
  fr: object;
  en: object;
}
