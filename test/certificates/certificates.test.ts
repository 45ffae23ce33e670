import { expect } from 'chai';
import type { Express } from 'express';
import { appOnDemo, postForm, signIn, visibleText, type Agent } from '../support/http.js';
import { testDb } from '../support/database.js';
import { userFor } from '../support/accounts.js';
import { refusalOf } from '../support/refusal.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf } from '../participants/fixtures.js';
import { binary, pdfText } from '../reports/exports.js';
import { approveCertificate, findCertificate, saveCertificate, certificateStatus, type CertificateInput } from '../../src/certificates/certificate.js';
import { KEY_COMPETENCE_OF, KEY_COMPETENCES } from '../../src/certificates/key-competences.js';
import { FIRST_COMPETENCES } from '../../src/assessments/competence.js';

const auditCount = async (action: string) => Number((await testDb()('audit_log').where({ action }).count({ n: '*' }))[0]!.n);
const competenceId = async (key: string) => Number((await testDb()('competences').where({ key }).first('id')).id);

// Lucas (lucas.v) is in Bafou, the MJC's group back from Cameroon and at its restitution, led by Élodie; he
// filled his before and after. Inès is in Sadiola, still in preparation: no certificate yet.
describe('the youth’s certificate', () => {
  let ids: DemoIds;
  let app: Express;
  let lucas: Agent;
  let elodie: Agent;
  let karim: Agent;
  let ines: Agent;
  let page: string;
  let enrolment: number;
  let language: number;
  let openness: number;
  let mjc: string;

  const words = {
    language: 'J’ai appris à saluer en ghomálá’ et à négocier au marché, même quand j’étais gêné.',
    openness: 'Là-bas, j’ai compris que nos clichés sur le Cameroun étaient faux ; c’était très émouvant.',
    general: 'Ce projet m’a donné confiance : je suis fier d’avoir présenté notre séjour à la mairie d’Halluin.',
  };
  const lucasForm = () => ({
    competence: [String(language), String(openness)],
    [`words_${language}`]: words.language,
    [`words_${openness}`]: words.openness,
    generalText: words.general,
  });

  before(async () => {
    ({ ids, app, lucas, elodie, karim, ines } = await appOnDemo('lucas', 'elodie', 'karim', 'ines'));
    enrolment = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
    page = `/groups/${ids.groups.bafou}/youths/${enrolment}/certificate`;
    language = await competenceId('language');
    openness = await competenceId('openness');
    mjc = (await testDb()('groups').join('structures', 'structures.id', 'groups.structure_id').where('groups.id', ids.groups.bafou).first('structures.name')).name;
  });

  describe('the mapping to Youthpass', () => {
    it('gives every first competence one of the eight key competences', () => {
      expect(KEY_COMPETENCES).to.have.length(8);
      for (const [key] of FIRST_COMPETENCES) expect(KEY_COMPETENCES, key).to.include(KEY_COMPETENCE_OF[key]);
    });
  });

  describe('writing (the youth)', () => {
    it('shows the journey’s link, then the form with the competences of the youth’s self-assessment', async () => {
      const me = await lucas.get('/me').expect(200);
      expect(visibleText(me.text)).to.include('Mon certificat').and.include('Écrire mon certificat');
      expect(me.text).to.include(`href="${page}"`);
      const res = await lucas.get(page).expect(200);
      expect(visibleText(res.text)).to.include('Parler une autre langue').and.include('Compétence clé : Compétences multilingues');
      expect(visibleText(res.text)).to.include('Pas encore de certificat écrit.');
    });

    it('refuses a certificate with no competence ticked and keeps the words typed', async () => {
      const res = await postForm(lucas, page, { generalText: words.general }, page);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Coche au moins une compétence.');
      expect(visibleText(res.text)).to.include(words.general);
    });

    it('refuses a ticked competence with no word at all, anywhere', async () => {
      const res = await postForm(lucas, page, { competence: String(language) }, page);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Écris quelques mots');
      expect(res.text).to.match(new RegExp(`value="${language}"\\s+checked`));
    });

    it('refuses words too long on their competence, keeping them', async () => {
      const long = 'é'.repeat(1001);
      const res = await postForm(lucas, page, { competence: String(language), [`words_${language}`]: long }, page);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('1 000 caractères au plus');
      expect(res.text).to.include(long);
    });

    it('saves the text, which then waits for the worker: no download yet', async () => {
      const res = await postForm(lucas, page, lucasForm(), page);
      expect(res.status).to.equal(303);
      const shown = visibleText((await lucas.get(page).expect(200)).text);
      expect(shown).to.include(words.openness).and.include(words.general);
      expect(shown).to.include('En attente : l’animateur·rice du groupe doit confirmer ce certificat.');
      expect(shown).not.to.include('Télécharger (français)');
      await lucas.get(`${page}.pdf`).expect(404);
      expect(visibleText((await lucas.get('/me')).text)).to.include('Ton animateur·rice doit encore le confirmer.');
    });

    it('refuses a worker who writes for the youth (403), and another youth finds nothing (404)', async () => {
      expect((await postForm(elodie, page, lucasForm(), `/groups/${ids.groups.bafou}/certificates`)).status).to.equal(403);
      await ines.get(page).expect(404);
      await karim.get(page).expect(404);
    });

    it('is not open before the group is back', async () => {
      const inesEnrolment = await enrolmentOf(testDb(), ids.groups.sadiola, 'Inès');
      const sadiola = `/groups/${ids.groups.sadiola}/youths/${inesEnrolment}/certificate`;
      expect(visibleText((await ines.get(sadiola).expect(200)).text)).to.include('quand le groupe sera rentré');
      const res = await postForm(ines, sadiola, { competence: String(language), generalText: 'Trop tôt' }, sadiola);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Le certificat s’écrit après le retour du groupe.');
    });
  });

  describe('approving (the worker)', () => {
    it('lists the certificate to confirm, and records who approved which version, when', async () => {
      const list = visibleText((await elodie.get(`/groups/${ids.groups.bafou}/certificates`).expect(200)).text);
      expect(list).to.include('Lucas Vermeersch À confirmer');
      const version = (await findCertificate(testDb(), enrolment))!.version;
      const res = await postForm(elodie, `${page}/approve`, { version: String(version) }, page);
      expect(res.status).to.equal(303);
      const [approval] = await testDb()('certificate_approvals').orderBy('id', 'desc').limit(1);
      expect(approval.version).to.equal(version);
      expect(Number(approval.approved_by)).to.equal(ids.users.elodie);
      expect(approval.approved_by_name).to.equal(DEMO_ACCOUNTS.elodie.displayName);
      expect(JSON.parse(approval.content).generalText).to.equal(words.general);
      expect(visibleText((await lucas.get(page)).text)).to.include(`Confirmé par ${DEMO_ACCOUNTS.elodie.displayName}`).and.include('Télécharger (français)');
    });

    it('refuses a director’s approval: the worker confirms', async () => {
      const directorMjc = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
      await directorMjc.get(page).expect(200);
      expect((await postForm(directorMjc, `${page}/approve`, { version: '1' }, page)).status).to.equal(403);
    });
  });

  describe('the PDF (done when: a youth downloads a certificate whose text holds their words)', () => {
    it('holds the youth’s words, the structure, the activities and the approval, in French, and logs the download', async () => {
      const before = await auditCount('certificate.downloaded');
      const res = await lucas.get(`${page}.pdf?lang=fr`).buffer(true).parse(binary as never).expect(200);
      expect(res.headers['content-type']).to.equal('application/pdf');
      const text = await pdfText(res.body as Buffer);
      for (const w of Object.values(words)) expect(text).to.include(w);
      expect(text).to.include(mjc).and.include('Lucas Vermeersch').and.include('Certificat de participation');
      expect(text).to.include('Compétence clé Youthpass : Compétences multilingues');
      expect(text).to.include('Compétence clé Youthpass : Compétences relatives à la sensibilité et à l’expression culturelles');
      expect(text).to.match(/Préparation : \d+ séances? suivies?/);
      expect(text).to.include('Bafou').and.include(`Confirmé par ${DEMO_ACCOUNTS.elodie.displayName}, ${mjc}`);
      expect(await auditCount('certificate.downloaded')).to.equal(before + 1);
      const [last] = await testDb()('audit_log').where({ action: 'certificate.downloaded' }).orderBy('id', 'desc').limit(1);
      expect(Number(last.subject_id)).to.equal(enrolment);
      expect(Number(last.user_id)).to.equal(ids.youthUsers['lucas.v']);
    });

    it('dates the approval by the Paris day: confirmed at 00:30 on 1 June in Paris reads 1 June, on the page and in the PDF', async () => {
      const [approval] = await testDb()('certificate_approvals').orderBy('id', 'desc').limit(1);
      const kept = approval.approved_at;
      // 00:30 in Paris (summer time, UTC+2) is still 31 May in UTC.
      await testDb()('certificate_approvals').where({ id: approval.id }).update({ approved_at: '2026-05-31T22:30:00.000Z' });
      try {
        expect((await findCertificate(testDb(), enrolment))!.approval!.approvedOn).to.equal('2026-06-01');
        const text = await pdfText((await lucas.get(`${page}.pdf?lang=fr`).buffer(true).parse(binary as never).expect(200)).body as Buffer);
        expect(text).to.include(`Confirmé par ${DEMO_ACCOUNTS.elodie.displayName}, ${mjc}`).and.include('1 juin 2026').and.not.include('31 mai 2026');
        const shown = visibleText((await lucas.get(page)).text);
        expect(shown).to.include('1 juin 2026').and.not.include('31 mai 2026');
      } finally {
        await testDb()('certificate_approvals').where({ id: approval.id }).update({ approved_at: kept });
      }
    });

    it('is written in English when asked, the youth’s words kept as they wrote them', async () => {
      const res = await elodie.get(`${page}.pdf?lang=en`).buffer(true).parse(binary as never).expect(200);
      const text = await pdfText(res.body as Buffer);
      expect(text).to.include('Certificate of participation').and.include('Youthpass key competence: Multilingual competence');
      expect(text).to.include('Youthpass key competence: Cultural awareness and expression competence');
      expect(text).to.include(words.language).and.include(mjc).and.include('Speaking another language');
    });

    it('is downloaded by the structure’s director too, and by nobody outside', async () => {
      const directorMjc = await signIn(app, DEMO_ACCOUNTS.directorMjc.email);
      await directorMjc.get(`${page}.pdf`).buffer(true).parse(binary as never).expect(200);
      const director = await signIn(app, DEMO_ACCOUNTS.director.email);
      await director.get(`${page}.pdf`).expect(404);
      await ines.get(`${page}.pdf`).expect(404);
    });
  });

  describe('editing after approval', () => {
    it('asks for a new approval and takes the download away until then', async () => {
      const res = await postForm(lucas, page, { ...lucasForm(), generalText: `${words.general} Et je repars l’an prochain !` }, page);
      expect(res.status).to.equal(303);
      const shown = visibleText((await lucas.get(page)).text);
      expect(shown).to.include('Le texte a changé depuis la confirmation');
      await lucas.get(`${page}.pdf`).expect(404);
      expect(visibleText((await elodie.get(`/groups/${ids.groups.bafou}/certificates`)).text)).to.include('Lucas Vermeersch À confirmer');
    });

    it('refuses to approve a version the worker did not read', async () => {
      const current = (await findCertificate(testDb(), enrolment))!.version;
      const res = await postForm(elodie, `${page}/approve`, { version: String(current - 1) }, page);
      expect(res.status).to.equal(422);
      expect(visibleText(res.text)).to.include('Le jeune a changé son texte pendant que vous le lisiez');
      expect(certificateStatus(await findCertificate(testDb(), enrolment))).to.equal('waiting');
    });
  });
});

describe('the certificate (model)', () => {
  let ids: DemoIds;
  let owner: { enrolmentId: number; userId: number; status: 'enrolled'; phase: 'restitution' };
  let youth: Express.User;
  let lead: Express.User;
  let language: number;
  const input = (generalText: string | null, competenceIds: number[], words: [number, string | null][] = []): CertificateInput => ({
    competenceIds, words: new Map(words), generalText,
  });

  before(async () => {
    ({ ids } = await appOnDemo());
  });

  beforeEach(async () => {
    const enrolmentId = await enrolmentOf(testDb(), ids.groups.bafou, 'Lucas');
    const userId = ids.youthUsers['lucas.v']!;
    youth = await userFor(testDb(), userId);
    owner = { enrolmentId, userId, status: 'enrolled', phase: 'restitution' };
    lead = await userFor(testDb(), ids.users.elodie);
    language = await competenceId('language');
    await testDb()('certificates').del();
  });

  it('keeps the version and its approval when the same text is saved again', async () => {
    const first = await saveCertificate(testDb(), youth, owner, input('Même texte', [language]));
    await approveCertificate(testDb(), lead, owner.enrolmentId, first.version);
    const again = await saveCertificate(testDb(), youth, owner, input('Même texte', [language]));
    expect(again).to.deep.equal({ version: first.version, changed: false });
    expect(certificateStatus(await findCertificate(testDb(), owner.enrolmentId))).to.equal('approved');
  });

  it('makes a new version, waiting, when one word changes after the approval; the old approval stays recorded', async () => {
    const first = await saveCertificate(testDb(), youth, owner, input(null, [language], [[language, 'Un mot']]));
    await approveCertificate(testDb(), lead, owner.enrolmentId, first.version);
    const second = await saveCertificate(testDb(), youth, owner, input(null, [language], [[language, 'Un autre mot']]));
    expect(second.version).to.equal(first.version + 1);
    const certificate = await findCertificate(testDb(), owner.enrolmentId);
    expect(certificateStatus(certificate)).to.equal('waiting');
    expect(certificate!.approval!.version).to.equal(first.version);
  });

  it('refuses a competence the youth did not assess, and anyone but the youth', async () => {
    const [other] = await testDb()('competences').insert({ key: 'new_one', label_fr: 'Nouvelle', label_en: 'New one', position: 99, active: true, created_at: '2026-01-01', updated_at: '2026-01-01' }).returning('id');
    const otherId = Number(typeof other === 'object' ? other.id : other);
    expect((await refusalOf(saveCertificate(testDb(), youth, owner, input('Texte', [otherId])))).messageKey).to.equal('certificates.errors.notAssessed');
    expect((await refusalOf(saveCertificate(testDb(), lead, owner, input('Texte', [language])))).status).to.equal(403);
    await testDb()('competences').where({ id: otherId }).del();
  });

  it('refuses to approve when nothing is written', async () => {
    expect((await refusalOf(approveCertificate(testDb(), lead, owner.enrolmentId, 1))).messageKey).to.equal('certificates.refused.nothing');
  });
});
