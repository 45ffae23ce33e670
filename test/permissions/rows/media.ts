// The youths' media and their image rights. Everyone who sees the group sees its shared media (the director
// too, read-only); the lead and the group's youths add some; a youth edits what she uploaded (:mediumId is a
// photo Inès uploaded); image rights are recorded by the lead alone. Outside the group: 404.
// The empty forms change nothing: a medium needs a moment (422), deleting needs the box ticked (422), a
// consent needs a level (422).
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const mediaRows: Record<string, readonly number[]> = {
  'GET /groups/:id/media':                               [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/media/new':                           [303, 404, 403, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/media':                              [303, 404, 403, 422, 404, 422, 404, 404, 404, 404, 404],
  'GET /groups/:id/media/:mediumId':                     [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/media/:mediumId':                    [303, 404, 403, 422, 404, 422, 404, 404, 404, 404, 404],
  'POST /groups/:id/media/:mediumId/delete':             [303, 404, 403, 422, 404, 422, 404, 404, 404, 404, 404],
  'GET /groups/:id/media/:mediumId/file':                [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/media/:mediumId/thumbnail':           [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/consent':         [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/youths/:enrolmentId/consent':        [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/before-after':                        [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/youths/:enrolmentId/before-after':    [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
};
