import type { Response } from 'express';

/*
 * What the service worker (public/sw.js) is told by each page, in headers it reads before keeping anything.
 * The worker keeps a page only when its address is on its own list (a register, an emergency sheet) AND the
 * server said so here for this user: a page of personal data is never kept because its address looked right.
 */

/** Every answer names whose session it was given in ("none" when signed out): the phone drops the caches of anyone else. */
export const USER_HEADER = 'X-Tremplin-User';
/** On a page the phone may keep: the last day (yyyy-mm-dd) it may still be read from the phone. */
export const KEEP_UNTIL_HEADER = 'X-Tremplin-Keep-Until';

export function keepOfflineUntil(res: Response, lastDay: string): void {
  res.set(KEEP_UNTIL_HEADER, lastDay);
}
