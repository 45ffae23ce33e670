//                                              anon admin dir  work oWork youth oYouth
export const groupsRows: Record<string, readonly number[]> = {
  'GET /groups':                               [303, 403, 200, 200, 200, 200, 200],
  'GET /groups/:id':                           [303, 404, 200, 200, 404, 200, 404],
};
