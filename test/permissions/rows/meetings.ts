//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const meetingsRows: Record<string, readonly number[]> = {
  'GET /groups/:id/meetings':                            [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/meetings/new':                        [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/meetings':                           [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/meetings/:meetingId':                 [303, 404, 200, 200, 404, 200, 404, 404, 404, 404, 404],
  'GET /groups/:id/meetings/:meetingId/edit':            [303, 404, 403, 200, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/meetings/:meetingId':                [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  // The first Sadiola session has a register: deleting it without the confirmation box is refused (422).
  'POST /groups/:id/meetings/:meetingId/delete':         [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  'POST /groups/:id/meetings/:meetingId/register':       [303, 404, 403, 422, 404, 403, 404, 404, 404, 404, 404],
  // A new secret for the feed: the leads only; the youth sees the link but may not change it.
  'POST /groups/:id/calendar/renew':                     [303, 404, 403, 303, 404, 403, 404, 404, 404, 404, 404],
  // The feed is public and answers to the group's secret token alone (a phone calendar cannot sign in).
  'GET /calendar/:token.ics':                            [200, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
};
