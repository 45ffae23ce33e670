// Youths' papers. The board and the rules are for the adults in charge (the director reads the board);
// :enrolmentId is Inès Dufour, the youth herself: she reads, hands in and downloads her own papers, but
// checking them is the lead's. Anyone outside the group finds nothing (404). :kind is her passport, whose
// scan the matrix stores in its before(); several scans at once are handed in by whoever hands in one. The audit log is the admin's; retention, admin's and director's.
// POSTs send an empty form: no scan, no date, no decision (422 for whoever may do it).
//                                                                       anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const documentsRows: Record<string, readonly number[]> = {
  'GET /groups/:id/documents':                                          [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/documents/requirements':                             [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/documents/requirements':                            [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/documents/check':                                   [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/documents':                      [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/documents/:kind':               [303, 404, 403, 422, 404, 422, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/documents/:kind/status':        [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/documents/:kind/scan':           [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/scans':                          [303, 404, 403, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/scans':                         [303, 404, 403, 422, 404, 422, 404, 404, 404, 404, 404],
  'GET /admin/audit':                                                   [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'GET /admin/retention':                                               [303, 200, 200, 403, 403, 403, 403, 200, 200, 403, 403],
};
