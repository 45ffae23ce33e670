import type { Response } from 'express';

/**
 * What a page part rendered for one request must not carry into another's: the CSRF token (bound to the
 * session) and the once-per-form tokens. A part rendered to be kept (renderToKeep) is given these in their
 * place, so that a part that comes to use one fails at once in the tests instead of handing one person's
 * token to the next.
 */
const perRequest = {
  csrfToken: {
    toString(): string {
      throw new Error('a page part kept for other requests cannot hold the CSRF token: render it with the page');
    },
  },
  newSubmissionToken: (): never => {
    throw new Error('a page part kept for other requests cannot hold a once-per-form token: render it with the page');
  },
};

/**
 * A view rendered to a string with the response's locals (the language, `can`, the helpers), as
 * res.render would render it, but not sent: the part of a page that a VersionedCache keeps, so that a page
 * loaded again between two writes costs its header and a copy. The cache key must hold everything the
 * part reads besides `data`: the language and the user (whose `can` it calls).
 */
export function renderToKeep(res: Response, view: string, data: object): Promise<string> {
  return new Promise((resolve, reject) => {
    res.render(view, { ...data, ...perRequest }, (err: Error | null, html?: string) => (err ? reject(err) : resolve(html!)));
  });
}
