import http from 'node:http';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { buildApp, onFreePort, type Listening } from '../support/http.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { eventually, listFiles, makeMp4, requireFfmpeg, scratchDir, sleep } from './fixtures.js';

/** Cookies as a browser keeps them, for requests made with node:http rather than supertest. */
class CookieJar {
  private readonly cookies = new Map<string, string>();
  take(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const eq = pair!.indexOf('=');
      if (eq > 0) this.cookies.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

const tokenOf = (html: string): string => /name="csrf-token" content="([^"]+)"/.exec(html)![1]!;

describe('an upload whose connection is cut half-way', function () {
  this.timeout(30_000);
  let ids: DemoIds;
  let server: Listening;
  let base: string;
  let port: number;
  let mp4: Buffer;

  before(async () => {
    requireFfmpeg();
    ids = await resetToDemo();
    server = await onFreePort(http.createServer(buildApp()));
    ({ port, baseUrl: base } = server);
    mp4 = readFileSync(makeMp4(scratchDir()));
  });
  after(async () => {
    await server.close();
  });

  async function signedInYouth(): Promise<{ cookie: string; token: string }> {
    const jar = new CookieJar();
    const login = await fetch(`${base}/login`);
    jar.take(login);
    const signIn = await fetch(`${base}/login`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body: new URLSearchParams({ _csrf: tokenOf(await login.text()), login: 'ines.d', password: DEMO_PASSWORD }).toString(),
    });
    expect(signIn.status).to.equal(303);
    jar.take(signIn);
    const page = await fetch(`${base}/groups/${ids.groups.sadiola}/media/new`, { headers: { cookie: jar.header() } });
    expect(page.status).to.equal(200);
    jar.take(page);
    return { cookie: jar.header(), token: tokenOf(await page.text()) };
  }

  it('leaves no file (temporary ones included) and no row', async () => {
    const uploadDir = testDatabase().config.uploadDir;
    const filesBefore = listFiles(uploadDir);
    const rowsBefore = await testDb()('media').count('* as n');
    const { cookie, token } = await signedInYouth();

    const boundary = `----tremplin${Date.now()}`;
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="moment"\r\n\r\nbefore\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nCoupée\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="coupee.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
    );
    const announced = 50 * 1024 * 1024; // the body says 50 MB are coming; a few hundred kilobytes will
    const req = http.request({
      host: '127.0.0.1', port, method: 'POST', path: `/groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(token)}`,
      headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + announced) },
    });
    const answered = new Promise<number | string>((resolve) => {
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', (err) => resolve((err as NodeJS.ErrnoException).code ?? 'error'));
    });
    req.write(head);
    req.write(mp4);
    for (let i = 0; i < 8; i++) {
      req.write(Buffer.alloc(64 * 1024, 7));
      await sleep(20);
    }
    // The server has started writing the file: the cut really comes half-way through.
    await eventually('a temporary file while the upload runs', () => listFiles(uploadDir).filter((f) => f.startsWith('tmp/')), (l) => l.length === 1);
    req.destroy();
    expect(await answered).to.equal('ECONNRESET');

    await eventually('files under UPLOAD_DIR after the cut', () => listFiles(uploadDir), (l) => JSON.stringify(l) === JSON.stringify(filesBefore));
    await sleep(300);
    expect(listFiles(uploadDir)).to.deep.equal(filesBefore);
    expect(await testDb()('media').count('* as n')).to.deep.equal(rowsBefore);
    expect(await testDb()('media').where({ caption: 'Coupée' }).first()).to.equal(undefined);
    // And the server carries on: the next upload from the same youth goes through.
    const fine = await fetch(`${base}/groups/${ids.groups.sadiola}/media/new`, { headers: { cookie } });
    expect(fine.status).to.equal(200);
  });
});
