//                                                         anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const groupsRows: Record<string, readonly number[]> = {
  'GET /groups':                                          [303, 403, 200, 200, 200, 200, 200, 200, 403, 403, 403],
  'GET /groups/new':                                      [303, 403, 403, 200, 200, 403, 403, 403, 403, 403, 403],
  'POST /groups':                                         [303, 403, 403, 422, 422, 403, 403, 403, 403, 403, 403],
  'GET /groups/:id':                                      [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id':                                     [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/edit':                                 [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/funders':                             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/funders/:funderId/delete':            [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/companions':                          [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/companions/:companionId/delete':      [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/workers':                             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/workers/:workerId/delete':            [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/clone':                                [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/clone':                               [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
};
