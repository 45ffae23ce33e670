import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { transportsFrom } from '../../src/outbox/transports.js';

describe('message settings', () => {
  it('with nothing configured, SMS and e-mail go to the log transport (npm start needs nothing)', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.outbox.sms).to.deep.equal({ provider: 'log' });
    expect(config.outbox.email).to.deep.equal({ transport: 'log' });
    const transports = transportsFrom(config.outbox);
    expect([transports.sms.name, transports.email.name]).to.deep.equal(['log', 'log']);
  });

  it('SMS_PROVIDER=brevo needs its key, and then sends through Brevo', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', SMS_PROVIDER: 'brevo' })).to.throw(/BREVO_API_KEY/);
    const config = loadConfig({ NODE_ENV: 'development', SMS_PROVIDER: 'brevo', BREVO_API_KEY: 'xkeysib-1', SMTP_URL: 'smtp://127.0.0.1:2525' });
    const transports = transportsFrom(config.outbox);
    expect([transports.sms.name, transports.email.name]).to.deep.equal(['brevo', 'smtp']);
    void transports.email.close?.();
  });

  it('refuses a sender name an operator would refuse', () => {
    expect(() => loadConfig({ NODE_ENV: 'development', SMS_SENDER: 'Mission locale Douaisis' })).to.throw(/SMS_SENDER/);
    expect(() => loadConfig({ NODE_ENV: 'development', SMS_SENDER: 'Élan' })).to.throw(/SMS_SENDER/);
  });
});
