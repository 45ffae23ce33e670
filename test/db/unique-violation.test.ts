import { expect } from 'chai';
import { emptyDatabase, testDb } from '../support/database.js';
import { isUniqueViolation } from '../../src/db/knex.js';

/** The error a write throws, from the database in use (SQLite or PostgreSQL). */
async function errorOf(write: () => Promise<unknown>): Promise<unknown> {
  try {
    await write();
  } catch (err) {
    return err;
  }
  throw new Error('the write was expected to fail');
}

describe('isUniqueViolation', () => {
  const account = (email: string, displayName = 'Compte') => ({
    role: 'worker', display_name: displayName, email, active: true, created_at: '2026-12-01T10:00:00Z', updated_at: '2026-12-01T10:00:00Z',
  });

  beforeEach(async () => {
    await emptyDatabase(testDb());
  });

  it('recognises a second row with a unique value (an e-mail taken)', async () => {
    await testDb()('users').insert(account('pris@tremplin.test'));
    expect(isUniqueViolation(await errorOf(() => testDb()('users').insert(account('pris@tremplin.test'))))).to.equal(true);
  });

  it('recognises a primary key taken (a form token claimed twice)', async () => {
    const claim = { token: 'a-form-token-0123456789', user_id: 1, created_at: '2026-12-01T10:00:00Z' };
    await testDb()('form_submissions').insert(claim);
    expect(isUniqueViolation(await errorOf(() => testDb()('form_submissions').insert(claim)))).to.equal(true);
  });

  it('does not mistake another broken constraint for it, even when a value in the statement says "UNIQUE constraint failed"', async () => {
    const missingRole = { display_name: 'SQLITE_CONSTRAINT: UNIQUE constraint failed: users.email', email: 'unique@tremplin.test', created_at: '2026-12-01T10:00:00Z' };
    const err = await errorOf(() => testDb()('users').insert(missingRole));
    expect(isUniqueViolation(err)).to.equal(false);
  });

  it('is false for anything that is not a database error', () => {
    expect([undefined, null, 'UNIQUE', new Error('UNIQUE constraint failed')].map(isUniqueViolation)).to.deep.equal([false, false, false, false]);
  });
});
