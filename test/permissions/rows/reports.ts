// The outcome dashboard: directors and admins read every group's figures; a worker reads the same figures
// for their own groups (200, narrowed by the queries, see test/reports). The names behind a figure are for
// those who may open youths' files (not the admin: 403). Exports for funders are the directors' and the
// admins' (a worker: 403). Youths never see the dashboard.
//                                              anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const reportsRows: Record<string, readonly number[]> = {
  'GET /reports':                              [303, 200, 200, 200, 200, 403, 403, 200, 200, 403, 403],
  'GET /reports/youths':                       [303, 403, 200, 200, 200, 403, 403, 200, 403, 403, 403],
  'GET /reports/groups':                       [303, 200, 200, 200, 200, 403, 403, 200, 200, 403, 403],
  'GET /reports/export/:table.csv':            [303, 200, 200, 403, 403, 403, 403, 200, 200, 403, 403],
  'GET /reports/report.pdf':                   [303, 200, 200, 403, 403, 403, 403, 200, 200, 403, 403],
  // A group's file for the Erasmus+ module holds its youths' names and what funders count: for whoever reads
  // their files (the lead, the director); for everyone else, the youth of the group included, it is not there.
  'GET /groups/:id/erasmus.xlsx':              [303, 404, 200, 200, 404, 404, 404, 404, 404, 404, 404],
  'GET /groups/:id/erasmus.csv':               [303, 404, 200, 200, 404, 404, 404, 404, 404, 404, 404],
};
