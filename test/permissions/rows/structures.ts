// Networks and structures. The network's page is its coordinator's alone (figures only); the platform's
// pages are the platform admin's alone; a structure's own choice (named to its network or not) is its
// admin's — of either structure, each for its own. :structureId is Sadiola's structure (the mission locale),
// :networkId the demo network. The empty forms change nothing (422).
//                                                                     anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const structuresRows: Record<string, readonly number[]> = {
  'GET /network':                                                     [303, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403],
  'GET /platform':                                                    [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'GET /platform/networks/new':                                       [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'POST /platform/networks':                                          [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422],
  'GET /platform/structures/new':                                     [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'POST /platform/structures':                                        [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422],
  'GET /platform/structures/:structureId/admins/new':                 [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'POST /platform/structures/:structureId/admins':                    [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422],
  'GET /platform/networks/:networkId/coordinators/new':               [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'POST /platform/networks/:networkId/coordinators':                  [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422],
  'GET /admin/structure':                                             [303, 200, 403, 403, 403, 403, 403, 403, 200, 403, 403],
  'POST /admin/structure':                                            [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'GET /network/export.csv':                                          [303, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403],
  'GET /network/report.pdf':                                          [303, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403],
  'POST /admin/structure/settings':                                   [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  // No structure of the demo has a logo: its admin finds none (404), nobody else may ask.
  'POST /admin/structure/logo':                                       [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  'POST /admin/structure/papers':                                     [303, 422, 403, 403, 403, 403, 403, 403, 422, 403, 403],
  // The network's default papers: its coordinator's, and the platform's for any network.
  'GET /network/papers':                                              [303, 403, 403, 403, 403, 403, 403, 403, 403, 200, 403],
  'POST /network/papers':                                             [303, 403, 403, 403, 403, 403, 403, 403, 403, 422, 403],
  'GET /platform/networks/:networkId/papers':                         [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 200],
  'POST /platform/networks/:networkId/papers':                        [303, 403, 403, 403, 403, 403, 403, 403, 403, 403, 422],
  'GET /admin/structure/logo':                                        [303, 404, 403, 403, 403, 403, 403, 403, 404, 403, 403],
};
