import { expect } from 'chai';
import { Refusal } from '../../src/http/refusal.js';

/**
 * The refusal a model operation ends with, for the test to look at (field, message, detail). The test
 * fails if the operation goes through, and any other error is thrown on as it came.
 */
export async function refusalOf<D = unknown>(operation: Promise<unknown>): Promise<Refusal<D>> {
  try {
    await operation;
  } catch (err) {
    if (err instanceof Refusal) return err as Refusal<D>;
    throw err;
  }
  return expect.fail('expected the operation to be refused');
}
