import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { ageBandAt, daysAbroad } from '../../src/participants/funder-facts.js';
import { findYouthFile, youthFileValues } from '../../src/participants/participant.js';
import { readYouthList } from '../../src/participants/youth-import.js';

/** Inès Dufour's enrolment in Sadiola: the demo youth with an account. */
async function inesFile(ids: DemoIds) {
  const row = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id')
    .where({ 'youths.user_id': ids.youthUsers['ines.d'], 'enrolments.group_id': ids.groups.sadiola }).first('enrolments.id');
  return (await findYouthFile(testDb(), ids.groups.sadiola, row.id))!;
}

describe('what funders count on a youth’s file', () => {
  describe('derived from the dates, never stored', () => {
    it('puts a youth in the age band of the day the group leaves: 17 the day before her birthday, 18 on it', () => {
      expect(ageBandAt('2006-03-02', '2024-03-01')).to.equal('under18');
      expect(ageBandAt('2006-03-01', '2024-03-01')).to.equal('18to21');
      expect(ageBandAt('2002-03-02', '2024-03-01')).to.equal('18to21');
      expect(ageBandAt('2002-03-01', '2024-03-01')).to.equal('22to25');
      expect(ageBandAt('1998-03-02', '2024-03-01')).to.equal('22to25');
      expect(ageBandAt('1998-03-01', '2024-03-01')).to.equal('26plus');
      expect(ageBandAt('2006-03-01', null)).to.equal(null);
    });

    it('counts the days abroad with the day of departure and the day of return', () => {
      expect(daysAbroad('2024-03-01', '2024-03-20')).to.equal(20);
      expect(daysAbroad('2024-02-28', '2024-03-01')).to.equal(3);
      expect(daysAbroad('2024-03-01', null)).to.equal(null);
    });
  });

  describe('the edit form', () => {
    let ids: DemoIds;
    let app: Express;
    let karim: Agent;
    let ines: Agent;
    let lucas: Agent;
    let director: Agent;
    before(async () => ({ ids, app, karim, ines, lucas, director } = await appOnDemo('karim', 'ines', 'lucas', 'director')));

    /** The file's other fields as the edit form sends them, with every funders' answer left blank (no box ticked). */
    const fileFields = (file: Awaited<ReturnType<typeof inesFile>>) => ({
      ...Object.fromEntries(Object.entries(youthFileValues(file)).filter(([k]) => !k.startsWith('barrier_'))),
      gender: '', education: '', livesInQpv: 'unknown', livesInRuralArea: 'unknown',
    });

    it('saves the answers, reads them on the file, and shows them again on the form', async () => {
      const file = await inesFile(ids);
      const path = `/groups/${ids.groups.sadiola}/youths/${file.enrolment_id}`;
      const res = await postForm(karim, path, {
        ...fileFields(file), gender: 'female', education: 'cap_bep', livesInQpv: 'yes', livesInRuralArea: 'no', barrier_economic: 'yes', barrier_geographical: 'yes',
      }, `${path}/edit`);
      expect(res.status, res.text.slice(0, 300)).to.equal(303);
      expect((await inesFile(ids)).facts).to.deep.equal({ gender: 'female', barriers: ['economic', 'geographical'], education: 'cap_bep', livesInQpv: true, livesInRuralArea: false });
      const page = visibleText((await karim.get(path)).text);
      expect(page).to.include('Genre Femme');
      expect(page).to.include('Moins d’opportunités Obstacles économiques, Obstacles géographiques');
      expect(page).to.include('Niveau d’études à l’inscription CAP, BEP');
      expect(page).to.include('Habite un quartier prioritaire (QPV) Oui');
      const form = (await karim.get(`${path}/edit`)).text;
      expect(form).to.match(/<option value="female" selected>/);
      expect(form).to.match(/name="barrier_economic" value="yes" checked/);
      expect(form).not.to.match(/name="barrier_health" value="yes" checked/);
      expect(form).to.match(/name="livesInQpv" value="yes"[^>]*checked/);
    });

    it('refuses an answer outside the lists, on its field, and keeps what was typed and ticked', async () => {
      const file = await inesFile(ids);
      const path = `/groups/${ids.groups.sadiola}/youths/${file.enrolment_id}`;
      const res = await postForm(karim, path, { ...fileFields(file), referredBy: 'Club de prévention du Faubourg', gender: 'martien', barrier_social: 'yes' }, `${path}/edit`);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Choisissez un genre dans la liste.');
      expect(res.text).to.include('value="Club de prévention du Faubourg"');
      expect(res.text).to.match(/name="barrier_social" value="yes" checked/);
      // Nothing of the refused post was written.
      expect((await inesFile(ids)).facts.barriers).to.deep.equal(['economic', 'geographical']);
    });

    it('clears the answers a worker takes back: unticked barriers, "not known" again', async () => {
      const file = await inesFile(ids);
      const path = `/groups/${ids.groups.sadiola}/youths/${file.enrolment_id}`;
      expect((await postForm(karim, path, fileFields(file), `${path}/edit`)).status).to.equal(303);
      expect((await inesFile(ids)).facts).to.deep.equal({ gender: null, barriers: [], education: null, livesInQpv: null, livesInRuralArea: null });
    });

    it('shows the youth her own answers on her page, each explained; another youth finds no file of hers', async () => {
      const file = await inesFile(ids);
      const path = `/groups/${ids.groups.sadiola}/youths/${file.enrolment_id}`;
      await postForm(karim, path, { ...fileFields(file), gender: 'not_said', barrier_health: 'yes' }, `${path}/edit`);
      const mine = visibleText((await ines.get('/me')).text);
      expect(mine).to.include('Genre Ne souhaite pas le dire');
      expect(mine).to.include('Moins d’opportunités Santé Les obstacles que liste Erasmus+');
      expect(mine).to.include('Tranche d’âge au départ');
      // Lucas, of the MJC, reads his own page without her answers, and her file is not there for him.
      expect(visibleText((await lucas.get('/me')).text)).not.to.include('Genre Ne souhaite pas le dire');
      expect((await lucas.get(path)).status).to.equal(404);
    });

    it('is read by the structure’s director with the file, and by no director of another structure', async () => {
      const file = await inesFile(ids);
      const path = `/groups/${ids.groups.sadiola}/youths/${file.enrolment_id}`;
      expect(visibleText((await director.get(path)).text)).to.include('Genre Ne souhaite pas le dire');
      const other = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
      expect((await other.get(path)).status).to.equal(404);
    });
  });

  describe('in an imported list', () => {
    it('reads the optional columns as people write them', () => {
      const { rows, problems } = readYouthList(
        'prenom;nom;date_naissance;genre;niveau;qpv;rural;moins_d_opportunites\n' +
          'Awa;Diarra;14/05/2006;F;CAP;oui;non;Économique, géographique\n' +
          'Yanis;Mebarki;02/11/2007;;;;;\n',
        '2026-01-15',
      );
      expect(problems).to.deep.equal([]);
      expect(rows[0]!.input).to.deep.include({ gender: 'female', education: 'cap_bep', livesInQpv: true, livesInRuralArea: false, barrier_economic: true, barrier_geographical: true, barrier_health: false });
      expect(rows[1]!.input).to.deep.include({ gender: null, education: null, livesInQpv: null, livesInRuralArea: null, barrier_economic: false });
    });

    it('refuses a barrier it does not know on its line, rather than guessing or keeping the detail', () => {
      const { rows, problems } = readYouthList('prenom;nom;date_naissance;moins_d_opportunites\nAwa;Diarra;14/05/2006;diabète\n', '2026-01-15');
      expect(rows).to.deep.equal([]);
      expect(problems).to.deep.equal([{ line: 2, key: 'invalid', field: 'barriers', value: 'diabète' }]);
    });
  });
});
