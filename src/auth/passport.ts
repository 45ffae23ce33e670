import type { Request } from 'express';
import { Passport } from 'passport';

export type AppPassport = InstanceType<typeof Passport>;
import { Strategy as LocalStrategy } from 'passport-local';
import type { Db } from '../db/knex.js';
import { DUMMY_HASH, verifyPassword } from './passwords.js';
import { findById, findBySignInName, isActive, toSessionUser } from '../users/user.js';
import { prefetchedOwner } from './session-store.js';

/** One Passport per app: the package's default instance is shared by the whole process. */
export function createPassport(db: Db): AppPassport {
  const passport = new Passport();
  passport.use(
    new LocalStrategy({ usernameField: 'login', passwordField: 'password' }, (login, password, done) => {
      findBySignInName(db, login)
        .then(async (row) => {
          const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
          if (!row || !ok || !row.password_hash) return done(null, false);
          if (!isActive(row)) return done(null, false, { message: 'deactivated' });
          done(null, toSessionUser(row));
        })
        .catch(done);
    }),
  );
  passport.serializeUser((user, done) => done(null, (user as Express.User).id));
  // Read on every request so a deactivated account is signed out at its next click: usually by the
  // session store, in the query that loads the session (prefetchedOwner), otherwise here.
  passport.deserializeUser((req: Request, id: number, done: (err: unknown, user?: Express.User | false) => void) => {
    const owner = prefetchedOwner(req, id);
    if (owner) return done(null, owner.row && isActive(owner.row) ? toSessionUser(owner.row) : false);
    findById(db, id)
      .then((row) => done(null, row && isActive(row) ? toSessionUser(row) : false))
      .catch(done);
  });
  return passport;
}
