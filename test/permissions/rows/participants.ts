// Youths in a group. The lead worker manages them and opens their accounts; the director reads their files;
// a youth of the group sees the group but no file (403); anyone outside the group finds nothing (404).
// :enrolmentId is Inès Dufour, the first youth of Sadiola: the lead's empty withdraw form changes nothing,
// rejoin on a youth still in the group only says so, and the account route gives her a new code.
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const participantsRows: Record<string, readonly number[]> = {
  'GET /groups/:id/youths/new':                          [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths':                             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/import':                       [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/import':                      [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId':                 [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/edit':            [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId':                [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/withdraw':        [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/withdraw':       [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/rejoin':         [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/account':        [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/account':         [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  // Linking her file to a file of another structure is the lead's, never the director's: the empty form
  // chooses no file (422); undoing a link she does not have only says so (303).
  'GET /groups/:id/youths/:enrolmentId/link':            [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/link':           [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/unlink':         [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
};
