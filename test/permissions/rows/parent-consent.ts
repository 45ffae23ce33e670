// Parents' consent online. Sending a link to a youth's parents, and revoking it, is the lead's, as recording
// the youth's consent is. The parent's page answers to its link alone, for anyone (the parent has no
// account): a link made for the row opens for every role, and the empty form is refused (422).
//                                                                    anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const parentConsentRows: Record<string, readonly number[]> = {
  'GET /groups/:id/youths/:enrolmentId/parent-consent':              [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/parent-consent':             [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/parent-consent/:linkId/revoke': [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  'GET /parents/:consentToken':                                      [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /parents/:consentToken':                                     [422, 422, 422, 422, 422, 422, 422, 422, 422, 422, 422],
};
