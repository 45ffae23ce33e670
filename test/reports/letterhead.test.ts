import { expect } from 'chai';
import { appOnDemo, csrfToken, postForm, type Agent } from '../support/http.js';
import { pngBytes } from '../support/sample-files.js';
import { binary, pdfText } from './exports.js';

describe('the report PDF\'s letterhead', () => {
  let admin: Agent;
  let director: Agent;
  before(async () => ({ admin, director } = await appOnDemo('admin', 'director')));

  const pdf = async () => (await director.get('/reports/report.pdf').buffer(true).parse(binary as never)).body as Buffer;
  // pdfkit writes an image as an XObject of subtype Image: none in a report without a logo.
  const hasImage = (bytes: Buffer) => bytes.toString('latin1').includes('/Subtype /Image');

  it('is left out while the structure has neither address nor logo: the report starts with its title', async () => {
    const bytes = await pdf();
    expect(hasImage(bytes)).to.equal(false);
    expect((await pdfText(bytes)).startsWith('Rapport des résultats')).to.equal(true);
  });

  it('prints the structure\'s name, its address and its logo above the title', async () => {
    expect((await postForm(admin, '/admin/structure/settings', { milestones: '6', address: '12 rue de la Mairie\n59500 Douai' }, '/admin/structure')).status).to.equal(303);
    expect((await admin.post(`/admin/structure/logo?_csrf=${encodeURIComponent(await csrfToken(admin, '/admin/structure'))}`).attach('logo', pngBytes(), 'logo.png')).status).to.equal(303);
    const bytes = await pdf();
    expect(hasImage(bytes)).to.equal(true);
    const text = await pdfText(bytes);
    expect(text).to.match(/^Mission locale du Douaisis 12 rue de la Mairie 59500 Douai Rapport des résultats/);
  });
});
