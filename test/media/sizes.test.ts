import { expect } from 'chai';
import { formatSize } from '../../src/media/medium-file.js';
import { mediaMessages } from '../../src/media/media.messages.js';

/** The unit words as the page shows them, from the media messages. */
const inLanguage = (lang: 'fr' | 'en') => (key: string, values?: Record<string, unknown>) => {
  const unit = key.replace('media.units.', '') as keyof typeof mediaMessages.fr.units;
  return mediaMessages[lang].units[unit].replace('{{n}}', String(values?.n));
};

describe('a size as the media pages show it', () => {
  it('reads a 311 MB video as 311 Mo, in the powers of 1000 that "Mo" means', () => {
    expect(formatSize(inLanguage('fr'), 311_000_000, 'fr')).to.equal('311 Mo');
    expect(formatSize(inLanguage('en'), 311_000_000, 'en')).to.equal('311 MB');
  });

  it('says kilo-, mega- and gigabytes at 1000, with a decimal under 10', () => {
    expect(formatSize(inLanguage('fr'), 850_000, 'fr')).to.equal('850 Ko');
    expect(formatSize(inLanguage('fr'), 2_500_000, 'fr')).to.equal('2,5 Mo');
    expect(formatSize(inLanguage('fr'), 2_000_000_000, 'fr')).to.equal('2 Go');
    expect(formatSize(inLanguage('en'), 1_500_000_000, 'en')).to.equal('1.5 GB');
  });
});
