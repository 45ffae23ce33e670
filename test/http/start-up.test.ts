import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { ChildProcess } from 'node:child_process';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { envFor, startServer } from '../support/processes.js';

/** Stops a server the test started and gives back everything it printed. */
function stop(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) return resolve(output());
    child.once('exit', () => resolve(output()));
    child.kill('SIGTERM');
  });
}

/**
 * What the real server (src/server.ts, in a child process, on a SQLite file of its own) prints when it
 * starts: only what is true of this start — the demo logins when this start loaded the demo data, the
 * first-run page when there is no account yet — and, with LOG_REQUESTS, one line per request.
 */
describe('what the server prints', function () {
  this.timeout(120_000);
  let tmp: string;
  const run = async (file: string, extra: Record<string, string>, requests: (base: string) => Promise<void> = async () => undefined) => {
    const env = envFor({ client: 'sqlite3', file: path.join(tmp, file) }, { UPLOAD_DIR: path.join(tmp, 'uploads'), ...extra });
    delete env.LOG_REQUESTS;
    Object.assign(env, extra);
    const { child, base, output } = await startServer(env);
    try {
      await requests(base);
    } finally {
      await stop(child, output);
    }
    return output();
  };

  before(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-start-up-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints the demo logins when this start loaded the demo data, and not on the next start', async () => {
    const first = await run('demo.sqlite', { DEMO_DATA: 'true' });
    expect(first).to.include('Demo data loaded').and.include('ines.d').and.include(DEMO_PASSWORD);
    const second = await run('demo.sqlite', { DEMO_DATA: 'true' });
    expect(second).to.include('running on http://localhost:');
    expect(second).not.to.include(DEMO_PASSWORD);
    expect(second).not.to.include('ines.d');
  });

  it('points to the first-run page only when there is no account yet', async () => {
    const empty = await run('empty.sqlite', { DEMO_DATA: 'false' });
    expect(empty).to.match(/Open http:\/\/localhost:\d+\/setup to create the first admin/);
    expect(empty).not.to.include(DEMO_PASSWORD);
    // An earlier start with the demo left accounts: the setup page is gone, saying otherwise would be wrong.
    const withAccounts = await run('demo.sqlite', { DEMO_DATA: 'false' });
    expect(withAccounts).not.to.include('/setup');
    expect(withAccounts).not.to.include(DEMO_PASSWORD);
  });

  it('with LOG_REQUESTS, writes one line per request: method, path without its query, status, duration', async () => {
    const out = await run('log.sqlite', { DEMO_DATA: 'false', LOG_REQUESTS: '1' }, async (base) => {
      expect((await fetch(`${base}/redeem?code=ABCD-EFGH`)).status).to.equal(200);
      expect((await fetch(`${base}/nowhere?token=s3cr3t`)).status).to.equal(404);
      expect((await fetch(`${base}/calendar/AbCdEfGhIjKlMnOpQrStUvWxYz012345.ics`)).status).to.equal(404);
      // The links sent by SMS: their path is their key.
      for (const link of ['/suivi/SuIvIsEcReT0123456789a', '/parents/PaReNtSeCrEt0123456789ab', '/sms/stop/StOpSeCrEt01']) await fetch(`${base}${link}`);
    });
    for (const secret of ['SuIvIsEcReT0123456789a', 'PaReNtSeCrEt0123456789ab', 'StOpSeCrEt01']) expect(out).not.to.include(secret);
    expect(out).to.match(/^\S+ GET \/suivi\/… 404 \d+ ms$/m).and.match(/^\S+ GET \/parents\/… 404 \d+ ms$/m);
    expect(out).to.match(/^\S+ GET \/redeem 200 \d+ ms$/m);
    expect(out).to.match(/^\S+ GET \/nowhere 404 \d+ ms$/m);
    // A query string can carry a one-time code, the feed's path carries the group's secret: neither is written.
    expect(out).not.to.include('ABCD-EFGH');
    expect(out).not.to.include('s3cr3t');
    expect(out).not.to.include('AbCdEfGhIjKlMnOpQrStUvWxYz012345');
    expect(out).to.match(/^\S+ GET \/calendar\/…\.ics 404 \d+ ms$/m);
  });

  it('writes no request line without LOG_REQUESTS', async () => {
    const out = await run('log.sqlite', { DEMO_DATA: 'false' }, async (base) => {
      expect((await fetch(`${base}/redeem`)).status).to.equal(200);
    });
    expect(out).not.to.match(/GET \/redeem/);
  });
});
