//                                              anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const foundationRows: Record<string, readonly number[]> = {
  'GET /healthz':                              [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /sw.js':                                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /':                                     [303, 303, 200, 200, 200, 303, 303, 200, 303, 303, 303],
  'GET /login':                                [200, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303],
  'POST /login':                               [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422],
  'POST /logout':                              [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303],
  'GET /setup':                                [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /setup':                               [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /redeem':                               [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /redeem':                              [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422],
  'POST /lang':                                [303, 303, 303, 303, 303, 303, 303, 303, 303, 303, 303],
  'GET /admin/users':                          [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'GET /admin/users/new':                      [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'POST /admin/users':                         [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'POST /admin/users/:userId/deactivate':      [303, 303, 403, 403, 403, 403, 403, 403, 404, 403, 403],
  'POST /admin/users/:userId/activate':        [303, 303, 403, 403, 403, 403, 403, 403, 404, 403, 403],
  'POST /admin/users/:userId/code':            [303, 303, 403, 403, 403, 403, 403, 403, 404, 403, 403],
  'GET /admin/users/:userId/code':             [303, 200, 403, 403, 403, 403, 403, 403, 404, 403, 403],
  // One's own account page (the morning e-mail): workers and directors, each their own; an empty form is
  // "no morning e-mail", a valid answer.
  'GET /account':                              [303, 403, 200, 200, 200, 403, 403, 200, 403, 403, 403],
  'POST /account':                             [303, 403, 303, 303, 303, 403, 403, 303, 403, 403, 403],
};
