// "My journey" is a youth's own page (each youth sees their own); the adults have the group pages.
//                                                        anon admin dir  work oWork youth oYouth oDir oAdm coord pAdm
export const journeyRows: Record<string, readonly number[]> = {
  'GET /me':                                             [303, 403, 403, 403, 403, 200, 200, 403, 403, 403, 403],
};
