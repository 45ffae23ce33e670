// Youths who left the Sadiola group: one who stays in touch, one out of touch. Each uploaded a photo while
// in the project (:mediumId is her own) and :enrolmentId is her own enrolment. In touch, she still watches
// the group's media but adds and changes none, her own included (403). Out of touch, the group's media are
// closed to her (403). Both still have their own page and the group's page. Image rights are the lead's.
// POSTs send an empty form, as in the main matrix.
//                                                        inTouch outOfTouch
export const withdrawnYouthRows: Record<string, readonly [number, number]> = {
  'GET /':                                               [303, 303],
  'GET /me':                                             [200, 200],
  'GET /groups':                                         [200, 200],
  'GET /groups/:id':                                     [200, 200],
  'GET /groups/:id/media':                               [200, 403],
  'GET /groups/:id/media/new':                           [403, 403],
  'POST /groups/:id/media':                              [403, 403],
  'GET /groups/:id/media/:mediumId':                     [200, 403],
  'POST /groups/:id/media/:mediumId':                    [403, 403],
  'POST /groups/:id/media/:mediumId/delete':             [403, 403],
  'GET /groups/:id/media/:mediumId/file':                [200, 403],
  'GET /groups/:id/media/:mediumId/thumbnail':           [200, 403],
  'GET /groups/:id/youths/:enrolmentId/consent':         [403, 403],
  'POST /groups/:id/youths/:enrolmentId/consent':        [403, 403],
  'GET /groups/:id/before-after':                        [200, 403],
  'GET /groups/:id/youths/:enrolmentId/before-after':    [200, 403],
};
