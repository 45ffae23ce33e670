import type { Role } from '../users/user.js';

/** How the signed-in user reaches a group; the scoped loader works it out, permissions only read it. */
export type GroupAccess = 'lead' | 'co_lead' | 'youth' | 'director';

/** Where a youth stands in the group: in the project, or gone from it and still taking part in group life or not. */
export type YouthStanding = 'enrolled' | 'left_in_touch' | 'left_out_of_touch';

export interface GroupRecord {
  id: number;
  access: GroupAccess;
  /** For a youth's access: their standing (the loader reads their enrolment and withdrawal). */
  standing?: YouthStanding | null;
}

/** A group with the structure it belongs to, for the questions whose answer depends on it. */
export interface StructureGroupRecord extends GroupRecord {
  structure_id: number;
}

export interface AccountRecord {
  id: number;
  role: Role;
}

/** A record that belongs to one youth of a group: their documents, their consent. */
export interface YouthRecord {
  group: GroupRecord;
  /** The account of the youth it belongs to, if they have one. */
  youthUserId: number | null;
}

/** A medium (video, photo, audio, logbook entry) of a group, with who uploaded it. */
export interface MediumRecord {
  group: GroupRecord;
  uploadedBy: number | null;
}

/** A youth who might be named as appearing in a medium: the medium, and whose account (if any) the youth's is. */
export interface TagRecord {
  medium: MediumRecord;
  youthUserId: number | null;
}

type Rule<R = undefined> = (user: Express.User, record: R) => boolean;

const isWorker = (u: Express.User) => u.role === 'worker';
const leadsGroup = (u: Express.User, g: GroupRecord) => isWorker(u) && (g.access === 'lead' || g.access === 'co_lead');
// A youth who left the project no longer adds to the group's media nor changes them, their own included.
const postsToGroup = (u: Express.User, g: GroupRecord) => u.role === 'youth' && g.access === 'youth' && g.standing === 'enrolled';
// A youth's own record read by the adults in charge of the group (its leads, its structure's director) and by the youth.
const inChargeOrOwn = (u: Express.User, r: YouthRecord) =>
  leadsGroup(u, r.group) || (u.role === 'director' && r.group.access === 'director') || (u.role === 'youth' && r.youthUserId === u.id);
const editsMedium = (u: Express.User, m: MediumRecord) => leadsGroup(u, m.group) || (postsToGroup(u, m.group) && m.uploadedBy === u.id);
const readsEmergencySheet = (u: Express.User, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director');

// Every yes/no question the app asks lives here, so the whole policy can be read (and tested) in one place.
const rules = {
  listGroups: (u) => u.role === 'director' || u.role === 'worker' || u.role === 'youth',
  createGroup: (u) => isWorker(u),
  viewGroup: (u, g: GroupRecord) => u.role !== 'admin' && Boolean(g.access),
  editGroup: (u, g: GroupRecord) => leadsGroup(u, g),
  // Cloning makes a new group of the same structure led by the one who clones it, from a group they lead: a
  // co-lead lent by another structure does not start this structure's next project.
  cloneGroup: (u, g: StructureGroupRecord) => leadsGroup(u, g) && g.structure_id === u.structureId,
  // Youths' files (birth date, phone, emergency contact, why they left) are for the adults in charge.
  viewYouthFiles: (u, g: GroupRecord) => leadsGroup(u, g) || u.role === 'director',
  // What funders count on the file (gender, fewer opportunities...): read as the file is, and by the youth
  // themselves, who is told what each answer is for.
  viewFunderFacts: (u, r: YouthRecord) => leadsGroup(u, r.group) || u.role === 'director' || (u.role === 'youth' && r.youthUserId === u.id),
  // The Erasmus+ module's file of the group's youths: names, birth dates and what funders count leave the
  // app in it, so it is for whoever reads those files, and nobody else learns it exists.
  exportErasmus: (u, g: GroupRecord) => leadsGroup(u, g) || u.role === 'director',
  manageYouths: (u, g: GroupRecord) => leadsGroup(u, g),
  createYouthAccount: (u, g: GroupRecord) => leadsGroup(u, g),
  viewMeetings: (u, g: GroupRecord) => u.role !== 'admin' && Boolean(g.access),
  manageMeetings: (u, g: GroupRecord) => leadsGroup(u, g),
  takeAttendance: (u, g: GroupRecord) => leadsGroup(u, g),
  viewAttendance: (u, g: GroupRecord) => leadsGroup(u, g) || u.role === 'director',
  // Every youth of the group sees the calendar link; a link that went round outside it is the leads' to replace.
  renewCalendarLink: (u, g: GroupRecord) => leadsGroup(u, g),
  changePhase: (u, g: GroupRecord) => leadsGroup(u, g),
  // Directors are read-only apart from this: saying yes to a departure, or letting it go despite gaps.
  approveDeparture: (u, g: GroupRecord) => u.role === 'director' && g.access === 'director',
  // Youths' papers (passport, health...) are personal data of minors: the adults in charge of the group
  // and the youth themselves, nobody else — not the other youths of the group.
  viewYouthDocuments: (u, r: YouthRecord) =>
    leadsGroup(u, r.group) || (u.role === 'director' && r.group.access === 'director') || (u.role === 'youth' && r.youthUserId === u.id),
  uploadYouthDocument: (u, r: YouthRecord) => leadsGroup(u, r.group) || (u.role === 'youth' && r.youthUserId === u.id),
  checkYouthDocuments: (u, r: YouthRecord) => leadsGroup(u, r.group),
  checkGroupDocuments: (u, g: GroupRecord) => leadsGroup(u, g),
  manageRequirements: (u, g: GroupRecord) => leadsGroup(u, g),
  viewReadiness: (u, g: GroupRecord) => leadsGroup(u, g) || u.role === 'director',
  recordConsent: (u, r: YouthRecord) => leadsGroup(u, r.group),
  // Out of touch, a youth who left no longer takes part in group life: the group's media, where the other
  // youths' images are (their consent is for the group), are closed to them — what they uploaded too.
  viewMedia: (u, g: GroupRecord) => u.role !== 'admin' && Boolean(g.access) && !(u.role === 'youth' && g.standing === 'left_out_of_touch'),
  uploadMedia: (u, g: GroupRecord) => leadsGroup(u, g) || postsToGroup(u, g),
  editMedium: (u, m: MediumRecord) => editsMedium(u, m),
  // Naming who appears in a medium is the adults' call: a youth may say only that they are in it themselves,
  // never put another youth (whose image is theirs, or their parents', to give) on it.
  tagYouth: (u, t: TagRecord) => editsMedium(u, t.medium) && (leadsGroup(u, t.medium.group) || (u.role === 'youth' && t.youthUserId === u.id)),
  // Showing a medium beyond the group (restitution events, publication) is the adults' call, and only as far
  // as every youth in it consented.
  decideMediumUse: (u, m: MediumRecord) => leadsGroup(u, m.group),
  // The self-assessment is the youth's own word: only they fill it (never a worker for them), from their
  // own account; the adults in charge read everyone's, a youth reads only their own.
  fillAssessment: (u, r: YouthRecord) => u.role === 'youth' && r.group.access === 'youth' && r.youthUserId === u.id,
  viewAssessments: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  viewYouthAssessment: (u, r: YouthRecord) =>
    leadsGroup(u, r.group) || (u.role === 'director' && r.group.access === 'director') || (u.role === 'youth' && r.youthUserId === u.id),
  manageCompetences: (u) => u.role === 'admin',
  // "My journey" is a youth's own page: the adults have the group pages.
  viewJourney: (u) => u.role === 'youth',
  // Restitution events are the group's public face: everyone in the group reads them; the leads record them.
  viewRestitution: (u, g: GroupRecord) => u.role !== 'admin' && Boolean(g.access),
  manageRestitution: (u, g: GroupRecord) => leadsGroup(u, g),
  // Follow-ups say what became of each youth (job, training, engagement): personal data, for the adults in
  // charge only — the leads and the directors, never the youths.
  viewFollowUps: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  recordFollowUp: (u, g: GroupRecord) => leadsGroup(u, g),
  // Bringing back a youth of an earlier group (one the worker can see) as peer leader of a group they lead.
  enrolPeerLeader: (u, g: GroupRecord) => leadsGroup(u, g),
  // The outcome dashboard: a director and the structure's admin read the figures of every group of their
  // structure; a worker reads the same figures for the groups they lead (the report queries narrow to them).
  // The names behind a figure are for those who may open youths' files (not the admin); exports for funders
  // are the directors' and admins' business.
  readDashboard: (u) => u.role === 'director' || u.role === 'admin' || isWorker(u),
  readReportYouths: (u) => u.role === 'director' || isWorker(u),
  exportReports: (u) => u.role === 'director' || u.role === 'admin',
  viewAuditLog: (u) => u.role === 'admin',
  // What the app sent to whom (the texts, a code included while no provider is configured): the
  // structure's admin, who sets the app up; an admin placed in no structure has no messages.
  viewOutbox: (u) => u.role === 'admin' && u.structureId !== null,
  // The morning e-mail of what is due today is the home page's, for those who have one: workers and
  // directors choose it for their own account, nobody for someone else.
  chooseMorningEmail: (u) => u.role === 'worker' || u.role === 'director',
  viewRetention: (u) => u.role === 'admin' || u.role === 'director',
  // The structure's admin manages the structure's accounts; an admin placed in no structure has none.
  manageAccounts: (u) => u.role === 'admin' && u.structureId !== null,
  // An admin must not lock themselves out by deactivating their own account.
  deactivateAccount: (u, a: AccountRecord) => u.role === 'admin' && a.id !== u.id,
  issueYouthCode: (u, a: AccountRecord) => u.role === 'admin' && a.role === 'youth',
  // A structure's own choices about itself (being named to its network): its admin's.
  manageStructure: (u) => u.role === 'admin' && u.structureId !== null,
  // The network's figures, structure by structure: its coordinator's, figures only — no name of a youth,
  // a group or a worker, and the small counts hidden (the coordinator may not read youths' names).
  readNetwork: (u) => u.role === 'coordinator' && u.networkId !== null,
  // Opening networks and structures and their first accounts. The platform's admin reads no youth data:
  // its scope holds no group (src/groups/group.ts), so every group and youth page is a 404 for it.
  managePlatform: (u) => u.role === 'platform_admin',
  // Saying that a file of this group and a file of another structure are one youth: a lead of this group,
  // who must see the other file through their own scope too (src/participants/youth-link.ts). Never a
  // director: linking shows a structure's file to someone of another.
  linkYouthFiles: (u, g: GroupRecord) => leadsGroup(u, g),
  // The stay. The emergency sheet (identity, emergency contacts, health notes) goes with the adults in charge
  // of the group — its leads and co-leads, who are the accompanying workers — and its director; the leads keep
  // it up to date. Incidents and the adults' daily notes name youths: the same readers as the youths' files.
  // Acknowledging a serious incident is the director's, the one read-only role's other act besides approvals.
  viewEmergencySheet: (u, g: GroupRecord) => readsEmergencySheet(u, g),
  editEmergencySheet: (u, g: GroupRecord) => leadsGroup(u, g),
  viewIncidents: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  recordIncident: (u, g: GroupRecord) => leadsGroup(u, g),
  // Completing or correcting one afterwards (each earlier version kept): whoever may log one.
  correctIncident: (u, g: GroupRecord) => leadsGroup(u, g),
  acknowledgeIncident: (u, g: GroupRecord) => u.role === 'director' && g.access === 'director',
  viewDailyNotes: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  writeDailyNote: (u, g: GroupRecord) => leadsGroup(u, g),
  // A group's budget: its leads plan it and record what they spend and what funders said; the director reads
  // every group's of the structure and keeps the structure's Erasmus+ rates. Youths see nothing of it (404).
  viewBudget: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  editBudget: (u, g: GroupRecord) => leadsGroup(u, g),
  editErasmusRates: (u) => u.role === 'director' && u.structureId !== null,
  // Without network (src/http/offline.ts): which pages a phone may keep for reading offline. Only what its
  // reader needs where there is no network — the register they take, the emergency sheet they carry — and
  // never on a youth's phone (whose pages are their own, and kept nowhere).
  keepRegisterOffline: (u, g: GroupRecord) => leadsGroup(u, g),
  keepEmergencySheetOffline: (u, g: GroupRecord) => u.role !== 'youth' && readsEmergencySheet(u, g),
  // The certificate (Youthpass's "the learner writes, the organisation confirms"): the youth writes their own,
  // a lead of the group confirms it, and the adults in charge and the youth read and download it; the group's
  // other youths never see it. A director reads, and does not sign for the worker who ran the project.
  viewCertificates: (u, g: GroupRecord) => leadsGroup(u, g) || (u.role === 'director' && g.access === 'director'),
  viewCertificate: (u, r: YouthRecord) => inChargeOrOwn(u, r),
  writeCertificate: (u, r: YouthRecord) => u.role === 'youth' && r.group.access === 'youth' && r.youthUserId === u.id,
  approveCertificate: (u, r: YouthRecord) => leadsGroup(u, r.group),
  // The papers the network's structures ask for by default: its coordinator's (and the platform's, on its pages).
  setNetworkPapers: (u) => u.role === 'coordinator' && u.networkId !== null,
} satisfies Record<string, Rule<never>>;

export type Action = keyof typeof rules;
export type RecordOf<A extends Action> = Parameters<(typeof rules)[A]>[1];

export function can<A extends Action>(user: Express.User | undefined | null, action: A, ...record: RecordOf<A> extends undefined ? [] : [RecordOf<A>]): boolean {
  if (!user) return false;
  const rule = rules[action] as Rule<unknown>;
  return rule(user, record[0]);
}
