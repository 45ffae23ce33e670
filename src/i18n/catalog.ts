import { fr } from './fr.js';
import { en } from './en.js';
import type { ConceptMessages } from './define.js';

export interface Catalog {
  fr: Record<string, unknown>;
  en: Record<string, unknown>;
}

/**
 * The base messages (layout, validation, error pages) with every concept's own, each under its key. The
 * concepts are handed in by the app, which lists them once: nothing here knows which concepts exist.
 */
export function buildCatalog(concepts: ConceptMessages[]): Catalog {
  const keys = new Set<string>(Object.keys(fr));
  for (const c of concepts) {
    // Two concepts on one key would silently hide one of them.
    if (keys.has(c.key)) throw new Error(`two sets of messages under the key "${c.key}"`);
    keys.add(c.key);
  }
  return {
    fr: { ...fr, ...Object.fromEntries(concepts.map((c) => [c.key, c.fr])) },
    en: { ...en, ...Object.fromEntries(concepts.map((c) => [c.key, c.en])) },
  };
}
