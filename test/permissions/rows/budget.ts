// A group's budget: its lead plans it and records spendings, funders and the Erasmus+ distance; the director
// reads it (403 on every change) and, with the other structure's director, keeps their own structure's
// Erasmus+ rates. A youth of the group finds no budget at all (404, not 403: money is not theirs to know of).
// The planned form sent empty is a valid plan (every line optional): 303.
//                                                             anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const budgetRows: Record<string, readonly number[]> = {
  'GET /groups/:id/budget':                                   [303, 404, 200, 200, 404, 404, 404, 404, 404, 404, 404],
  'POST /groups/:id/budget/planned':                          [303, 404, 403, 303, 404, 404, 404, 404, 404, 404, 404],
  'POST /groups/:id/budget/spendings':                        [303, 404, 403, 422, 404, 404, 404, 404, 404, 404, 404],
  'POST /groups/:id/budget/funders':                          [303, 404, 403, 422, 404, 404, 404, 404, 404, 404, 404],
  'POST /groups/:id/budget/funders/:funderId/status':         [303, 404, 403, 422, 404, 404, 404, 404, 404, 404, 404],
  'POST /groups/:id/budget/erasmus':                          [303, 404, 403, 422, 404, 404, 404, 404, 404, 404, 404],
  'GET /budget/rates':                                        [303, 403, 200, 403, 403, 403, 403, 200, 403, 403, 403],
  'POST /budget/rates':                                       [303, 403, 422, 403, 403, 403, 403, 422, 403, 403, 403],
};
