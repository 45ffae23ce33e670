// After-project follow-ups are personal data: the lead records them, the director reads them, the youths —
// even of the group — are refused (403); anyone outside the group finds nothing (404). "Plan the follow-ups"
// on Sadiola (not back yet) only says so (303). Peer leaders are enrolled by the lead of the later group.
// :followUpId is Inès's, made by the matrix's before() (see afterProjectFixtures in restitution.ts). Sending
// her the answer link, revoking it, confirming her answer: the lead's, each a redirect to the follow-up.
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const followUpsRows: Record<string, readonly number[]> = {
  'GET /groups/:id/followups':                           [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/schedule':                 [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/followups/:followUpId':               [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/:followUpId':              [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/:followUpId/due':          [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/:followUpId/link':         [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/:followUpId/link/revoke':  [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/followups/:followUpId/confirm':      [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  // The youth's answer page answers to its token alone, signed in or not; a token that opens nothing gets
  // the same neutral page (404) whoever asks.
  'GET /suivi/:answerToken':                             [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'POST /suivi/:answerToken':                            [404, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /groups/:id/peer-leaders/new':                    [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/peer-leaders':                       [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
};
