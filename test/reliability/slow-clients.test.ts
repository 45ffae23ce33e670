import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { expect } from 'chai';
import { loadConfig } from '../../src/config.js';
import { httpServer } from '../../src/http/timeouts.js';
import { DEMO_PASSWORD, type DemoIds } from '../../src/demo/demo-data.js';
import { buildApp, onFreePort, type Listening } from '../support/http.js';
import { resetToDemo, testDatabase, testDb } from '../support/database.js';
import { BrowserSession, envFor, kill9, scratchDatabase, startServer } from '../support/processes.js';
import { eventually, listFiles, makeMp4, requireFfmpeg, scratchDir, sleep } from '../media/fixtures.js';

/**
 * Sends a request over a raw socket, its bytes in the given pieces with a pause before each one after the
 * first, as a slow phone or a slowloris client would; resolves with what came back and when the server
 * closed the connection (ms after the first byte), or with a reply that keeps the connection open.
 */
function trickle(to: number, pieces: Buffer[], pauseMs: number): Promise<{ status: number; text: string; closedAfterMs: number | null }> {
  return new Promise((resolve) => {
    const socket = net.connect(to, '127.0.0.1');
    const started = Date.now();
    let received = '';
    let closed = false;
    const done = (closedAfterMs: number | null) => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({ status, text: received, closedAfterMs });
    };
    socket.on('data', (d) => {
      received += d.toString('latin1');
      // A reply that keeps the connection open (a 303 after an upload): no close to wait for.
      if (!closed && /\r\n\r\n/.test(received) && !/\r\nConnection: close\r\n/i.test(received)) done(null);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      closed = true;
      done(Date.now() - started);
    });
    void (async () => {
      for (const [i, piece] of pieces.entries()) {
        if (i) await sleep(pauseMs);
        if (socket.destroyed) return;
        socket.write(piece);
      }
    })();
  });
}

/**
 * A phone on a slow network sends a big video for as long as it takes, while a client that trickles an
 * ordinary form (or its headers) to hold connections open is cut. The real server (what server.ts listens
 * with) on a port, with timeouts of a second so that the test takes seconds: an ordinary request must
 * arrive within REQUEST_TIMEOUT_SECONDS, an upload may take longer as long as bytes keep coming.
 */
describe('slow clients, on a real server', function () {
  this.timeout(30_000);
  const env = { REQUEST_TIMEOUT_SECONDS: '1', UPLOAD_IDLE_TIMEOUT_SECONDS: '1' };
  let ids: DemoIds;
  let server: Listening;
  let port: number;
  let base: string;
  let mp4: Buffer;

  before(async () => {
    requireFfmpeg();
    ids = await resetToDemo();
    const app = buildApp(env);
    server = await onFreePort(httpServer(app, loadConfig({ NODE_ENV: 'test', ...env })));
    ({ port, baseUrl: base } = server);
    mp4 = readFileSync(makeMp4(scratchDir(), 'lent.mp4', { seconds: 2, size: '160x120' }));
  });
  after(async () => {
    await server.close();
  });

  async function signedInYouth(): Promise<{ cookie: string; token: string }> {
    const session = new BrowserSession(base);
    await session.signIn('ines.d', DEMO_PASSWORD);
    const page = await session.get(`/groups/${ids.groups.sadiola}/media/new`);
    expect(page.status).to.equal(200);
    return { cookie: session.header(), token: page.token! };
  }

  const split = (buf: Buffer, n: number): Buffer[] => {
    const size = Math.ceil(buf.length / n);
    return Array.from({ length: n }, (_, i) => buf.subarray(i * size, (i + 1) * size)).filter((b) => b.length);
  };

  function multipartUpload(cookie: string, token: string, caption: string, file: Buffer, announced = file.length): { head: Buffer; body: Buffer } {
    const boundary = `----tremplin${Date.now()}`;
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="moment"\r\n\r\nbefore\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\n${caption}\r\n` +
          `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="lent.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
      ),
      file,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const length = body.length - file.length + announced;
    const head = Buffer.from(
      `POST /groups/${ids.groups.sadiola}/media?_csrf=${encodeURIComponent(token)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n` +
        `Cookie: ${cookie}\r\nAccept: text/html\r\nContent-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`,
    );
    return { head, body };
  }

  it('a video sent slowly, well past the ordinary timeout, arrives whole and is kept', async () => {
    const { cookie, token } = await signedInYouth();
    const { head, body } = multipartUpload(cookie, token, 'Envoyée lentement', mp4);
    // About three seconds of sending, never more than a quarter of a second without a byte.
    const res = await trickle(port, [head, ...split(body, 12)], 250);
    expect(res.status, res.text.slice(0, 300)).to.equal(303);
    expect(await testDb()('media').where({ caption: 'Envoyée lentement', kind: 'video' }).first()).to.not.equal(undefined);
  });

  it('an ordinary form trickled past the ordinary timeout is cut with 408', async () => {
    const { cookie, token } = await signedInYouth();
    const form = Buffer.from(`_csrf=${encodeURIComponent(token)}&lang=en&returnTo=%2F&${'x'.repeat(60)}=1`);
    const head = Buffer.from(
      `POST /lang HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`,
    );
    const res = await trickle(port, [head, ...split(form, 20)], 250);
    expect(res.status, res.text.slice(0, 300)).to.equal(408);
    expect(res.closedAfterMs, 'the server closes the connection').to.be.a('number').and.be.below(3500);
    expect(res.text).to.include('Connection: close').and.include('Trop lent');
  });

  it('a client that trickles its headers is cut too', async () => {
    const pieces = [Buffer.from(`GET /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`), ...Array.from({ length: 20 }, (_, i) => Buffer.from(`X-Slow-${i}: a\r\n`))];
    const res = await trickle(port, pieces, 250);
    expect(res.closedAfterMs, 'the server closes the connection').to.be.a('number').and.be.below(3500);
    expect(res.status).to.be.oneOf([0, 408]);
  });

  it('an upload that goes quiet is cut, leaving no half file and no row', async () => {
    const uploadDir = testDatabase().config.uploadDir;
    const filesBefore = listFiles(uploadDir);
    const { cookie, token } = await signedInYouth();
    // The body says 5 MB are coming; a part of the video comes, then nothing.
    const { head, body } = multipartUpload(cookie, token, 'Partie en silence', mp4, 5 * 1024 * 1024);
    const started = Date.now();
    const res = await trickle(port, [head, body.subarray(0, Math.floor(body.length / 2)), Buffer.alloc(0)], 100);
    expect(res.closedAfterMs, 'the server closes the connection').to.be.a('number').and.be.below(3500);
    expect(Date.now() - started).to.be.below(4000);
    await eventually('files under UPLOAD_DIR after the cut', () => listFiles(uploadDir), (l) => JSON.stringify(l) === JSON.stringify(filesBefore));
    expect(await testDb()('media').where({ caption: 'Partie en silence' }).first()).to.equal(undefined);
  });
});

describe('slow clients, on the server npm start runs (src/server.ts)', function () {
  this.timeout(90_000);
  let tmp: string;
  let child: ChildProcess | undefined;
  let drop: (() => Promise<void>) | undefined;
  let port: number;

  before(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'tremplin-slow-'));
    const scratch = await scratchDatabase(testDatabase().config.database, 'tremplin_slow', path.join(tmp, 'tremplin.sqlite'));
    drop = scratch.drop;
    const server = await startServer(envFor(scratch.database, { UPLOAD_DIR: path.join(tmp, 'uploads'), REQUEST_TIMEOUT_SECONDS: '1' }));
    child = server.child;
    port = Number(new URL(server.base).port);
  });
  after(async () => {
    if (child) await kill9(child);
    await drop?.();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('cuts a form trickled past REQUEST_TIMEOUT_SECONDS with 408', async () => {
    const form = Buffer.from(`login=someone&password=${'x'.repeat(40)}`);
    const head = Buffer.from(`POST /login HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${form.length}\r\n\r\n`);
    const res = await trickle(port, [head, ...Array.from(form).map((b) => Buffer.from([b]))], 200);
    expect(res.status, res.text.slice(0, 300)).to.equal(408);
    expect(res.closedAfterMs).to.be.a('number').and.be.below(3500);
  });
});
