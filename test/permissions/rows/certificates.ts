// The youth's certificate. :enrolmentId is Inès Dufour, the youth herself; Sadiola is in preparation, so she
// has written none: her page answers (it says the certificate comes after the return), its PDF does not
// exist yet (404 for all who may read it), and her empty form is refused (422). She alone writes it (the
// lead and the director: 403); the lead alone confirms it (an empty confirmation names no version: 422).
// Another youth of the group, or anyone outside it, finds nothing (404).
//                                                                 anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const certificatesRows: Record<string, readonly number[]> = {
  'GET /groups/:id/certificates':                                  [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/certificate':               [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/certificate':              [303, 404, 403, 403, 404, 422, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/certificate/approve':      [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/certificate.pdf':           [303, 404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
};
