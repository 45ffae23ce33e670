import { expect } from 'chai';
import request from 'supertest';
import type { Express } from 'express';
import { buildApp, postForm, signIn } from '../support/http.js';
import { resetToDemo, testDb } from '../support/database.js';
import { startUntilExit } from '../support/processes.js';
import { loadConfig } from '../../src/config.js';
import { DEMO_ACCOUNTS, type DemoIds } from '../../src/demo/demo-data.js';
import { enrolmentOf } from '../participants/fixtures.js';

const PUBLIC_URL = 'https://tremplin.example.org';
// What an attacker puts in the Host header, hoping the app writes it into a link a youth will follow.
const FORGED = 'phishing.example.net';

describe('absolute links come from PUBLIC_URL, never from the Host header', () => {
  let ids: DemoIds;
  let app: Express;

  before(async () => {
    ids = await resetToDemo();
    app = buildApp({ PUBLIC_URL });
  });

  describe('the setting', () => {
    it('defaults to http://localhost and the port outside production', () => {
      expect(loadConfig({ NODE_ENV: 'development' }).publicUrl).to.equal('http://localhost:3000');
      expect(loadConfig({ NODE_ENV: 'test', PORT: '8080' }).publicUrl).to.equal('http://localhost:8080');
    });

    it('takes an absolute http(s) address, without the final slash', () => {
      expect(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'https://tremplin.example.org/' }).publicUrl).to.equal('https://tremplin.example.org');
      expect(loadConfig({ NODE_ENV: 'test', PUBLIC_URL: 'http://10.0.0.5:8080' }).publicUrl).to.equal('http://10.0.0.5:8080');
    });

    it('refuses what is not an absolute http(s) address of the app', () => {
      for (const bad of ['tremplin.example.org', 'ftp://tremplin.example.org', 'https://', 'https://tremplin.example.org/app?x=1', 'javascript:alert(1)']) {
        expect(() => loadConfig({ NODE_ENV: 'test', PUBLIC_URL: bad }), bad).to.throw(/PUBLIC_URL/);
      }
    });

    it('is required in production', () => {
      expect(() => loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) })).to.throw(/PUBLIC_URL must be set in production/);
      expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_URL }).publicUrl).to.equal(PUBLIC_URL);
    });

    it('a server started in production without it refuses to start, and says why', async function () {
      this.timeout(60_000);
      const run = await startUntilExit({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), PUBLIC_URL: '' }, 20_000);
      expect(run.code).to.equal(1);
      expect(run.stderr).to.include('PUBLIC_URL must be set in production');
      // A message for the person starting it, not a stack trace.
      expect(run.stderr).not.to.match(/\n\s+at /);
    });
  });

  it('a youth reading the calendar links with a forged Host header gets links to PUBLIC_URL', async () => {
    const ines = await signIn(app, 'ines.d');
    const res = await ines.get(`/groups/${ids.groups.sadiola}/meetings`).set('Host', FORGED).set('X-Forwarded-Host', FORGED);
    expect(res.status).to.equal(200);
    const { calendar_token: token } = await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token');
    expect(res.text).to.include(`href="webcal://tremplin.example.org/calendar/${token}.ics"`);
    expect(res.text).to.include(`value="https://tremplin.example.org/calendar/${token}.ics"`);
    expect(res.text).not.to.include(FORGED);
  });

  it('a calendar fetching the feed with a forged Host header gets links and UIDs of PUBLIC_URL', async () => {
    const { calendar_token: token } = await testDb()('groups').where({ id: ids.groups.sadiola }).first('calendar_token');
    const res = await request(app).get(`/calendar/${token}.ics`).set('Host', FORGED);
    expect(res.status).to.equal(200);
    const unfolded = res.text.replace(/\r\n /g, '');
    expect(unfolded).to.match(new RegExp(`^URL:https://tremplin\\.example\\.org/groups/${ids.groups.sadiola}/meetings/\\d+\\r?$`, 'm'));
    expect(unfolded).to.match(/^UID:meeting-\d+@tremplin\.example\.org\r?$/m);
    expect(unfolded).not.to.include(FORGED);
  });

  it('a worker printing a youth’s one-time code with a forged Host header gets the sign-up link of PUBLIC_URL', async () => {
    const karim = await signIn(app, DEMO_ACCOUNTS.karim.email);
    const yanis = await enrolmentOf(testDb(), ids.groups.sadiola, 'Yanis');
    const file = `/groups/${ids.groups.sadiola}/youths/${yanis}`;
    const made = await postForm(karim, `${file}/account`, {}, file);
    expect(made.status).to.equal(303);
    const sheet = await karim.get(made.headers.location!).set('Host', FORGED);
    expect(sheet.status).to.equal(200);
    const code = /class="code"[^>]*>([A-Z0-9-]+)</.exec(sheet.text)?.[1];
    expect(code).to.match(/^[A-Z0-9]{4}-[A-Z0-9]{4}$/);
    expect(sheet.text).to.include(`https://tremplin.example.org/redeem?code=${code}`);
    expect(sheet.text).not.to.include(FORGED);
  });
});
