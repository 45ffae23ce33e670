import { Worker } from 'node:worker_threads';

/**
 * The SHA-256 of a file's stored bytes, computed on another thread that reads them back from the disk
 * while the file is being written: the thread that receives an upload only says how far the file is
 * written (`stored`), and the hashing thread hashes up to there from the file itself (the page cache:
 * the bytes were just written). So the digest is that of exactly the bytes on the disk, in order.
 *
 * Why not hash the chunks as they arrive (`npm run bench:upload`, 3 December 2026): on the receiving
 * thread the hash took a third of that thread's time; sent to a worker, each chunk had to be copied into
 * batches (a 1 GiB copy per GiB, 10 MiB of batches in flight, a pause of the upload whenever the worker
 * lagged). Read back from the file, the worker never holds more than one 1 MiB buffer, never makes the
 * upload wait, and a slow worker only delays the digest at the end.
 *
 * A file written in pieces over several requests (a resumable upload) keeps one hash from piece to piece;
 * `runningSha256(path)` finds it again, and a file whose first bytes were written elsewhere (another
 * instance, a restarted process) is simply hashed from its start by the same thread.
 */

const PIECE_BYTES = 1024 * 1024;

// The worker's code, given as a string (a CommonJS script) so that it runs the same from src/ under tsx
// and from dist/ without a file of its own to find. It takes its jobs a piece at a time in turn, so that
// a long file read back whole (a resumable upload finished by another process) does not stall the others.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const fs = require('node:fs');
const PIECE = ${PIECE_BYTES};
const piece = Buffer.allocUnsafeSlow(PIECE);
const jobs = new Map();
const busy = new Set();
let scheduled = false;

function fail(job, err) {
  close(job);
  jobs.delete(job.id);
  busy.delete(job);
  parentPort.postMessage({ type: 'error', id: job.id, message: err && err.message ? err.message : String(err) });
}
function close(job) {
  if (job.fd !== undefined) { try { fs.closeSync(job.fd); } catch {} job.fd = undefined; }
}
function open(job) {
  if (job.fd !== undefined) return;
  job.fd = fs.openSync(job.path, 'r');
  // Another file under the same name (removed and made again: its inode number may be the same) would not
  // be the one hashed so far.
  const s = fs.fstatSync(job.fd);
  const identity = s.dev + ':' + s.ino + ':' + s.birthtimeMs;
  if (job.identity !== undefined && job.identity !== identity) { job.hash = createHash('sha256'); job.done = 0; }
  job.identity = identity;
}
// One piece of one job; true while that job has more to do.
function step(job) {
  try {
    if (job.done < job.target) {
      open(job);
      const n = fs.readSync(job.fd, piece, 0, Math.min(PIECE, job.target - job.done), job.done);
      if (n === 0) throw new Error('the file is shorter than what was written to it');
      job.hash.update(piece.subarray(0, n));
      job.done += n;
      if (job.done < job.target) return true;
    }
    if (job.size !== undefined) {
      open(job);
      const size = fs.fstatSync(job.fd).size;
      if (size !== job.size) throw new Error('the file holds ' + size + ' bytes, not the ' + job.size + ' hashed');
      close(job);
      jobs.delete(job.id);
      parentPort.postMessage({ type: 'digest', id: job.id, digest: job.hash.digest('hex') });
      return false;
    }
    close(job);
    return false;
  } catch (err) {
    fail(job, err);
    return false;
  }
}
function pump() {
  scheduled = false;
  for (const job of [...busy]) if (!step(job)) busy.delete(job);
  if (busy.size) schedule();
}
function schedule() {
  if (!scheduled) { scheduled = true; setImmediate(pump); }
}
parentPort.on('message', (m) => {
  if (m.type === 'start') {
    jobs.set(m.id, { id: m.id, path: m.path, hash: createHash('sha256'), done: 0, target: 0, size: undefined, fd: undefined, identity: undefined });
    return;
  }
  const job = jobs.get(m.id);
  if (!job) return;
  if (m.type === 'abort') { close(job); jobs.delete(m.id); busy.delete(job); return; }
  if (m.type === 'stored') job.target = Math.max(job.target, m.upTo);
  else if (m.type === 'digest') { job.target = Math.max(job.target, m.size); job.size = m.size; }
  busy.add(job);
  schedule();
});
`;

type WorkerMessage = { type: 'digest'; id: number; digest: string } | { type: 'error'; id: number; message: string };

/** The one hashing thread of the process, started on first use; it does not keep the process alive. */
class HashingThread {
  private static current: HashingThread | undefined;
  private readonly worker: Worker;
  private readonly jobs = new Map<number, StoredFileSha256>();
  private nextId = 1;

  static get(): HashingThread {
    return (HashingThread.current ??= new HashingThread());
  }

  private constructor() {
    // It holds hash states, one 1 MiB buffer and no data of its own: a small heap will do.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } });
    this.worker.unref();
    this.worker.on('message', (m: WorkerMessage) => {
      const job = this.jobs.get(m.id);
      this.jobs.delete(m.id);
      if (m.type === 'digest') job?.finished(m.digest);
      else job?.failed(new Error(`hashing ${job.filePath}: ${m.message}`));
    });
    // A thread that fails takes its jobs with it (their uploads fail and are cleaned up); the next upload
    // starts a new one.
    const fail = (cause: unknown) => {
      if (HashingThread.current === this) HashingThread.current = undefined;
      const jobs = [...this.jobs.values()];
      this.jobs.clear();
      // A code marks it as the server's failure (500), not a broken upload from the client.
      const err = Object.assign(new Error(`the hashing thread stopped: ${cause instanceof Error ? cause.message : String(cause)}`), { code: 'EHASHTHREAD' });
      for (const job of jobs) job.failed(err);
    };
    this.worker.on('error', fail);
    this.worker.on('exit', (code) => fail(new Error(`hashing thread exited with code ${code}`)));
  }

  start(job: StoredFileSha256): number {
    const id = this.nextId++;
    this.jobs.set(id, job);
    this.worker.postMessage({ type: 'start', id, path: job.filePath });
    return id;
  }

  stored(id: number, upTo: number): void {
    this.worker.postMessage({ type: 'stored', id, upTo });
  }

  digest(id: number, size: number): void {
    this.worker.postMessage({ type: 'digest', id, size });
  }

  abort(id: number): void {
    this.jobs.delete(id);
    this.worker.postMessage({ type: 'abort', id });
  }
}

export class StoredFileSha256 {
  private readonly thread = HashingThread.get();
  private readonly id: number;
  private result: Promise<string> | undefined;
  private settle: { resolve: (digest: string) => void; reject: (err: Error) => void } | undefined;
  private error: Error | undefined;

  constructor(readonly filePath: string) {
    this.id = this.thread.start(this);
  }

  /** The file's first `upTo` bytes are written: the hashing thread may read them. */
  stored(upTo: number): void {
    if (!this.error && !this.result) this.thread.stored(this.id, upTo);
  }

  /**
   * The hex digest of the file, once the hashing thread has read its `size` bytes; refused if the file on
   * the disk is not exactly that long then. Ends this hash.
   */
  digest(size: number): Promise<string> {
    if (!this.result) {
      this.result = new Promise<string>((resolve, reject) => {
        this.settle = { resolve, reject };
        if (this.error) return reject(this.error);
        this.thread.digest(this.id, size);
      });
      this.result.catch(() => undefined);
    }
    return this.result;
  }

  /** Forgets this hash (an upload that failed or went): the thread drops it. */
  abort(): void {
    if (!this.result) this.thread.abort(this.id);
    running.delete(this.filePath);
  }

  /** @internal */
  finished(digest: string): void {
    this.settle?.resolve(digest);
  }

  /** @internal */
  failed(err: Error): void {
    this.error = err;
    this.settle?.reject(err);
  }
}

// The hashes of files written in pieces by several requests, by path; a bound, so that uploads abandoned
// in this process (a phone that never came back) cannot pile up: the oldest is dropped, and would be
// hashed again from its start if it ever finished.
const MAX_RUNNING = 1000;
const running = new Map<string, StoredFileSha256>();

/** The hash of a file written in pieces, kept from one piece to the next (see above). */
export function runningSha256(filePath: string): StoredFileSha256 {
  let hash = running.get(filePath);
  if (!hash) {
    if (running.size >= MAX_RUNNING) running.values().next().value?.abort();
    running.set(filePath, (hash = new StoredFileSha256(filePath)));
  }
  return hash;
}

/** The hash kept for that file, if any, no longer kept: its caller finishes it (digest) or drops it. */
export function takeRunningSha256(filePath: string): StoredFileSha256 | undefined {
  const hash = running.get(filePath);
  running.delete(filePath);
  return hash;
}
