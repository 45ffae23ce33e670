import dayjs from 'dayjs';
import { insertedId } from '../db/knex.js';
import type { Db } from '../db/knex.js';
import { nowIso } from '../db/time.js';
import { hashPassword } from '../auth/passwords.js';
import type { Phase } from '../phases/order.js';
import { loadDemoMeetings } from './demo-meetings.js';
import { loadDemoAssessments } from './demo-assessments.js';
import { addDemoYouthFiles } from './demo-youths.js';
import { loadDemoDocuments } from './demo-documents.js';
import { loadDemoMedia } from './demo-media.js';
import { loadDemoRestitution } from './demo-restitution.js';

/**
 * The demo groups come from the 2009 Lille proceedings (see shared/DOMAIN.md); the young people's names
 * are invented. Dates are placed relative to today so that every phase has a group in it whenever the demo
 * is loaded. Tests use the same data as named fixtures.
 */
export const DEMO_PASSWORD = 'tremplin-demo';

// Two structures of one regional network, as in the proceedings: the mission locale and the MJC.
export const DEMO_NETWORK = 'Lianes coopération, Nord-Pas de Calais';
const MISSION_LOCALE = 'Mission locale du Douaisis';
const MJC = "MJC d'Halluin";

/**
 * Every staff login of the demo. Karim and Élodie lead the groups of their own structure; Élodie is also lent
 * to the mission locale's group in Algeria as co-lead. The coordinator reads the network's figures, the
 * platform's admin opens networks and structures.
 */
export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@tremplin.test', displayName: 'Alice Admin', role: 'admin', structure: MISSION_LOCALE },
  director: { email: 'direction@tremplin.test', displayName: 'Françoise Delcroix', role: 'director', structure: MISSION_LOCALE },
  karim: { email: 'karim@tremplin.test', displayName: 'Karim Benali', role: 'worker', structure: MISSION_LOCALE },
  elodie: { email: 'elodie@tremplin.test', displayName: 'Élodie Martin', role: 'worker', structure: MJC },
  directorMjc: { email: 'direction.mjc@tremplin.test', displayName: 'Nadia Desmet', role: 'director', structure: MJC },
  coordinator: { email: 'coordination@tremplin.test', displayName: 'Hélène Vasseur', role: 'coordinator', structure: null },
  platform: { email: 'plateforme@tremplin.test', displayName: 'Paul Plateforme', role: 'platform_admin', structure: null },
} as const;

type DemoGroupKey = 'sadiola' | 'dispensaire' | 'bafou' | 'maroc' | 'kawara' | 'algerie';

interface DemoGroup {
  key: DemoGroupKey;
  name: string;
  structure: string;
  country: string;
  place: string;
  partner: string;
  theme: string;
  phase: Phase;
  /** Departure, in days from today; the stay lasts `days`. */
  departsIn: number;
  days: number;
  lead: keyof typeof DEMO_ACCOUNTS;
  coLead?: keyof typeof DEMO_ACCOUNTS;
  youths: [first: string, last: string, age: number, status?: 'withdrawn', username?: string][];
}

const STRUCTURES: [string, string][] = [
  [MISSION_LOCALE, 'Douai'],
  [MJC, 'Halluin'],
];

export const DEMO_GROUPS: DemoGroup[] = [
  {
    key: 'sadiola', name: 'Rencontre des jeunes de Sadiola', structure: MISSION_LOCALE,
    country: 'ML', place: 'Sadiola', partner: 'Mairie de Sadiola, avec la CC Cœur d’Ostrevent',
    theme: 'Rencontre et projet commun avec les jeunes de Sadiola', phase: 'preparation', departsIn: 120, days: 18,
    lead: 'karim',
    youths: [
      ['Inès', 'Dufour', 19, undefined, 'ines.d'], ['Yanis', 'Mebarki', 17], ['Léa', 'Vandamme', 21], ['Mamadou', 'Sissoko', 20],
      ['Chloé', 'Lefebvre', 18], ['Rayan', 'Boukhari', 22], ['Manon', 'Delattre', 16], ['Samir', 'Haddad', 24],
      ['Jade', 'Wattiez', 19], ['Kevin', 'Dubois', 23],
    ],
  },
  {
    key: 'dispensaire', name: 'Finir le dispensaire et la classe', structure: MISSION_LOCALE,
    country: 'ML', place: 'Kayes', partner: 'Association Kayes Solidarité', theme: 'Finir un dispensaire et une salle de classe',
    phase: 'after', departsIn: -400, days: 21, lead: 'karim',
    youths: [
      ['Sofiane', 'Amrani', 20], ['Laura', 'Carpentier', 22], ['Dylan', 'Lemaire', 19], ['Aïcha', 'Diallo', 21],
      ['Mathis', 'Leroy', 18, 'withdrawn'], ['Océane', 'Petit', 23, 'withdrawn'], ['Bilal', 'Saïdi', 24, 'withdrawn'],
      ['Emma', 'Caron', 20, 'withdrawn'], ['Nathan', 'Roussel', 25, 'withdrawn'], ['Sarah', 'Benoît', 19],
    ],
  },
  {
    key: 'bafou', name: 'Échange avec la MJC de Bafou', structure: MJC, country: 'CM', place: 'Bafou',
    partner: 'MJC de Bafou (jumelage Nkong-Zem)', theme: 'Théâtre et vidéo avec les jeunes de Bafou',
    phase: 'restitution', departsIn: -140, days: 21, lead: 'elodie',
    youths: [
      ['Lucas', 'Vermeersch', 18, undefined, 'lucas.v'], ['Amina', 'Kone', 17], ['Théo', 'Deschamps', 20], ['Maëlys', 'Ramos', 19],
      ['Ousmane', 'Ba', 21, 'withdrawn'], ['Clara', 'Dewitte', 16],
    ],
  },
  {
    key: 'maroc', name: 'Maison de quartier au Maroc', structure: MJC, country: 'MA', place: 'Azrou',
    partner: 'Association des jeunes d’Azrou', theme: 'Chantier et éducation à la solidarité internationale',
    phase: 'stay', departsIn: -10, days: 21, lead: 'elodie',
    youths: [
      ['Hugo', 'Lambert', 20], ['Nour', 'El Idrissi', 18], ['Enzo', 'Marchand', 22], ['Yasmine', 'Cherif', 19],
      ['Tom', 'Delvallez', 17, 'withdrawn'],
    ],
  },
  {
    key: 'kawara', name: 'Jumelage Le Portel – Kawara', structure: MJC, country: 'BF', place: 'Kawara',
    partner: 'Comité de jumelage de Kawara', theme: 'Appel à projets jeunes : école et jardin maraîcher',
    phase: 'departure', departsIn: 18, days: 15, lead: 'elodie',
    youths: [
      ['Camille', 'Fournier', 21], ['Adama', 'Traoré', 19], ['Louis', 'Boulanger', 18], ['Zoé', 'Lecomte', 17],
      ['Ilyes', 'Mansouri', 23], ['Lina', 'Gosselin', 20],
    ],
  },
  {
    key: 'algerie', name: 'Construire parasismique en Algérie', structure: MISSION_LOCALE, country: 'DZ', place: 'Boumerdès',
    partner: 'Lycée technique de Boumerdès', theme: 'Former et apprendre la construction parasismique',
    phase: 'return', departsIn: -35, days: 20, lead: 'karim', coLead: 'elodie',
    youths: [
      ['Walid', 'Benaïssa', 18], ['Sonia', 'Hamidi', 17], ['Anis', 'Zerrouki', 19], ['Kenza', 'Belkacem', 18],
      ['Nassim', 'Ould Ali', 20],
    ],
  },
];

export interface DemoIds {
  users: Record<keyof typeof DEMO_ACCOUNTS, number>;
  youthUsers: Record<string, number>;
  groups: Record<DemoGroupKey, number>;
  structures: Record<string, number>;
  network: number;
}

export async function loadDemoData(db: Db): Promise<DemoIds> {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const now = nowIso();
  const today = dayjs();
  return db.transaction(async (trx) => {
    const insertId = async (table: string, row: Record<string, unknown>): Promise<number> => {
      const [r] = await trx(table).insert(row).returning('id');
      return insertedId(r);
    };
    const network = await insertId('networks', { name: DEMO_NETWORK, created_at: now });
    const ids: DemoIds = { users: {} as DemoIds['users'], youthUsers: {}, groups: {} as DemoIds['groups'], structures: {}, network };
    for (const [name, town] of STRUCTURES) ids.structures[name] = await insertId('structures', { name, town, network_id: network, created_at: now });
    for (const [key, a] of Object.entries(DEMO_ACCOUNTS) as [keyof typeof DEMO_ACCOUNTS, (typeof DEMO_ACCOUNTS)[keyof typeof DEMO_ACCOUNTS]][]) {
      ids.users[key] = await insertId('users', {
        role: a.role, email: a.email, display_name: a.displayName, password_hash: passwordHash, active: true,
        structure_id: a.structure ? ids.structures[a.structure] : null, network_id: a.role === 'coordinator' ? network : null,
        created_at: now, updated_at: now,
      });
    }
    for (const g of DEMO_GROUPS) {
      const departure = today.add(g.departsIn, 'day');
      const groupId = await insertId('groups', {
        name: g.name, structure_id: ids.structures[g.structure], destination_country: g.country, destination_place: g.place,
        partner_name: g.partner, theme: g.theme, departure_date: departure.format('YYYY-MM-DD'),
        return_date: departure.add(g.days, 'day').format('YYYY-MM-DD'), phase: g.phase,
        created_by: ids.users[g.lead], created_at: now, updated_at: now,
      });
      ids.groups[g.key] = groupId;
      await trx('group_workers').insert({ group_id: groupId, user_id: ids.users[g.lead], role: 'lead' });
      if (g.coLead) await trx('group_workers').insert({ group_id: groupId, user_id: ids.users[g.coLead], role: 'co_lead' });
      const enrolledOn = departure.subtract(8, 'month');
      for (const [first, last, age, status, username] of g.youths) {
        let userId: number | null = null;
        if (username) {
          userId = await insertId('users', {
            role: 'youth', username, display_name: `${first} ${last}`, password_hash: passwordHash, active: true,
            structure_id: ids.structures[g.structure], created_at: now, updated_at: now,
          });
          ids.youthUsers[username] = userId;
        }
        // Ages are at departure, with a spread of birthdays so that "minor at departure" is sometimes close.
        const birth = departure.subtract(age, 'year').subtract((first.length * 37 + last.length * 11) % 300, 'day');
        const youthId = await insertId('youths', {
          user_id: userId, first_name: first, last_name: last, birth_date: birth.format('YYYY-MM-DD'), created_at: now,
        });
        await trx('enrolments').insert({
          group_id: groupId, youth_id: youthId, role: 'participant', status: status ?? 'enrolled',
          enrolled_on: enrolledOn.format('YYYY-MM-DD'), created_at: now,
        });
      }
    }
    await addDemoYouthFiles(trx, Object.values(ids.groups), [ids.groups.sadiola]);
    await loadDemoMeetings(trx, ids, now, today);
    await loadDemoAssessments(trx, ids, today);
    await loadDemoDocuments(trx, ids);
    await loadDemoMedia(trx, ids, today);
    await loadDemoRestitution(trx, ids, now, today);
    return ids;
  });
}

export function demoLogins(): string[] {
  const where = (a: (typeof DEMO_ACCOUNTS)[keyof typeof DEMO_ACCOUNTS]) => a.structure ?? (a.role === 'coordinator' ? DEMO_NETWORK : null);
  const staff = Object.values(DEMO_ACCOUNTS).map((a) => `  ${a.role.padEnd(14)} ${a.email}${where(a) ? `  (${where(a)})` : ''}`);
  const youths = DEMO_GROUPS.flatMap((g) => g.youths.filter((y) => y[4]).map((y) => `  ${'youth'.padEnd(14)} ${y[4]}  (${g.structure})`));
  return [...staff, ...youths, `  password for all: ${DEMO_PASSWORD}`];
}
