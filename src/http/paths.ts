/**
 * The address of every page and form under a group, built from ids in one place: views link with them
 * (they reach every view as `paths`, see app.ts) and routes redirect with them, so a page and the redirect
 * that leads to it cannot spell the same address two ways. The patterns given to express
 * ('/groups/:id/media') stay next to their handlers; query strings and #fragments are added by the caller.
 */
type Id = number;

const group = (id: Id) => `/groups/${id}`;
const youth = (groupId: Id, enrolmentId: Id) => `${group(groupId)}/youths/${enrolmentId}`;
const youthDocument = (groupId: Id, enrolmentId: Id, kind: string) => `${youth(groupId, enrolmentId)}/documents/${kind}`;
const meeting = (groupId: Id, meetingId: Id) => `${group(groupId)}/meetings/${meetingId}`;
const medium = (groupId: Id, mediumId: Id) => `${group(groupId)}/media/${mediumId}`;
const restitutionEvent = (groupId: Id, eventId: Id) => `${group(groupId)}/restitution/${eventId}`;
const incident = (groupId: Id, incidentId: Id) => `${group(groupId)}/stay/incidents/${incidentId}`;
const followUp = (groupId: Id, followUpId: Id) => `${group(groupId)}/followups/${followUpId}`;

export const paths = {
  group,
  groupEdit: (id: Id) => `${group(id)}/edit`,
  groupClone: (id: Id) => `${group(id)}/clone`,
  groupWorkers: (id: Id) => `${group(id)}/workers`,
  groupWorkerDelete: (id: Id, userId: Id) => `${group(id)}/workers/${userId}/delete`,
  groupFunders: (id: Id) => `${group(id)}/funders`,
  groupFunderDelete: (id: Id, funderId: Id) => `${group(id)}/funders/${funderId}/delete`,
  groupCompanions: (id: Id) => `${group(id)}/companions`,
  groupCompanionDelete: (id: Id, companionId: Id) => `${group(id)}/companions/${companionId}/delete`,

  groupPhase: (id: Id) => `${group(id)}/phase`,
  groupTransitions: (id: Id) => `${group(id)}/transitions`,
  groupApproval: (id: Id) => `${group(id)}/approval`,

  groupYouths: (id: Id) => `${group(id)}/youths`,
  groupYouthNew: (id: Id) => `${group(id)}/youths/new`,
  groupYouthImport: (id: Id) => `${group(id)}/youths/import`,
  groupYouth: youth,
  groupYouthEdit: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/edit`,
  groupYouthWithdraw: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/withdraw`,
  groupYouthRejoin: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/rejoin`,
  groupYouthAccount: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/account`,
  groupYouthLink: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/link`,
  groupYouthUnlink: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/unlink`,
  groupYouthConsent: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/consent`,
  groupYouthParentConsent: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/parent-consent`,
  groupYouthParentConsentRevoke: (id: Id, enrolmentId: Id, linkId: Id) => `${youth(id, enrolmentId)}/parent-consent/${linkId}/revoke`,
  groupYouthBeforeAfter: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/before-after`,
  groupYouthDocuments: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/documents`,
  groupYouthScans: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/scans`,
  groupYouthDocument: youthDocument,
  groupYouthDocumentScan: (id: Id, enrolmentId: Id, kind: string) => `${youthDocument(id, enrolmentId, kind)}/scan`,
  groupYouthDocumentStatus: (id: Id, enrolmentId: Id, kind: string) => `${youthDocument(id, enrolmentId, kind)}/status`,

  groupDocuments: (id: Id) => `${group(id)}/documents`,
  groupDocumentsCheck: (id: Id) => `${group(id)}/documents/check`,
  groupRequirements: (id: Id) => `${group(id)}/documents/requirements`,

  groupMeetings: (id: Id) => `${group(id)}/meetings`,
  groupMeetingNew: (id: Id) => `${group(id)}/meetings/new`,
  groupMeeting: meeting,
  groupMeetingEdit: (id: Id, meetingId: Id) => `${meeting(id, meetingId)}/edit`,
  groupMeetingRegister: (id: Id, meetingId: Id) => `${meeting(id, meetingId)}/register`,
  groupMeetingDelete: (id: Id, meetingId: Id) => `${meeting(id, meetingId)}/delete`,
  groupCalendarRenew: (id: Id) => `${group(id)}/calendar/renew`,

  groupMedia: (id: Id) => `${group(id)}/media`,
  groupMediumNew: (id: Id) => `${group(id)}/media/new`,
  groupMedium: medium,
  groupMediumFile: (id: Id, mediumId: Id) => `${medium(id, mediumId)}/file`,
  groupMediumThumbnail: (id: Id, mediumId: Id) => `${medium(id, mediumId)}/thumbnail`,
  groupMediumDelete: (id: Id, mediumId: Id) => `${medium(id, mediumId)}/delete`,
  groupBeforeAfter: (id: Id) => `${group(id)}/before-after`,

  groupAssessments: (id: Id) => `${group(id)}/assessments`,
  groupAssessment: (id: Id, moment: string) => `${group(id)}/assessments/${moment}`,

  groupCertificates: (id: Id) => `${group(id)}/certificates`,
  groupYouthCertificate: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/certificate`,
  groupYouthCertificateApprove: (id: Id, enrolmentId: Id) => `${youth(id, enrolmentId)}/certificate/approve`,
  groupYouthCertificatePdf: (id: Id, enrolmentId: Id, lang: string) => `${youth(id, enrolmentId)}/certificate.pdf?lang=${lang}`,

  groupRestitution: (id: Id) => `${group(id)}/restitution`,
  groupRestitutionNew: (id: Id) => `${group(id)}/restitution/new`,
  groupRestitutionEvent: restitutionEvent,
  groupRestitutionEventEdit: (id: Id, eventId: Id) => `${restitutionEvent(id, eventId)}/edit`,
  groupRestitutionEventDelete: (id: Id, eventId: Id) => `${restitutionEvent(id, eventId)}/delete`,

  groupStaySheet: (id: Id) => `${group(id)}/stay/sheet`,
  groupStaySheetPdf: (id: Id) => `${group(id)}/stay/sheet.pdf`,
  groupErasmusXlsx: (id: Id) => `${group(id)}/erasmus.xlsx`,
  groupErasmusCsv: (id: Id) => `${group(id)}/erasmus.csv`,
  groupStaySheetEdit: (id: Id) => `${group(id)}/stay/sheet/edit`,
  groupIncidents: (id: Id) => `${group(id)}/stay/incidents`,
  groupIncidentNew: (id: Id) => `${group(id)}/stay/incidents/new`,
  groupIncident: incident,
  groupIncidentAcknowledge: (id: Id, incidentId: Id) => `${incident(id, incidentId)}/acknowledge`,
  groupIncidentEdit: (id: Id, incidentId: Id) => `${incident(id, incidentId)}/edit`,
  groupDailyNotes: (id: Id) => `${group(id)}/stay/notes`,
  groupDailyNoteNew: (id: Id) => `${group(id)}/stay/notes/new`,

  groupBudget: (id: Id) => `${group(id)}/budget`,
  groupBudgetPlanned: (id: Id) => `${group(id)}/budget/planned`,
  groupBudgetSpendings: (id: Id) => `${group(id)}/budget/spendings`,
  groupBudgetFunders: (id: Id) => `${group(id)}/budget/funders`,
  groupBudgetFunderStatus: (id: Id, funderId: Id) => `${group(id)}/budget/funders/${funderId}/status`,
  groupBudgetErasmus: (id: Id) => `${group(id)}/budget/erasmus`,
  budgetRates: '/budget/rates',

  groupFollowUps: (id: Id) => `${group(id)}/followups`,
  groupFollowUpSchedule: (id: Id) => `${group(id)}/followups/schedule`,
  groupFollowUp: followUp,
  groupFollowUpDue: (id: Id, followUpId: Id) => `${followUp(id, followUpId)}/due`,
  groupPeerLeaders: (id: Id) => `${group(id)}/peer-leaders`,
  groupPeerLeaderNew: (id: Id) => `${group(id)}/peer-leaders/new`,
} as const;

