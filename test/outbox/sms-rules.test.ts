import { expect } from 'chai';
import { isMobile, nextSmsWindow, phoneForDisplay, smsLength, toE164 } from '../../src/outbox/sms-rules.js';
import { render, TEMPLATES } from '../../src/outbox/templates.js';

describe('SMS rules', () => {
  describe('phone numbers', () => {
    it('reads French numbers as people type them and stores them in E.164', () => {
      for (const typed of ['06 12 34 56 78', '06.12.34.56.78', '0612345678', '+33 6 12 34 56 78', '0033 6 12 34 56 78', '+33 (0)6 12 34 56 78']) {
        expect(toE164(typed), typed).to.equal('+33612345678');
      }
      expect(toE164('+32 470 12 34 56')).to.equal('+32470123456');
    });

    it('refuses what cannot be a number', () => {
      for (const typed of ['appeler sa mère', '06 12 34', '12', '+33 6 12 34 56 78 90 12']) expect(toE164(typed), typed).to.equal(null);
      expect(toE164('')).to.equal(null);
    });

    it('shows French numbers the French way, others with their country code', () => {
      expect(phoneForDisplay('+33612345678')).to.equal('06 12 34 56 78');
      expect(phoneForDisplay('+32470123456')).to.equal('+32 470 12 34 56');
    });

    it('does not text a landline', () => {
      expect(isMobile('+33612345678')).to.equal(true);
      expect(isMobile('+33327000000')).to.equal(false);
    });
  });

  describe('length in SMS', () => {
    it('counts GSM-7 texts 160 to a message, then 153 a part; é, è, à, ù stay in GSM-7', () => {
      expect(smsLength('é'.repeat(160))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
      expect(smsLength('a'.repeat(161)).segments).to.equal(2);
      expect(smsLength('a'.repeat(306)).segments).to.equal(2);
      expect(smsLength('a'.repeat(307)).segments).to.equal(3);
    });

    it('counts the extension characters (€, [, ]) as two', () => {
      expect(smsLength('€'.repeat(80))).to.deep.equal({ encoding: 'GSM-7', units: 160, segments: 1 });
      expect(smsLength('€'.repeat(81)).segments).to.equal(2);
    });

    it('one ê, ç or œ turns the whole text into UCS-2: 70 a message, then 67 a part', () => {
      expect(smsLength('Fenêtre')).to.deep.equal({ encoding: 'UCS-2', units: 7, segments: 1 });
      expect(smsLength(`ç${'a'.repeat(69)}`).segments).to.equal(1);
      expect(smsLength(`ç${'a'.repeat(70)}`).segments).to.equal(2);
      expect(smsLength(`œ${'a'.repeat(134)}`).segments).to.equal(3);
    });

    it('every SMS template, in French and in English, fits in two SMS with long values', () => {
      // A long public address and the longest values the data can hold (the parents' link is the longest link).
      const site = 'https://tremplin.mission-locale-du-douaisis.fr';
      const data = {
        name: 'Marie-Charlotte', code: 'ABCD-EFGH', link: `${site}/parents/${'x'.repeat(24)}`, until: '17/12/2026', stop: `${site}/sms/stop/AbCdEfGhIjKl`,
        date: '17/12', time: '18:30', count: '12',
      };
      const checked: string[] = [];
      for (const key of Object.keys(TEMPLATES) as (keyof typeof TEMPLATES)[]) {
        if (!('sms' in TEMPLATES[key])) continue;
        for (const locale of ['fr', 'en']) {
          const { text } = render(key, 'sms', locale, data);
          expect(text, `${key} (${locale})`).to.not.match(/\{\{|outbox\./);
          const length = smsLength(text);
          expect(length.segments, `${key} (${locale}): ${length.encoding}, ${length.units} — ${text}`).to.be.within(1, 2);
          checked.push(`${key}/${locale}`);
        }
      }
      expect(checked).to.include.members(['signInCode/fr', 'signInCode/en', 'followUpAnswer/fr', 'followUpAnswer/en', 'parentConsent/fr', 'parentConsent/en']);
      expect(checked).to.include.members(['meetingReminder/fr', 'meetingReminder/en', 'papersDue/fr', 'papersOverdue/fr', 'beforeVideo/fr', 'beforeVideo/en', 'afterVideo/fr', 'afterVideo/en']);
    });

    it('the reminders in French keep their accents within GSM-7 (é, è, à): two SMS at most, not UCS-2', () => {
      // The accents French needs most are in GSM-7; one ê, â, î, ô, ç or a typographic apostrophe would turn
      // the text UCS-2 and a reminder with its two links into three SMS.
      const site = 'https://tremplin.mission-locale-du-douaisis.fr';
      const data = { name: 'Marie-Charlotte', link: `${site}/groups/12345/youths/123456/documents`, stop: `${site}/sms/stop/AbCdEfGhIjKl`, until: '17/12', date: '17/12', time: '18:30', count: '12' };
      for (const key of ['meetingReminder', 'papersDue', 'papersOverdue', 'beforeVideo', 'afterVideo'] as const) {
        const text = render(key, 'sms', 'fr', data).text;
        expect(text, key).to.match(/[éèà]/);
        expect(smsLength(text), `${key}: ${text}`).to.include({ encoding: 'GSM-7' });
        expect(smsLength(text).segments, key).to.be.within(1, 2);
      }
    });
  });

  describe('quiet hours (Europe/Paris)', () => {
    it('lets an SMS go between 08:00 and 20:00', () => {
      const noon = new Date('2026-12-03T11:00:00Z');
      expect(nextSmsWindow(noon)).to.deep.equal(noon);
      expect(nextSmsWindow(new Date('2026-07-03T17:59:00Z'))).to.deep.equal(new Date('2026-07-03T17:59:00Z')); // 19:59 in summer
    });

    it('holds one from 20:00 until 08:00 the next morning, winter and summer', () => {
      expect(nextSmsWindow(new Date('2026-12-03T19:00:00Z')).toISOString()).to.equal('2026-12-04T07:00:00.000Z'); // 20:00 CET
      expect(nextSmsWindow(new Date('2026-12-04T05:30:00Z')).toISOString()).to.equal('2026-12-04T07:00:00.000Z'); // 06:30 CET
      expect(nextSmsWindow(new Date('2026-07-03T18:00:00Z')).toISOString()).to.equal('2026-07-04T06:00:00.000Z'); // 20:00 CEST
    });

    it('finds 08:00 across the night the clocks change', () => {
      expect(nextSmsWindow(new Date('2026-03-28T21:00:00Z')).toISOString()).to.equal('2026-03-29T06:00:00.000Z'); // into summer time
      expect(nextSmsWindow(new Date('2026-10-24T20:00:00Z')).toISOString()).to.equal('2026-10-25T07:00:00.000Z'); // back to winter time
    });
  });
});
