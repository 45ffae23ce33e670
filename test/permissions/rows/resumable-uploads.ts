// Resumable (tus) uploads of media: the same question as the form's POST /groups/:id/media (the lead and the
// group's youths; the director reads only, 403; outside the group, 404); of a paper's scan, the same as the
// form's POST /groups/:id/youths/:enrolmentId/documents/:kind (Inès and her lead). An upload under way answers
// its author alone (:uploadId is Inès's): the group's lead gets 404 like everyone else. The matrix sends
// no tus header, so whoever is let through reaches the library, which answers 412 (Tus-Resumable
// required). The protocol itself is tested in test/media/resumable-uploads.test.ts and
// test/documents/resumable-scans.test.ts. DELETE comes last: its
// author's would end the upload.
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const resumableUploadRows: Record<string, readonly number[]> = {
  'POST /groups/:id/media/tus':                          [303, 404, 403, 412, 404, 412, 404, 404, 404, 404, 404],
  'HEAD /groups/:id/media/tus/:uploadId':                [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
  'PATCH /groups/:id/media/tus/:uploadId':               [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
  'DELETE /groups/:id/media/tus/:uploadId':              [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/documents/:kind/tus':                [303, 404, 403, 412, 404, 412, 404, 404, 404, 404, 404],
  'HEAD /groups/:id/youths/:enrolmentId/documents/:kind/tus/:uploadId':      [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
  'PATCH /groups/:id/youths/:enrolmentId/documents/:kind/tus/:uploadId':     [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
  'DELETE /groups/:id/youths/:enrolmentId/documents/:kind/tus/:uploadId':    [303, 404, 403, 404, 404, 412, 404, 404, 404, 404, 404],
};
