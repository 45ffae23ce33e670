/**
 * Upload benchmark of the production build: `npm run bench:upload`.
 *
 * Builds (`npm run build`), starts `node dist/src/server.js` as a separate process on 127.0.0.1 (free port,
 * with the variables and node flags `npm start` gives it, read from package.json;
 * NODE_ENV=production, generated SESSION_SECRET, demo data, a fresh SQLite file and UPLOAD_DIR in one temp
 * folder on the same disk as the test file), signs in as the demo youth `ines.d` over HTTP, and streams a
 * 1 GiB file from disk to POST /groups/:id/media as multipart, with node:http (never held in memory).
 *
 * The file is a real MP4 file-type box (`ftyp`, brand isom/mp42: what the server's type check reads in the
 * first bytes) followed by zeros, so the upload is taken as a video all the way through: streamed to a
 * temporary file with its SHA-256, type checked, moved to its generated name, probed by ffprobe/ffmpeg when
 * they are installed (they give up quickly on the zeros), and its row written. Each run is timed from the
 * first byte sent to the end of the server's answer; the row's size and SHA-256 are then checked in the
 * database, and the medium is deleted through the app before the next run. The server's peak RSS is its
 * VmHWM (/proc/<pid>/status), reset before the uploads. Then `cp` copies the same file in the same folder,
 * timed the same number of times. MB here are 2^20 bytes.
 *
 * Then the same file as many times through the resumable path (tus: created, then PATCHes of 64 MiB, as
 * tus-js-client sends it), each row checked the same way. The peak RSS covers both paths.
 *
 * The last line printed is `upload: X MB/s (cp Y MB/s), peak RSS Z MB; multipart A × cp, tus T MB/s B × cp`
 * (medians of the runs).
 * Optional environment: BENCH_RUNS (3), BENCH_SIZE_MB (1024), BENCH_NODE_ARGS (extra node flags for the
 * server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_SERVER_ENV (extra variables for the server,
 * e.g. "MALLOC_MMAP_THRESHOLD_=131072"), BENCH_BUILD=0 to use dist/ as it is, BENCH_ENFORCE_TARGET=1 to fail under 500 MB/s or over 150 MB of
 * peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import knex from 'knex';
import {
  BenchError, build, cpuTimes, csrfTokenOf, log, procStatus, removeAtExit, resetPeakRss, runBenchmark, sampleRss, signIn as signInForm,
  startServer, stopServer, type CookieJar,
} from './bench-server.js';
import { makeTestFile } from './mp4-test-file.js';

const MB = 1024 * 1024;
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
const SIZE = Number(process.env.BENCH_SIZE_MB ?? 1024) * MB;
const ENFORCE_TARGET = /^(1|true|yes)$/.test(process.env.BENCH_ENFORCE_TARGET ?? '');
const TARGET = { mbPerSec: 500, rssMb: 150 };
const YOUTH = 'ines.d';
const GROUP_NAME = 'Rencontre des jeunes de Sadiola';
const OVERALL_LIMIT_MS = 600_000;

// ------------------------------------------------------------------------------------------- server

// ------------------------------------------------------------------------------------------- HTTP

const tokenOf = csrfTokenOf;

interface Session {
  jar: CookieJar;
  groupId: number;
  token: string;
}

async function signIn(base: string): Promise<Session> {
  const client = await signInForm(base, YOUTH);
  const get = (p: string) => client.get(p);
  const groups = await get('/groups');
  const escaped = GROUP_NAME.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const id = new RegExp(`href="/groups/(\\d+)"[^>]*>\\s*${escaped}`).exec(groups.text)?.[1];
  if (!id) throw new BenchError(`GET /groups (${groups.status}): no link to "${GROUP_NAME}" for ${YOUTH}`);
  const page = await get(`/groups/${id}/media/new`);
  if (page.status !== 200) throw new BenchError(`GET /groups/${id}/media/new answered ${page.status}`);
  log(`signed in as ${YOUTH}; uploading to group ${id}`);
  return { jar: client.jar, groupId: Number(id), token: tokenOf(page.text, 'the upload page') };
}

/** Streams the file from disk as a multipart form (moment, caption, then the file), like the upload page. */
function uploadFile(base: string, session: Session, file: string, size: number): Promise<{ status: number; location: string | null; body: string; afterLastByte: number }> {
  const url = new URL(`${base}/groups/${session.groupId}/media?_csrf=${encodeURIComponent(session.token)}`);
  const boundary = `----tremplinbench${randomBytes(8).toString('hex')}`;
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="moment"\r\n\r\nduring\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="caption"\r\n\r\nBench upload\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="bench.mp4"\r\nContent-Type: video/mp4\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST',
      headers: {
        cookie: session.jar.header(), accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length),
      },
    });
    let sentAt = 0;
    req.on('error', reject);
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({
        status: res.statusCode ?? 0, location: res.headers.location ?? null, body, afterLastByte: sentAt ? (performance.now() - sentAt) / 1000 : 0,
      }));
      res.on('error', reject);
    });
    req.write(head);
    const source = createReadStream(file, { highWaterMark: MB });
    source.on('error', reject);
    source.pipe(req, { end: false });
    source.on('end', () => req.end(tail, () => (sentAt = performance.now())));
  });
}

const TUS_CHUNK = 64 * MB;

/** One HTTP request with an optional body streamed from part of the file; the answer's status, headers and text. */
function tusRequest(base: string, session: Session, method: string, pathname: string, headers: Record<string, string>, body?: { file: string; start: number; end: number }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const url = new URL(`${base}${pathname}`);
    const req = http.request({
      host: url.hostname, port: url.port, path: url.pathname, method,
      headers: { cookie: session.jar.header(), 'tus-resumable': '1.0.0', 'x-csrf-token': session.token, ...headers },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on('error', reject);
    });
    if (!body) return void req.end();
    const source = createReadStream(body.file, { start: body.start, end: body.end - 1, highWaterMark: MB });
    source.on('error', reject);
    source.pipe(req);
  });
}

/** The same file through the resumable path, as tus-js-client sends it: created, then PATCHes of 64 MiB. */
async function uploadTus(base: string, session: Session, file: string, size: number): Promise<{ location: string }> {
  const metadata = [['filename', 'bench.mp4'], ['moment', 'during'], ['caption', 'Bench upload (tus)']]
    .map(([k, v]) => `${k} ${Buffer.from(v!).toString('base64')}`).join(',');
  const created = await tusRequest(base, session, 'POST', `/groups/${session.groupId}/media/tus`, { 'upload-length': String(size), 'upload-metadata': metadata });
  if (created.status !== 201 || !created.headers.location) throw new BenchError(`tus creation answered ${created.status}: ${created.body}`);
  let offset = 0;
  let finished: string | undefined;
  while (offset < size) {
    const end = Math.min(size, offset + TUS_CHUNK);
    const res = await tusRequest(base, session, 'PATCH', created.headers.location, {
      'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', 'content-length': String(end - offset),
    }, { file, start: offset, end });
    if (res.status !== 204) throw new BenchError(`tus PATCH at ${offset} answered ${res.status}: ${res.body}`);
    offset = Number(res.headers['upload-offset']);
    finished = res.headers['x-tremplin-location'] as string | undefined;
  }
  if (!finished) throw new BenchError('the last tus PATCH did not say where the medium is');
  return { location: finished };
}

async function deleteMedium(base: string, session: Session, location: string): Promise<void> {
  const page = await fetch(`${base}${location}`, { headers: { cookie: session.jar.header() } });
  session.jar.take(page);
  const token = tokenOf(await page.text(), location);
  const res = await fetch(`${base}${location}/delete`, {
    method: 'POST', redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: session.jar.header() },
    body: new URLSearchParams({ _csrf: token, confirm: 'yes' }).toString(),
  });
  await res.arrayBuffer();
  if (res.status !== 303) throw new BenchError(`deleting ${location} answered ${res.status}`);
}

// ------------------------------------------------------------------------------------------- files

/**
 * Writes back what earlier runs left in the page cache before a timed run, so that no run (an upload or a
 * cp) pays for the one before it: without it, cp measured from 1.7 to 3.7 GB/s in one bench.
 */
function settle(): void {
  spawnSync('sync');
}

function timeCp(from: string, to: string): number {
  rmSync(to, { force: true });
  settle();
  const started = performance.now();
  const r = spawnSync('cp', [from, to]);
  const seconds = (performance.now() - started) / 1000;
  if (r.status !== 0) throw new BenchError(`cp failed: ${r.stderr}`);
  rmSync(to, { force: true });
  return seconds;
}

// ------------------------------------------------------------------------------------------- main

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mbps = (bytes: number, seconds: number) => bytes / MB / seconds;

async function main(): Promise<number> {
  build();
  const tempDir = removeAtExit(mkdtempSync(path.join(tmpdir(), 'tremplin-bench-upload-')));
  const file = path.join(tempDir, 'bench.mp4');
  log(`writing a ${SIZE / MB} MB test file in ${tempDir}`);
  const sha256 = await makeTestFile(file, SIZE);
  const size = statSync(file).size;

  const server = await startServer({ dir: tempDir, database: { sqliteFile: path.join(tempDir, 'tremplin.sqlite') }, sessionSecret: randomBytes(32).toString('hex') });
  const base = server.base;
  const pid = server.proc.pid!;
  log(`server pid ${pid} on ${base} (NODE_ENV=production, SQLite and UPLOAD_DIR in ${tempDir})`);
  const session = await signIn(base);
  const db = knex({ client: 'sqlite3', connection: { filename: path.join(tempDir, 'tremplin.sqlite') }, useNullAsDefault: true });

  const rssBefore = procStatus(pid).VmRSS ?? 0;
  const reset = resetPeakRss(pid);
  const sampler = sampleRss(pid, 50);
  const uploads: { seconds: number; user: number; system: number; client: number }[] = [];
  const failures: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      settle();
      const serverBefore = cpuTimes(pid);
      const clientBefore = process.cpuUsage();
      const started = performance.now();
      const res = await uploadFile(base, session, file, size);
      const seconds = (performance.now() - started) / 1000;
      const serverAfter = cpuTimes(pid);
      const clientCpu = process.cpuUsage(clientBefore);
      const user = (serverAfter.user - serverBefore.user) / seconds;
      const system = (serverAfter.system - serverBefore.system) / seconds;
      const client = (clientCpu.user + clientCpu.system) / 1e6 / seconds;
      if (res.status !== 303 || !res.location || !/\/media\/\d+$/.test(res.location)) {
        throw new BenchError(`upload ${i + 1} answered ${res.status} ${res.location ?? ''}: ${res.body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').slice(0, 300)}`);
      }
      const row = await db('media').where({ id: Number(res.location.split('/').pop()) }).first();
      if (!row || Number(row.size_bytes) !== size || row.sha256 !== sha256 || row.kind !== 'video') {
        failures.push(`upload ${i + 1}: the row does not match the file (${JSON.stringify({ size: row?.size_bytes, sha256: row?.sha256, kind: row?.kind })})`);
      }
      uploads.push({ seconds, user, system, client });
      log(
        `upload ${i + 1}/${RUNS}: ${seconds.toFixed(2)} s, ${mbps(size, seconds).toFixed(0)} MB/s (answer ${(res.afterLastByte * 1000).toFixed(0)} ms after the last byte), ` +
          `server CPU ${Math.round(user * 100)}% user + ${Math.round(system * 100)}% kernel, sender ${Math.round(client * 100)}%`,
      );
      await deleteMedium(base, session, res.location);
    }
  } finally {
    await db.destroy();
  }
  const tusRuns: number[] = [];
  const tusCpu: { user: number; system: number }[] = [];
  const tusDb = knex({ client: 'sqlite3', connection: { filename: path.join(tempDir, 'tremplin.sqlite') }, useNullAsDefault: true });
  try {
    for (let i = 0; i < RUNS; i++) {
      settle();
      const serverBefore = cpuTimes(pid);
      const started = performance.now();
      const res = await uploadTus(base, session, file, size);
      const seconds = (performance.now() - started) / 1000;
      const serverAfter = cpuTimes(pid);
      const user = (serverAfter.user - serverBefore.user) / seconds;
      const system = (serverAfter.system - serverBefore.system) / seconds;
      tusCpu.push({ user, system });
      const row = await tusDb('media').where({ id: Number(res.location.split('/').pop()) }).first();
      if (!row || Number(row.size_bytes) !== size || row.sha256 !== sha256 || row.kind !== 'video') {
        failures.push(`tus upload ${i + 1}: the row does not match the file (${JSON.stringify({ size: row?.size_bytes, sha256: row?.sha256, kind: row?.kind })})`);
      }
      tusRuns.push(seconds);
      log(
        `tus upload ${i + 1}/${RUNS}: ${seconds.toFixed(2)} s, ${mbps(size, seconds).toFixed(0)} MB/s (${Math.ceil(size / TUS_CHUNK)} PATCHes of ${TUS_CHUNK / MB} MB), ` +
          `server CPU ${Math.round(user * 100)}% user + ${Math.round(system * 100)}% kernel`,
      );
      await deleteMedium(base, session, res.location);
    }
  } finally {
    await tusDb.destroy();
  }
  const sampled = sampler.stop();
  const status = procStatus(pid);
  const peakRss = reset ? status.VmHWM ?? 0 : sampled;

  const copies: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    copies.push(timeCp(file, path.join(tempDir, 'bench-copy.mp4')));
    log(`cp ${i + 1}/${RUNS}: ${copies[i]!.toFixed(2)} s, ${mbps(size, copies[i]!).toFixed(0)} MB/s`);
  }

  const upload = mbps(size, median(uploads.map((u) => u.seconds)));
  const cp = mbps(size, median(copies));
  const rows = [
    ['what', 'runs', 'median s', 'median MB/s', 'best MB/s', 'server CPU (user+kernel)'],
    ['upload (POST /groups/:id/media)', String(RUNS), median(uploads.map((u) => u.seconds)).toFixed(2), upload.toFixed(0),
      mbps(size, Math.min(...uploads.map((u) => u.seconds))).toFixed(0),
      `${Math.round(median(uploads.map((u) => u.user)) * 100)}% + ${Math.round(median(uploads.map((u) => u.system)) * 100)}%`],
    ['tus (POST + PATCHes /groups/:id/media/tus)', String(RUNS), median(tusRuns).toFixed(2), mbps(size, median(tusRuns)).toFixed(0), mbps(size, Math.min(...tusRuns)).toFixed(0),
      `${Math.round(median(tusCpu.map((u) => u.user)) * 100)}% + ${Math.round(median(tusCpu.map((u) => u.system)) * 100)}%`],
    ['cp of the same file', String(RUNS), median(copies).toFixed(2), cp.toFixed(0), mbps(size, Math.min(...copies)).toFixed(0), '—'],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  log('');
  for (const [n, r] of rows.entries()) {
    log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
    if (n === 0) log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
  log('');
  log(`file: ${size / MB} MB (an MP4 ftyp box, then zeros), streamed from disk; 1 MB = 2^20 bytes; 100% CPU = one core`);
  log(`server peak RSS during the uploads: ${(peakRss / MB).toFixed(1)} MB ${reset ? '(VmHWM, reset before the uploads)' : '(sampled VmRSS; VmHWM could not be reset)'}; RSS before ${(rssBefore / MB).toFixed(1)} MB`);
  const met = upload >= TARGET.mbPerSec && peakRss / MB < TARGET.rssMb;
  log(`target (>= ${TARGET.mbPerSec} MB/s, peak RSS < ${TARGET.rssMb} MB): ${met ? 'met' : 'NOT met'}${ENFORCE_TARGET ? '' : ' (not enforced; BENCH_ENFORCE_TARGET=1 to fail on it)'}`);
  if (ENFORCE_TARGET && !met) failures.push('target not met');
  if (!(await stopServer(server))) failures.push(`server did not stop cleanly on SIGTERM (${server.proc.exitCode ?? server.proc.signalCode})`);
  for (const f of failures) console.error(`FAIL ${f}`);
  const tus = mbps(size, median(tusRuns));
  log(`upload: ${upload.toFixed(0)} MB/s (cp ${cp.toFixed(0)} MB/s), peak RSS ${(peakRss / MB).toFixed(0)} MB; ` +
    `multipart ${(upload / cp).toFixed(2)} × cp, tus ${tus.toFixed(0)} MB/s ${(tus / cp).toFixed(2)} × cp`);
  return failures.length ? 1 : 0;
}

await runBenchmark(main, OVERALL_LIMIT_MS);
