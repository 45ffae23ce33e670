// The self-assessment. `:moment` is 'before' (open: Sadiola is in preparation) and `:competenceId` the first
// competence of the list, which the demo youths have answered (so deleting it is refused: 422).
// A youth fills only their own assessment: the worker who leads the group may not fill one for a youth (403).
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const assessmentsRows: Record<string, readonly number[]> = {
  'GET /groups/:id/assessments':                         [303, 404, 200, 200, 404, 403, 404, 404, 404, 404, 404],
  'GET /groups/:id/assessments/:moment':                 [303, 404, 403, 403, 404, 200, 404, 404, 404, 404, 404],
  'POST /groups/:id/assessments/:moment':                [303, 404, 403, 403, 404, 422, 404, 404, 404, 404, 404],
  'GET /admin/competences':                              [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'POST /admin/competences':                             [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'POST /admin/competences/:competenceId':               [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'POST /admin/competences/:competenceId/move':          [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'POST /admin/competences/:competenceId/deactivate':    [303, 303, 403, 403, 403, 403, 403, 403, 303, 403, 403],
  'POST /admin/competences/:competenceId/activate':      [303, 303, 403, 403, 403, 403, 403, 403, 303, 403, 403],
  'POST /admin/competences/:competenceId/delete':        [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
};
