import dayjs from 'dayjs';
import type { Db } from '../src/db/knex.js';
import { isPostgres } from '../src/db/knex.js';
import { emptyTable } from '../src/db/emptying.js';
import { hashPassword } from '../src/auth/passwords.js';
import { DEMO_PASSWORD } from '../src/demo/demo-data.js';

/**
 * Ten years of a regional network, for `npm run demo:large` and `npm run bench:dashboard`: about 1,000
 * groups, 10,000 youths, 200,000 attendance lines, 40,000 follow-ups and 3,000 restitution events, with
 * withdrawals, self-assessments and engagement so that every figure of the dashboard has something to say.
 * Names are invented and repeat; a seeded generator makes two runs identical.
 *
 * Rows are written with their ids chosen here (the tables are empty), in batches inside one transaction:
 * thousands of single inserts would take minutes on SQLite.
 */
export interface LargeNetworkSize {
  groups: number;
  youthsPerGroup: number;
  meetingsPerGroup: number;
  /** How many structures share the groups: the twelve named ones, or that many numbered missions locales in one network. */
  structures?: number;
}

export const LARGE_NETWORK: LargeNetworkSize = { groups: 1000, youthsPerGroup: 11, meetingsPerGroup: 23 };

/**
 * `--national`: ten times the regional network, across 400 structures of one national network (about 440
 * missions locales in France), with its coordinator: about 10,000 groups, 100,000 youths, 2,000,000
 * attendance lines.
 */
export const NATIONAL_NETWORK: LargeNetworkSize = { groups: 10000, youthsPerGroup: 11, meetingsPerGroup: 23, structures: 400 };

export const LARGE_NETWORK_LOGINS = {
  director: 'direction@reseau.test', admin: 'admin@reseau.test', worker: 'animateur1@reseau.test', coordinator: 'coordination@reseau.test',
};

// Children before parents, so foreign keys never object when the tables are emptied.
const TABLES_IN_DELETE_ORDER = [
  'follow_up_attempts', 'follow_ups', 'restitution_media', 'restitution_presenters', 'restitution_events', 'audit_log', 'youth_documents', 'group_requirements',
  'media_youths', 'media', 'image_consents', 'assessment_answers', 'assessments', 'sessions', 'one_time_codes', 'attendance', 'meetings',
  'departure_approvals', 'phase_transitions', 'withdrawals', 'enrolments', 'youths', 'group_funders', 'group_companions', 'group_workers',
  'groups', 'users', 'structures', 'networks',
];

const SEQUENCED = ['networks', 'users', 'structures', 'groups', 'youths', 'enrolments', 'withdrawals', 'meetings', 'restitution_events', 'follow_ups', 'follow_up_attempts', 'assessments'];

/** A small seeded generator (mulberry32): the same network every run, so benchmarks compare like with like. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = ['Inès', 'Lucas', 'Awa', 'Yanis', 'Léa', 'Samir', 'Chloé', 'Kevin', 'Maëlle', 'Jordan', 'Nora', 'Hugo', 'Fatou', 'Théo', 'Sarah', 'Mehdi', 'Jade', 'Enzo', 'Aïcha', 'Louis', 'Manon', 'Bilal', 'Océane', 'Rayan'];
const LAST = ['Diallo', 'Lefèvre', 'Traoré', 'Benchikh', 'Martin', 'Haddad', 'Dupont', 'Petit', 'Roux', 'Blanc', 'Sow', 'Moreau', 'Girard', 'Bonnet', 'Mercier', 'Camara', 'Lambert', 'Fontaine', 'Keita', 'Rousseau'];
const STRUCTURES = [
  'Mission locale Sambre-Avesnois', 'Mission locale du Douaisis', "MJC d'Halluin", 'STAJ Nord Artois', 'Ville du Portel', 'Ville de Roubaix',
  'Mission locale de Lens', 'MJC de Tourcoing', 'Centre social de Wattrelos', 'Ville de Calais', 'Mission locale de Dunkerque', 'Maison de quartier de Fives',
];
const DESTINATIONS: [country: string, place: string][] = [
  ['ML', 'Sadiola'], ['CM', 'Bafou'], ['BF', 'Kawara'], ['MA', 'Agadir'], ['MG', 'Antsirabe'], ['DZ', 'Tizi Ouzou'], ['SN', 'Saint-Louis'], ['TN', 'Sfax'],
];
const SITUATIONS_BEFORE = ['job_seeking', 'job_seeking', 'job_seeking', 'school', 'training', 'employed', 'other'];
const SITUATIONS_AFTER = ['employed', 'employed', 'training', 'training', 'school', 'job_seeking', 'job_seeking', 'other'];
const REASONS = ['job', 'job', 'training', 'pregnancy', 'health', 'family', 'lost_contact', 'lost_contact', 'other'];
const ENGAGEMENTS = ['joined_council', 'created_association', 'volunteering', 'prepares_new_group', 'peer_leader', 'spoke_at_restitution'];
const MILESTONES = [1, 3, 6, 12];

type Row = Record<string, unknown>;

export interface LargeNetworkReport {
  counts: Record<string, number>;
  ms: number;
}

/** Empties the database and writes the network. `today` fixes the phases (groups away now, back, preparing). */
export async function loadLargeNetwork(db: Db, size: LargeNetworkSize = LARGE_NETWORK, today = dayjs()): Promise<LargeNetworkReport> {
  const started = Date.now();
  const rnd = random(20091124);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const chance = (p: number) => rnd() < p;
  const iso = today.toISOString();
  const day = (d: dayjs.Dayjs) => d.format('YYYY-MM-DD');

  // Each table's rows, in insertion order.
  const t: Record<string, Row[]> = {
    networks: [], structures: [], users: [], groups: [], group_workers: [], youths: [], enrolments: [], withdrawals: [], meetings: [], attendance: [],
    restitution_events: [], restitution_presenters: [], follow_ups: [], follow_up_attempts: [], assessments: [], assessment_answers: [],
  };
  const hash = await hashPassword(DEMO_PASSWORD);
  // The director and the admin are of the first structure; the workers spread over all of them.
  const user = (role: string, email: string, name: string, structureId: number | null = 1, networkId: number | null = null) => {
    const id = t.users!.length + 1;
    t.users!.push({ id, role, email, display_name: name, password_hash: hash, active: true, structure_id: structureId, network_id: networkId, created_at: iso, updated_at: iso });
    return id;
  };
  const structureNames = size.structures ? Array.from({ length: size.structures }, (_, i) => `Mission locale n° ${i + 1}`) : STRUCTURES;
  t.networks!.push({ id: 1, name: size.structures ? 'Réseau national des missions locales' : 'Lianes coopération, Nord-Pas de Calais', created_at: iso });
  structureNames.forEach((name, i) => t.structures!.push({ id: i + 1, name, town: name.split(' ').pop(), network_id: 1, named_in_network: i % 10 !== 9, created_at: iso }));
  user('director', LARGE_NETWORK_LOGINS.director, 'Françoise Delcroix');
  user('admin', LARGE_NETWORK_LOGINS.admin, 'Alice Admin');
  user('coordinator', LARGE_NETWORK_LOGINS.coordinator, 'Hélène Vasseur', null, 1);
  // Groups are led by workers of their own structure: two per structure at least, 40 for the regional network.
  const workerCount = Math.max(40, structureNames.length * 2);
  const workers = Array.from({ length: workerCount }, (_, i) => user('worker', `animateur${i + 1}@reseau.test`, `${pick(FIRST)} ${pick(LAST)} (${i + 1})`, 1 + (i % structureNames.length)));
  const byStructure = new Map<number, number[]>();
  workers.forEach((w, i) => byStructure.set(1 + (i % structureNames.length), [...(byStructure.get(1 + (i % structureNames.length)) ?? []), w]));
  const workersOf = (structureId: number) => byStructure.get(structureId)!;

  const competences: { id: number }[] = await db('competences').orderBy('position').select('id');
  const start = today.subtract(10, 'year');
  const spanDays = today.add(8, 'month').diff(start, 'day');
  const phaseOf = (departure: dayjs.Dayjs, back: dayjs.Dayjs): string => {
    if (departure.isAfter(today.add(14, 'day'))) return 'preparation';
    if (departure.isAfter(today)) return 'departure';
    if (!back.isBefore(today)) return 'stay';
    if (back.isAfter(today.subtract(1, 'month'))) return 'return';
    if (back.isAfter(today.subtract(5, 'month'))) return 'restitution';
    return 'after';
  };
  const rank = (p: string) => ['preparation', 'departure', 'stay', 'return', 'restitution', 'after'].indexOf(p);

  let youthId = 0;
  const pastYouths: number[] = [];
  for (let g = 1; g <= size.groups; g++) {
    const departure = start.add(Math.floor(((g - 0.5) * spanDays) / size.groups), 'day');
    const days = 12 + Math.floor(rnd() * 12);
    const back = departure.add(days, 'day');
    const phase = phaseOf(departure, back);
    const [country, place] = pick(DESTINATIONS);
    const structureId = 1 + Math.floor(rnd() * structureNames.length);
    const own = workersOf(structureId);
    const lead = pick(own);
    t.groups!.push({
      id: g, name: `${place} ${departure.year()} — groupe ${g}`, structure_id: structureId, destination_country: country, destination_place: place,
      departure_date: day(departure), return_date: day(back), phase, min_attendance_pct: 60, created_by: lead, created_at: iso, updated_at: iso,
    });
    t.group_workers!.push({ group_id: g, user_id: lead, role: 'lead' });
    if (chance(0.3)) {
      const co = pick(own);
      if (co !== lead) t.group_workers!.push({ group_id: g, user_id: co, role: 'co_lead' });
    }

    // Meetings every week or so before the departure; registers only for those already held.
    const meetings: { id: number; on: dayjs.Dayjs; held: boolean }[] = [];
    for (let m = size.meetingsPerGroup; m >= 1; m--) {
      const on = departure.subtract(m * 8, 'day');
      const id = t.meetings!.length + 1;
      const held = on.isBefore(today);
      meetings.push({ id, on, held });
      t.meetings!.push({
        id, group_id: g, starts_at: `${day(on)}T14:00`, duration_minutes: 120, type: 'project', phase: 'preparation',
        register_taken_at: held ? on.add(3, 'hour').toISOString() : null, created_by: lead, created_at: iso,
      });
    }
    const events: number[] = [];
    if (rank(phase) >= rank('restitution') || (phase === 'return' && chance(0.3))) {
      const n = 2 + Math.floor(rnd() * 4);
      for (let k = 0; k < n; k++) {
        const id = t.restitution_events!.length + 1;
        events.push(id);
        const held = back.add(10 + k * 25, 'day');
        t.restitution_events!.push({
          id, group_id: g, held_on: day(held.isAfter(today) ? today : held), type: pick(['school', 'public_meeting', 'exhibition', 'ssi']),
          audience_total: 10 + Math.floor(rnd() * 70), created_by: lead, created_at: iso, updated_at: iso,
        });
      }
    }

    const enrolledOn = departure.subtract(9, 'month');
    const members = size.youthsPerGroup - 1 + Math.floor(rnd() * 3);
    for (let y = 0; y < members; y++) {
      // Some youths come back in a later group as peer leaders: the same person, counted once.
      const peer = y === 0 && pastYouths.length > 50 && chance(0.3);
      let yid: number;
      if (peer) yid = pastYouths[Math.floor(rnd() * pastYouths.length)]!;
      else {
        yid = ++youthId;
        t.youths!.push({
          id: yid, first_name: pick(FIRST), last_name: pick(LAST), birth_date: day(departure.subtract(16 + Math.floor(rnd() * 9), 'year').subtract(Math.floor(rnd() * 360), 'day')),
          created_at: iso,
        });
      }
      const eid = t.enrolments!.length + 1;
      const departing = !chance(0.04);
      // Withdrawals: mostly during the preparation ("we start with 10 youths but only 4 or 5 leave").
      let withdrawal: Row | null = null;
      if (!peer && chance(0.3)) {
        const during = rank(phase) === 0 || chance(0.85) ? 'preparation' : pick(['departure', 'stay', 'return']);
        if (rank(during) <= rank(phase)) {
          const on = during === 'preparation' ? enrolledOn.add(Math.floor(rnd() * 240), 'day') : departure.add(Math.floor(rnd() * days), 'day');
          withdrawal = {
            id: t.withdrawals!.length + 1, enrolment_id: eid, phase: during, withdrawn_on: day(on.isAfter(today) ? today : on), reason: pick(REASONS),
            stays_in_touch: chance(0.7), recorded_by: lead, created_at: iso,
          };
          t.withdrawals!.push(withdrawal);
        }
      }
      t.enrolments!.push({
        id: eid, group_id: g, youth_id: yid, role: peer ? 'peer_leader' : 'participant', status: withdrawal ? 'withdrawn' : 'enrolled',
        enrolled_on: day(enrolledOn), situation_at_enrolment: chance(0.9) ? pick(SITUATIONS_BEFORE) : null, departing, created_at: iso,
      });
      if (!peer) pastYouths.push(yid);
      const leftOn = withdrawal ? String(withdrawal.withdrawn_on) : null;
      for (const m of meetings) {
        if (!m.held || (leftOn && day(m.on) > leftOn)) continue;
        const r = rnd();
        t.attendance!.push({ meeting_id: m.id, enrolment_id: eid, status: r < 0.72 ? 'present' : r < 0.8 ? 'late' : r < 0.88 ? 'excused' : 'absent', recorded_at: iso });
      }
      const left = Boolean(withdrawal);
      const wentAndCameBack = !left && departing && rank(phase) >= rank('return');
      if (!left && (rank(phase) >= rank('departure') || chance(0.5))) {
        const aid = t.assessments!.length + 1;
        t.assessments!.push({ id: aid, enrolment_id: eid, moment: 'before', filled_at: departure.subtract(30, 'day').toISOString() });
        for (const c of competences) t.assessment_answers!.push({ assessment_id: aid, competence_id: c.id, score: 1 + Math.floor(rnd() * 3) });
      }
      if (wentAndCameBack && chance(0.85)) {
        const aid = t.assessments!.length + 1;
        t.assessments!.push({ id: aid, enrolment_id: eid, moment: 'after', filled_at: back.add(20, 'day').toISOString() });
        for (const c of competences) t.assessment_answers!.push({ assessment_id: aid, competence_id: c.id, score: 2 + Math.floor(rnd() * 4) });
      }
      if (wentAndCameBack && events.length && chance(0.7)) t.restitution_presenters!.push({ event_id: pick(events), enrolment_id: eid });
      // Follow-ups of the youths still in the group and of those who left but stay in touch.
      if (rank(phase) >= rank('return') && (!left || withdrawal!.stays_in_touch)) {
        for (const months of MILESTONES) {
          const due = back.add(months, 'month');
          // Tried once; a call that did not reach the youth leaves the follow-up open.
          const tried = due.isBefore(today) && chance(0.82);
          const reached = tried && chance(0.9);
          const engaged = reached && months >= 6;
          const triedOn = tried ? day(due.add(Math.floor(rnd() * 10), 'day')) : null;
          const id = t.follow_ups!.length + 1;
          const row: Row = {
            id, enrolment_id: eid, milestone_months: months, due_on: day(due), done_on: reached ? triedOn : null,
            reached: tried ? reached : null, situation: reached ? pick(SITUATIONS_AFTER) : null, recorded_by: reached ? lead : null, created_at: iso, updated_at: iso,
          };
          for (const e of ENGAGEMENTS) row[e] = engaged && chance(e === 'volunteering' ? 0.3 : 0.1);
          t.follow_ups!.push(row);
          if (tried) t.follow_up_attempts!.push({ id: t.follow_up_attempts!.length + 1, follow_up_id: id, tried_on: triedOn, reached, recorded_by: lead, created_at: iso });
        }
      }
    }
  }

  const sqlite = !isPostgres(db);
  // SQLite allows 32,766 bound values per statement since 3.32 (999 before); PostgreSQL 65,535.
  const maxVariables = sqlite ? await sqliteVariableLimit(db) : 30000;
  await db.transaction(async (trx) => {
    // Tables added since this list was written (none of them a parent of these, so far) are emptied first.
    // The competences (written by their migration) are kept: the self-assessments refer to them.
    const known = new Set([...TABLES_IN_DELETE_ORDER, 'competences']);
    const others = (await listTables(trx, sqlite)).filter((name) => !known.has(name) && !name.startsWith('knex_'));
    for (const table of [...others, ...TABLES_IN_DELETE_ORDER]) await emptyTable(trx, table);
    for (const [table, rows] of Object.entries(t)) {
      if (!rows.length) continue;
      const columns = Object.keys(rows[0]!).length;
      // knex writes a multi-row insert on SQLite as a compound SELECT, limited to 500 terms.
      const chunk = Math.max(1, Math.min(sqlite ? 500 : 5000, Math.floor(maxVariables / columns)));
      await trx.batchInsert(table, rows, chunk);
    }
    // The ids were chosen here: PostgreSQL's sequences must be told, or the next insert would collide.
    if (!sqlite) {
      for (const table of SEQUENCED) {
        await trx.raw(`select setval(pg_get_serial_sequence('${table}', 'id'), greatest((select max(id) from ${table}), 1))`);
      }
    }
  });
  // Fresh statistics, so the planners choose their indexes from the real sizes.
  await db.raw(sqlite ? 'analyze' : 'vacuum analyze');
  return { counts: Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length])), ms: Date.now() - started };
}

async function sqliteVariableLimit(db: Db): Promise<number> {
  const [row] = await db.raw('select sqlite_version() as v');
  const [major, minor] = String(row.v).split('.').map(Number) as [number, number];
  return major > 3 || (major === 3 && minor >= 32) ? 32000 : 999;
}

async function listTables(db: Db, sqlite: boolean): Promise<string[]> {
  if (!sqlite) return (await db.raw("select tablename from pg_tables where schemaname = 'public'")).rows.map((r: { tablename: string }) => r.tablename);
  return (await db.raw("select name from sqlite_master where type = 'table' and name not like 'sqlite_%'")).map((r: { name: string }) => r.name);
}
