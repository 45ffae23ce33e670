import type { Db } from '../db/knex.js';

/**
 * The question the departure gate asks the documents module: for each enrolment of a group, which
 * required documents are not ready yet (labels as i18n keys with their values).
 *
 * The documents issue answers it from each youth's requirements (passport validity, visa, insurance,
 * exit authorisation for minors...). Until that module exists no document is recorded anywhere, so there
 * is nothing to check and nothing is reported missing.
 */
export interface MissingDocument {
  key: string;
  values?: Record<string, string>;
}

export async function missingDocuments(_db: Db, _groupId: number): Promise<Map<number, MissingDocument[]>> {
  return new Map();
}
