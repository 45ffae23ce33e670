// The stay: the emergency sheet, the incidents and the adults' daily notes are for the adults in charge — the
// lead (and co-leads) and the director, who reads and acknowledges; a youth of the group is refused (403),
// anyone outside it finds nothing (404). The sheet's empty form is a valid sheet (every field optional): 303.
// Correcting an incident is the lead's; an empty correction lacks what happened and the version: 422.
// :incidentId is a serious incident the matrix gives Sadiola (recordsForEveryRoute).
//                                                            anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const stayRows: Record<string, readonly number[]> = {
  'GET /groups/:id/stay/sheet':                              [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/sheet.pdf':                          [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/sheet/edit':                         [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/stay/sheet':                             [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/incidents':                          [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/incidents/new':                      [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/stay/incidents':                         [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/incidents/:incidentId':              [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/stay/incidents/:incidentId/acknowledge': [303, 404, 303, 403, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/incidents/:incidentId/edit':         [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/stay/incidents/:incidentId':             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/stay/notes/new':                          [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/stay/notes':                             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
};
