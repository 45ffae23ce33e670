import { expect } from 'chai';
import { appOnDemo, csrfFrom, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { expectEscaped, MARKUP, REAL_NAMES } from './support.js';

/**
 * Every form with a text field a person types in, given what people really type and what an attacker
 * would: left empty, far too long, with invisible control characters, in Arabic, Hebrew or with emoji, and
 * with HTML. Each form is one row of FORMS below; each row gets the same five checks.
 */

const today = () => new Date().toISOString().slice(0, 10);
let serial = 0;
const COMPANION_REQUIRED = 'Choisissez un·e animateur·rice ou écrivez un nom.';
const unique = () => String(++serial).padStart(3, '0');

interface FormCase {
  title: string;
  as: 'karim' | 'admin';
  /** The page with the form: its token, and where the re-rendered form is compared. */
  page: () => Promise<string>;
  action: () => Promise<string>;
  /** A complete, valid form; each call may differ (a youth enrolled twice is refused as a duplicate). */
  valid: () => Promise<Record<string, string>>;
  /** The text field the checks write into, its limit, and a required field to leave empty. */
  field: string;
  max: number;
  required: string;
  /** What the page says for it, when not "À remplir.". */
  requiredMessage?: string;
  /** Other typed fields that a refused form must give back. */
  kept: string[];
  /** Where the text is shown once saved (from the 303's Location). */
  shownAt: (location: string) => Promise<string[]>;
  /** What was stored in the field, to check the control characters are gone. */
  stored: () => Promise<string | null>;
}

describe('bad input: text fields in every form', function () {
  this.timeout(120_000);
  let ids: DemoIds;
  let agents: Record<FormCase['as'], Agent>;

  before(async () => {
    const demo = await appOnDemo('karim', 'admin');
    ids = demo.ids;
    agents = { karim: demo.karim, admin: demo.admin };
  });

  const g = () => ids.groups.sadiola;
  const latest = async (table: string, where: Record<string, unknown> = {}) => (await testDb()(table).where(where).orderBy('id', 'desc').first())!;
  const freshEnrolment = async (): Promise<number> => {
    const res = await send(agents.karim, `/groups/${g()}/youths/new`, `/groups/${g()}/youths`, { firstName: 'Départ', lastName: `Prévu ${unique()}`, birthDate: '2005-04-04' });
    expect(res.status, visibleText(res.text).slice(0, 300)).to.equal(303);
    return Number(/\/youths\/(\d+)/.exec(res.headers.location)![1]);
  };
  let withdrawing = 0;

  const FORMS: FormCase[] = [
    {
      title: 'POST /groups (new group)', as: 'karim', page: async () => '/groups/new', action: async () => '/groups',
      valid: async () => ({
        name: `Groupe ${unique()}`, structureId: String((await latest('structures')).id), destinationCountry: 'SN', destinationPlace: 'Saint-Louis',
        partnerName: 'Partenaire du Sénégal', theme: 'Un thème précis', departureDate: '2027-04-01', returnDate: '2027-04-20', minAttendancePct: '70',
      }),
      field: 'name', max: 160, required: 'name', kept: ['destinationPlace', 'partnerName', 'theme', 'departureDate', 'returnDate'],
      shownAt: async (loc) => [loc, '/groups'], stored: async () => (await latest('groups')).name,
    },
    {
      title: 'POST /groups/:id (group edited)', as: 'karim', page: async () => `/groups/${g()}/edit`, action: async () => `/groups/${g()}`,
      valid: async () => ({
        name: 'Rencontre des jeunes de Sadiola', structureId: String((await testDb()('groups').where({ id: g() }).first()).structure_id), destinationCountry: 'ML',
        destinationPlace: 'Sadiola', partnerName: 'Mairie de Sadiola', theme: 'Rencontre', departureDate: '2027-04-01', returnDate: '2027-04-20', minAttendancePct: '60',
      }),
      field: 'theme', max: 255, required: 'name', kept: ['destinationPlace', 'partnerName', 'theme'],
      shownAt: async (loc) => [loc], stored: async () => (await testDb()('groups').where({ id: g() }).first()).theme,
    },
    {
      title: 'POST /groups/:id/youths (youth enrolled)', as: 'karim', page: async () => `/groups/${g()}/youths/new`, action: async () => `/groups/${g()}/youths`,
      valid: async () => ({ firstName: 'Prénom', lastName: `Nom ${unique()}`, birthDate: '2007-06-15', phone: '06 12 34 56 78', referredBy: 'La mission locale', emergencyName: 'Sa mère' }),
      field: 'firstName', max: 80, required: 'firstName', kept: ['lastName', 'birthDate', 'phone', 'referredBy', 'emergencyName'],
      shownAt: async (loc) => [loc, `/groups/${g()}`], stored: async () => (await latest('youths')).first_name,
    },
    {
      title: 'POST /groups/:id/youths/:enrolmentId (youth file edited)', as: 'karim',
      page: async () => `/groups/${g()}/youths/${(await latest('enrolments', { group_id: g() })).id}/edit`,
      action: async () => `/groups/${g()}/youths/${(await latest('enrolments', { group_id: g() })).id}`,
      valid: async () => ({ firstName: 'Prénom', lastName: `Nom ${unique()}`, birthDate: '2007-06-15', referredBy: 'Le club de foot', emergencyName: 'Son père' }),
      field: 'lastName', max: 80, required: 'lastName', kept: ['firstName', 'birthDate', 'referredBy', 'emergencyName'],
      shownAt: async (loc) => [loc, `/groups/${g()}`], stored: async () => (await latest('youths')).last_name,
    },
    {
      title: 'POST /groups/:id/youths/:enrolmentId/withdraw (note)', as: 'karim',
      page: async () => `/groups/${g()}/youths/${(withdrawing = await freshEnrolment())}/withdraw`,
      action: async () => `/groups/${g()}/youths/${withdrawing}/withdraw`,
      valid: async () => ({ reason: 'other', note: 'Déménage à Lyon', withdrawnOn: today(), staysInTouch: 'yes' }),
      field: 'note', max: 1000, required: 'withdrawnOn', kept: ['note'],
      shownAt: async (loc) => [loc], stored: async () => (await latest('withdrawals')).note,
    },
    {
      title: 'POST /groups/:id/meetings (session planned)', as: 'karim', page: async () => `/groups/${g()}/meetings/new`, action: async () => `/groups/${g()}/meetings`,
      valid: async () => ({ date: '2027-01-15', time: '18:00', durationMinutes: '90', type: 'language', phase: 'preparation', place: `Salle ${unique()}`, notes: 'Apporter un carnet' }),
      field: 'place', max: 160, required: 'date', kept: ['place', 'notes', 'time'],
      shownAt: async (loc) => [loc, `/groups/${g()}/meetings/${(await latest('meetings', { group_id: g() })).id}`], stored: async () => (await latest('meetings')).place,
    },
    {
      title: 'POST /groups/:id/restitution (event recorded)', as: 'karim', page: async () => `/groups/${ids.groups.dispensaire}/restitution/new`,
      action: async () => `/groups/${ids.groups.dispensaire}/restitution`,
      valid: async () => ({ heldOn: today(), type: 'school', place: `Lycée ${unique()}`, audienceTotal: '40', notes: 'Deux classes de seconde' }),
      field: 'notes', max: 2000, required: 'heldOn', kept: ['place', 'notes', 'audienceTotal'],
      shownAt: async (loc) => [loc], stored: async () => (await latest('restitution_events')).notes,
    },
    {
      title: 'POST /groups/:id/followups/:followUpId (follow-up recorded)', as: 'karim',
      page: async () => `/groups/${ids.groups.dispensaire}/followups/${await dispensaireFollowUp()}`,
      action: async () => `/groups/${ids.groups.dispensaire}/followups/${await dispensaireFollowUp()}`,
      valid: async () => ({ doneOn: today(), reached: 'yes', situation: 'school', note: 'Messagerie pleine' }),
      field: 'note', max: 2000, required: 'doneOn', kept: ['note'],
      shownAt: async () => [`/groups/${ids.groups.dispensaire}/followups/${await dispensaireFollowUp()}`],
      stored: async () => (await testDb()('follow_ups').where({ id: await dispensaireFollowUp() }).first()).note,
    },
    {
      title: 'POST /groups/:id/funders (funder added)', as: 'karim', page: async () => `/groups/${g()}/edit`, action: async () => `/groups/${g()}/funders`,
      valid: async () => ({ funderName: `Région ${unique()}`, scheme: 'Erasmus+', amount: '1500' }),
      field: 'funderName', max: 160, required: 'funderName', kept: ['scheme', 'amount'],
      shownAt: async (loc) => [loc], stored: async () => (await latest('group_funders')).name,
    },
    {
      title: 'POST /groups/:id/companions (adult added)', as: 'karim', page: async () => `/groups/${g()}/edit`, action: async () => `/groups/${g()}/companions`,
      valid: async () => ({ companionName: `Élu ${unique()}`, companionRole: 'Adjoint à la jeunesse' }),
      field: 'companionName', max: 120, required: 'companionName', requiredMessage: COMPANION_REQUIRED, kept: ['companionRole'],
      shownAt: async (loc) => [loc, `/groups/${g()}`], stored: async () => (await latest('group_companions')).name,
    },
    {
      title: 'POST /groups/:id/clone (group cloned)', as: 'karim', page: async () => `/groups/${ids.groups.dispensaire}/clone`, action: async () => `/groups/${ids.groups.dispensaire}/clone`,
      valid: async () => ({ name: `Clone ${unique()}`, departureDate: '2027-07-01', returnDate: '2027-07-21' }),
      field: 'name', max: 160, required: 'name', kept: ['departureDate', 'returnDate'],
      shownAt: async (loc) => [loc, '/groups'], stored: async () => (await latest('groups')).name,
    },
    {
      title: 'POST /admin/users (account created)', as: 'admin', page: async () => '/admin/users/new', action: async () => '/admin/users',
      valid: async () => ({ role: 'worker', displayName: `Animatrice ${unique()}`, email: `anim${unique()}@tremplin.test`, password: 'un-mot-de-passe' }),
      field: 'displayName', max: 120, required: 'displayName', kept: ['email'],
      shownAt: async () => ['/admin/users'], stored: async () => (await latest('users')).display_name,
    },
    {
      title: 'POST /admin/competences (competence added)', as: 'admin', page: async () => '/admin/competences', action: async () => '/admin/competences',
      valid: async () => ({ labelFr: `Savoir ${unique()}`, labelEn: `Skill ${unique()}` }),
      field: 'labelFr', max: 120, required: 'labelEn', kept: ['labelFr'],
      shownAt: async (loc) => [loc], stored: async () => (await latest('competences')).label_fr,
    },
  ];

  async function dispensaireFollowUp(): Promise<number> {
    const row = await testDb()('follow_ups').join('enrolments', 'enrolments.id', 'follow_ups.enrolment_id')
      .where('enrolments.group_id', ids.groups.dispensaire).orderBy('follow_ups.id').first('follow_ups.id');
    return Number(row.id);
  }

  async function send(agent: Agent, page: string, action: string, fields: Record<string, string>) {
    const form = await agent.get(page);
    expect(form.status, `GET ${page}`).to.equal(200);
    return agent.post(action).type('form').send({ ...fields, _csrf: csrfFrom(form.text) });
  }

  /** Posts the form with `field` set to `value`; expects it saved, and returns the pages that show it. */
  async function saved(c: FormCase, value: string): Promise<string[]> {
    const res = await send(agents[c.as], await c.page(), await c.action(), { ...(await c.valid()), [c.field]: value });
    expect(res.status, `${c.title} with ${JSON.stringify(value)}: ${visibleText(res.text).slice(0, 400)}`).to.equal(303);
    const pages: string[] = [];
    for (const path of await c.shownAt(res.headers.location)) {
      const page = await agents[c.as].get(path);
      expect(page.status, `GET ${path}`).to.equal(200);
      pages.push(page.text);
    }
    return pages;
  }

  const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&#34;').replace(/'/g, '&#39;');

  for (const c of FORMS) {
    describe(c.title, () => {
      it(`says "${c.requiredMessage ?? 'À remplir.'}" for an empty ${c.required}, and gives back everything else typed (422)`, async () => {
        const valid = await c.valid();
        const res = await send(agents[c.as], await c.page(), await c.action(), { ...valid, [c.required]: '   ' });
        expect(res.status).to.equal(422);
        expect(visibleText(res.text)).to.include(c.requiredMessage ?? 'À remplir.');
        for (const f of c.kept.filter((k) => k !== c.required)) expect(res.text, `${f} kept`).to.include(escapeHtml(valid[f]!));
      });

      it(`says "Trop long." for ${c.max + 1} characters of ${c.field}, and gives back everything else typed (422)`, async () => {
        const valid = await c.valid();
        const res = await send(agents[c.as], await c.page(), await c.action(), { ...valid, [c.field]: 'é'.repeat(c.max + 1) });
        expect(res.status).to.equal(422);
        expect(visibleText(res.text)).to.include('Trop long.');
        for (const f of c.kept.filter((k) => k !== c.field)) expect(res.text, `${f} kept`).to.include(escapeHtml(valid[f]!));
        // Exactly at the limit is fine.
        await saved(c, 'é'.repeat(c.max));
      });

      it(`takes ${c.field} with NUL, BEL and a right-to-left override, storing and showing it without them`, async () => {
        const pages = await saved(c, `Ab\u0000c\u0007d\u202Eef ${unique()}`);
        const stored = await c.stored();
        expect(stored).to.match(/^Abcdef \d+$/);
        for (const html of pages) expect(html).to.include(stored!);
      });

      for (const [kind, name] of Object.entries(REAL_NAMES)) {
        it(`takes ${c.field} "${name}" (${kind}) as typed and shows it intact`, async () => {
          // Competence labels must differ from one another: the same name twice would be refused.
          const value = c.field === 'labelFr' ? `${name} ${unique()}` : name;
          const pages = await saved(c, value);
          expect(await c.stored()).to.equal(value);
          for (const html of pages) expect(html).to.include(value);
        });
      }

      for (const markup of MARKUP) {
        it(`shows ${c.field} ${markup} as text wherever it appears`, async () => {
          const pages = await saved(c, markup);
          expect(await c.stored()).to.equal(markup);
          pages.forEach((html, i) => expectEscaped(html, markup, `${c.title}, page ${i + 1}`));
        });
      }
    });
  }
});
