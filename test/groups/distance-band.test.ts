import { expect } from 'chai';
import { DISTANCE_BANDS, distanceBand, greatCircleKm } from '../../src/groups/distance-band.js';
import { destinationOf, frenchTown } from '../../src/groups/places.js';
import { travelDistance } from '../../src/groups/travel-distance.js';
import { COUNTRY_CODES } from '../../src/groups/countries.js';
import { appOnDemo, visibleText } from '../support/http.js';
import { testDb } from '../support/database.js';

describe('the Erasmus+ travel distance band', () => {
  it('puts each distance in the programme guide’s band, the bounds included', () => {
    const bounds: [number, string | null][] = [
      [9, null], [10, '10-99'], [99, '10-99'], [100, '100-499'], [499, '100-499'], [500, '500-1999'], [1999, '500-1999'], [2000, '2000-2999'],
      [3000, '3000-3999'], [3999, '3000-3999'], [4000, '4000-7999'], [7999, '4000-7999'], [8000, '8000+'], [19_000, '8000+'],
    ];
    for (const [km, band] of bounds) expect(distanceBand(km), `${km} km`).to.equal(band);
    expect(DISTANCE_BANDS.map((b) => b.key)).to.deep.equal(['10-99', '100-499', '500-1999', '2000-2999', '3000-3999', '4000-7999', '8000+']);
  });

  it('measures the great circle as the Commission’s calculator does: Paris–Brussels about 264 km, Paris–New York about 5,840', () => {
    expect(greatCircleKm({ lat: 48.8566, lon: 2.3522 }, { lat: 50.8503, lon: 4.3517 })).to.be.within(260, 268);
    expect(greatCircleKm({ lat: 48.8566, lon: 2.3522 }, { lat: 40.7128, lon: -74.006 })).to.be.within(5800, 5880);
    expect(greatCircleKm({ lat: 50, lon: 3 }, { lat: 50, lon: 3 })).to.equal(0);
  });

  it('reads a structure’s town as typed, without case, accents or hyphens', () => {
    expect(frenchTown('Douai')?.name).to.equal('Douai');
    expect(frenchTown('saint etienne')?.name).to.equal('Saint-Étienne');
    expect(frenchTown('ST-ETIENNE')?.name).to.equal('Saint-Étienne');
    expect(frenchTown('Villeneuve d’Ascq')?.name).to.equal('Villeneuve-d’Ascq');
    expect(frenchTown('Atlantis')).to.equal(null);
    expect(frenchTown(null)).to.equal(null);
  });

  it('finds the group’s place in its country, or stands the country’s capital for it', () => {
    expect(destinationOf('ML', 'Sadiola')).to.include({ name: 'Sadiola', fallback: false });
    expect(destinationOf('ML', 'Un village')).to.include({ name: 'Bamako', fallback: true });
    expect(destinationOf('ML', null)).to.include({ name: 'Bamako', fallback: true });
    // Kayes is a town of Mali, not of Morocco: a place is looked up within its own country.
    expect(destinationOf('MA', 'Kayes')).to.include({ name: 'Rabat', fallback: true });
    expect(destinationOf('US', null)).to.include({ name: 'Washington' });
    expect(destinationOf('FR', 'Lille')).to.include({ name: 'Lille', fallback: false });
  });

  it('has a reference city for every country the group form offers', () => {
    const missing = COUNTRY_CODES.filter((c) => destinationOf(c, null) === null);
    expect(missing).to.deep.equal([]);
  });

  it('gives the demo groups the bands a worker finds with the Commission’s calculator', () => {
    expect(travelDistance('Douai', { destination_country: 'ML', destination_place: 'Sadiola' }).band).to.equal('4000-7999');
    expect(travelDistance('Douai', { destination_country: 'DZ', destination_place: 'Boumerdès' }).band).to.equal('500-1999');
    expect(travelDistance('Halluin', { destination_country: 'MA', destination_place: 'Azrou' }).band).to.equal('2000-2999');
    expect(travelDistance('Halluin', { destination_country: 'BE', destination_place: 'Tournai' }).band).to.equal('10-99');
  });

  it('leaves the band unknown while the structure’s town is not in the table', () => {
    expect(travelDistance('Atlantis', { destination_country: 'ML', destination_place: 'Sadiola' })).to.include({ km: null, band: null, fromTown: 'Atlantis' });
    expect(travelDistance(null, { destination_country: 'ML', destination_place: null })).to.include({ km: null, band: null });
  });

  describe('on the group page', () => {
    it('shows the distance, its band and the towns it goes between', async () => {
      const { ids, karim } = await appOnDemo('karim');
      const text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(text).to.include('Distance (Erasmus+)').and.include('4 270 km à vol d’oiseau, tranche 4 000 à 7 999 km').and.include('de Douai à Sadiola');
    });

    it('says which city stands for a place it does not know, and which town it could not find', async () => {
      const { ids, karim } = await appOnDemo('karim');
      await testDb()('groups').where({ id: ids.groups.sadiola }).update({ destination_place: 'Un village de brousse' });
      let text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(text).to.include('de Douai à Bamako').and.include('« Un village de brousse » n’est pas dans notre table des villes : la distance est comptée jusqu’à Bamako.');
      await testDb()('structures').where({ id: ids.structures['Mission locale du Douaisis'] }).update({ town: 'Atlantis' });
      text = visibleText((await karim.get(`/groups/${ids.groups.sadiola}`)).text);
      expect(text).to.include('Tranche inconnue : la ville de la structure (« Atlantis ») n’est pas dans notre table des préfectures.').and.not.include('à vol d’oiseau');
    });
  });
});
