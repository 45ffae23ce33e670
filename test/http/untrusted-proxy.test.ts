import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import { testDatabase } from '../support/database.js';

// Behind a reverse proxy without TRUST_PROXY every visitor has the proxy's address: fifty wrong passwords
// from anyone would make everyone wait. The app cannot know at start-up, but the first request that came
// through a proxy tells it.
describe('a production instance reached through a proxy it was not told about', () => {
  function appWithLog(overrides: Partial<Config>) {
    const logged: string[] = [];
    const app = createApp({ config: { ...testDatabase().config, ...overrides }, db: testDatabase().db, log: (msg) => logged.push(msg) });
    return { app, warnings: () => logged.filter((m) => m.includes('X-Forwarded-For')) };
  }

  it('says once in its log to set TRUST_PROXY, at the first request that came through a proxy', async () => {
    const { app, warnings } = appWithLog({ env: 'production', trustProxy: false });
    await request(app).get('/login');
    expect(warnings(), 'a request straight from a browser').to.deep.equal([]);
    await request(app).get('/login').set('X-Forwarded-For', '203.0.113.7');
    await request(app).get('/healthz').set('X-Forwarded-For', '203.0.113.8');
    await request(app).get('/assets/app.css').set('X-Forwarded-For', '203.0.113.9');
    expect(warnings()).to.have.length(1);
    expect(warnings()[0]).to.include('TRUST_PROXY').and.include('sign-in');
  });

  it('says nothing when TRUST_PROXY is set, nor outside production', async () => {
    for (const overrides of [{ env: 'production', trustProxy: '1' }, { env: 'development', trustProxy: false }] as const) {
      const { app, warnings } = appWithLog(overrides);
      await request(app).get('/login').set('X-Forwarded-For', '203.0.113.7');
      expect(warnings(), JSON.stringify(overrides)).to.deep.equal([]);
    }
  });
});
