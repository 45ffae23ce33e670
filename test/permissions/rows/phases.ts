//                                                         anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const phasesRows: Record<string, readonly number[]> = {
  'GET /groups/:id/phase':                                [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/transitions':                         [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  // A director's empty form is a plain approval (no override): it goes through.
  'POST /groups/:id/approval':                            [303, 404, 303, 403, 404, 403, 404, 404, 404, 404, 404],
};
