import { expect } from 'chai';
import dayjs from 'dayjs';
import { resetToDemo, testDb } from '../support/database.js';
import type { DemoIds } from '../../src/demo/demo-data.js';
import { parseCsv } from '../../src/participants/csv.js';
import { listGroupYouths } from '../../src/participants/participant.js';
import { decodeCsvBytes, importYouths, type ImportProblem } from '../../src/participants/youth-import.js';
import { enrolled, newGroup, youth } from './fixtures.js';

const describeProblems = (problems: ImportProblem[]) => problems.map((p) => [p.line, p.key, p.field ?? null, p.value ?? null]);

describe('importing a list of youths', () => {
  let ids: DemoIds;
  before(async () => {
    ids = await resetToDemo();
  });

  describe('reading CSV', () => {
    it('reads quoted fields, doubled quotes, line breaks inside quotes and CRLF, and says where each line starts', () => {
      const text = 'a;b;c\r\n"Dupont; fils";"dit ""le grand""";x\r\n"sur\r\ndeux lignes";2;3\r\n\r\n;;\r\nfin;1;2';
      const r = parseCsv(text);
      expect(r.ok && r.records).to.deep.equal([
        { line: 1, fields: ['a', 'b', 'c'] },
        { line: 2, fields: ['Dupont; fils', 'dit "le grand"', 'x'] },
        { line: 3, fields: ['sur\r\ndeux lignes', '2', '3'] },
        { line: 7, fields: ['fin', '1', '2'] },
      ]);
    });

    it('finds the separator of the header: semicolon, comma or tab', () => {
      for (const sep of [';', ',', '\t']) {
        const r = parseCsv(`prenom${sep}nom${sep}"date, naissance"\nA${sep}B${sep}C`);
        expect(r.ok && r.separator, JSON.stringify(sep)).to.equal(sep);
        expect(r.ok && r.records[1]!.fields).to.deep.equal(['A', 'B', 'C']);
      }
    });

    it('reports a quote opened and never closed, on the line it opens', () => {
      expect(parseCsv('a;b\n1;2\n"3;4\n5;6')).to.deep.equal({ ok: false, line: 3, problem: 'unclosedQuote' });
    });

    it('reads UTF-8 with its BOM, and an old Excel file in Windows-1252', () => {
      const bom = decodeCsvBytes(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('prénom;nom\nInès;Léger', 'utf8')]));
      expect(bom.ok && bom.text.replace(/^\uFEFF/, '')).to.equal('prénom;nom\nInès;Léger');
      const latin = decodeCsvBytes(Buffer.from('pr\xe9nom;nom\nIn\xe8s;L\xe9ger', 'latin1'));
      expect(latin.ok && latin.text).to.equal('prénom;nom\nInès;Léger');
      const xlsx = decodeCsvBytes(Buffer.from('PK\x03\x04\x14\x00', 'latin1'));
      expect(!xlsx.ok && xlsx.problem.key).to.equal('notCsv');
    });
  });

  describe('importYouths', () => {
    it('enrols every youth of a good file', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const csv = 'first_name,last_name,birth_date,phone,referred_by,situation\n' +
        'Awa,Diarra,2006-05-14,06 39 98 11 22,Club de prévention,training\n' +
        'Théo,Marchal,2007-11-02,,"Lycée Corot, Douai",school\n';
      expect(await importYouths(testDb(), group, csv)).to.deep.equal({ ok: true, count: 2 });
      const youths = await listGroupYouths(testDb(), group.id);
      expect(youths.map((y) => [y.first_name, y.last_name, y.birth_date, y.status])).to.deep.equal([
        ['Awa', 'Diarra', '2006-05-14', 'enrolled'], ['Théo', 'Marchal', '2007-11-02', 'enrolled'],
      ]);
      const theo = await testDb()('youths').where({ first_name: 'Théo', last_name: 'Marchal' }).first('referred_by');
      expect(theo.referred_by).to.equal('Lycée Corot, Douai');
    });

    it('reads what French Excel writes: BOM, semicolons, French column names and dd/mm/yyyy dates', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const csv = '\uFEFFPrénom;Nom;Date de naissance;Téléphone;Orientation;Situation\r\n' +
        'Inès;Léger;05/03/2007;06 39 98 33 44;Conseillère mission locale;Recherche d’emploi\r\n' +
        'Mamadou;Keïta;1/9/2005;;Centre social;formation\r\n';
      expect(await importYouths(testDb(), group, csv)).to.deep.equal({ ok: true, count: 2 });
      const rows = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ group_id: group.id })
        .orderBy('youths.first_name').select('youths.first_name', 'youths.birth_date', 'enrolments.situation_at_enrolment', 'enrolments.enrolled_on');
      expect(rows).to.deep.equal([
        { first_name: 'Inès', birth_date: '2007-03-05', situation_at_enrolment: 'job_seeking', enrolled_on: dayjs().format('YYYY-MM-DD') },
        { first_name: 'Mamadou', birth_date: '2005-09-01', situation_at_enrolment: 'training', enrolled_on: dayjs().format('YYYY-MM-DD') },
      ]);
    });

    it('imports nothing when a line is wrong, and says what is wrong on which line', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const future = dayjs().add(1, 'month').format('DD/MM/YYYY');
      const csv = [
        'prenom;nom;date_naissance;situation',
        'Awa;Diarra;14/05/2006;formation',
        ';Marchal;02/11/2007;',
        'Léo;Petit;30/02/2008;',
        `Zoé;Martin;${future};`,
        'Nora;Haddad;2006-07-01;astronaute',
        'Sam;Roy;2006-07-01;;en trop',
        'awa;DIARRA;14/05/2006;',
        'Lina;Roux;le 3 mai;',
      ].join('\n');
      const result = await importYouths(testDb(), group, csv);
      expect(result.ok).to.equal(false);
      expect(!result.ok && describeProblems(result.problems)).to.deep.equal([
        [3, 'required', 'firstName', ''],
        [4, 'dateImpossible', 'birthDate', '30/02/2008'],
        [5, 'birthFuture', 'birthDate', future],
        [6, 'situation', 'situation', 'astronaute'],
        [7, 'tooManyColumns', null, null],
        [8, 'duplicateInFile', null, 'awa DIARRA'],
        [9, 'dateFormat', 'birthDate', 'le 3 mai'],
      ]);
      expect(await listGroupYouths(testDb(), group.id)).to.deep.equal([]);
    });

    it('takes the enrolment date of each line from a date_inscription column, dd/mm/yyyy or yyyy-mm-dd, today when empty', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const csv = 'prenom;nom;date_naissance;date_inscription\n' +
        'Awa;Diarra;14/05/2006;15/09/2025\n' +
        'Théo;Marchal;02/11/2007;2025-10-01\n' +
        'Inès;Léger;05/03/2007;\n';
      expect(await importYouths(testDb(), group, csv, ids.users.karim)).to.deep.equal({ ok: true, count: 3 });
      const rows = await testDb()('enrolments').join('youths', 'youths.id', 'enrolments.youth_id').where({ group_id: group.id })
        .orderBy('youths.first_name').select('youths.first_name', 'enrolments.enrolled_on', 'enrolments.recorded_by');
      expect(rows).to.deep.equal([
        { first_name: 'Awa', enrolled_on: '2025-09-15', recorded_by: ids.users.karim },
        { first_name: 'Inès', enrolled_on: dayjs().format('YYYY-MM-DD'), recorded_by: ids.users.karim },
        { first_name: 'Théo', enrolled_on: '2025-10-01', recorded_by: ids.users.karim },
      ]);
    });

    it('reports a bad enrolment date on its line like any other problem, and imports nothing', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const future = dayjs().add(1, 'month').format('DD/MM/YYYY');
      const csv = ['prenom;nom;date_naissance;inscrit le', 'Awa;Diarra;14/05/2006;31/04/2025', 'Théo;Marchal;02/11/2007;rentrée 2025', `Inès;Léger;05/03/2007;${future}`, 'Lou;Petit;05/03/2007;01/09/2025'].join('\n');
      const result = await importYouths(testDb(), group, csv);
      expect(!result.ok && describeProblems(result.problems)).to.deep.equal([
        [2, 'dateImpossible', 'enrolledOn', '31/04/2025'],
        [3, 'dateFormat', 'enrolledOn', 'rentrée 2025'],
        [4, 'enrolledFuture', 'enrolledOn', future],
      ]);
      expect(await listGroupYouths(testDb(), group.id)).to.deep.equal([]);
    });

    it('checks the age on the day of the enrolment typed, not today', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const twelveThen = `${dayjs().year() - 14}-06-01`;
      const csv = `prenom;nom;date_naissance;date_inscription\nNoé;Blanc;${twelveThen};${dayjs().year() - 2}-01-10\n`;
      const result = await importYouths(testDb(), group, csv);
      expect(!result.ok && describeProblems(result.problems)).to.deep.equal([[2, 'tooYoung', 'birthDate', twelveThen]]);
    });

    it('reports youths already in the group', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      await enrolled(testDb(), group, youth('Awa', 'Diarra', { birthDate: '2006-05-14' }));
      const result = await importYouths(testDb(), group, 'prenom;nom;date_naissance\nAwa;Diarra;14/05/2006\nTom;Blanc;01/01/2006');
      expect(!result.ok && describeProblems(result.problems)).to.deep.equal([[2, 'duplicateInGroup', null, 'Awa Diarra']]);
      expect(await listGroupYouths(testDb(), group.id)).to.have.length(1);
    });

    it('asks for a header line naming the columns', async () => {
      const group = await newGroup(testDb(), ids.users.karim);
      const result = await importYouths(testDb(), group, 'Awa;Diarra;14/05/2006\nTom;Blanc;01/01/2006');
      expect(!result.ok && result.problems).to.deep.equal([{ line: 1, key: 'missingColumns', missing: ['firstName', 'lastName', 'birthDate'] }]);
    });
  });
});
