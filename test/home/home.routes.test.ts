import { expect } from 'chai';
import { appOnDemo, visibleText, type Agent } from '../support/http.js';

describe('GET / (the worker’s home)', () => {
  let karim: Agent;
  before(async () => ({ karim } = await appOnDemo('karim')));

  const papersCard = async (path: string) => {
    const text = visibleText((await karim.get(path)).text);
    return text.slice(text.indexOf('Papiers à rendre'), text.indexOf('Séances de la semaine'));
  };

  it('shows each section’s count and its first lines, with the way to the whole list', async () => {
    const card = await papersCard('/');
    expect(card).to.include('(6)').and.include('Aïcha Diallo').and.include('Kevin Dubois').and.include('Voir les 6');
    expect(card).not.to.include('Yanis Mebarki');
  });

  it('lists one section whole when its “see all” is followed, the others still short', async () => {
    const res = await karim.get('/?all=documents');
    expect(res.text).to.include('href="/?all=followups#followups-title"');
    const card = await papersCard('/?all=documents');
    expect(card).to.include('Yanis Mebarki').and.not.include('Voir les 6');
    expect(visibleText(res.text)).to.include('Voir les 5');
  });

  it('reads an unknown section as none', async () => {
    expect(await papersCard('/?all=everything')).to.include('Voir les 6').and.not.include('Yanis Mebarki');
  });
});
