import { EventEmitter } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * A SHA-256 computed on another thread, fed as the bytes go by. Hashing a video on the thread that
 * receives it took a third of that thread's time (`npm run bench:upload`); here the receiving thread only
 * copies the bytes into 1 MiB batches, which a worker thread hashes while the next ones arrive. The
 * result is the same digest as `createHash('sha256')` over the same bytes in the same order.
 *
 * `update` returns false when several batches are waiting for the worker: the caller then pauses its
 * source until 'drain', so a slow worker never makes memory grow.
 */

const BATCH_BYTES = 1024 * 1024;
const MAX_BATCHES_IN_FLIGHT = 4;
const MAX_SPARE_BATCHES = MAX_BATCHES_IN_FLIGHT + 1;

// The worker's code, given as a string (a CommonJS script) so that it runs the same from src/ under tsx
// and from dist/ without a file of its own to find.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'data') {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash('sha256')));
    hash.update(new Uint8Array(m.buffer, 0, m.length));
    parentPort.postMessage({ type: 'ack', id: m.id, buffer: m.buffer }, [m.buffer]);
  } else if (m.type === 'end') {
    const hash = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ type: 'digest', id: m.id, digest: hash.digest('hex') });
  } else if (m.type === 'abort') {
    hashes.delete(m.id);
  }
});
`;

type WorkerMessage = { type: 'ack'; id: number; buffer: ArrayBuffer } | { type: 'digest'; id: number; digest: string };

/** The one hashing thread of the process, started on first use; it does not keep the process alive. */
class HashingThread {
  private static current: HashingThread | undefined;
  private readonly worker: Worker;
  private readonly jobs = new Map<number, BackgroundSha256>();
  private readonly spare: ArrayBuffer[] = [];
  private nextId = 1;

  static get(): HashingThread {
    return (HashingThread.current ??= new HashingThread());
  }

  private constructor() {
    // It holds a few hash states and no data of its own (batches are external memory): a small heap will do.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, resourceLimits: { maxYoungGenerationSizeMb: 2, maxOldGenerationSizeMb: 16 } });
    this.worker.unref();
    this.worker.on('message', (m: WorkerMessage) => {
      const job = this.jobs.get(m.id);
      if (m.type === 'ack') {
        if (this.spare.length < MAX_SPARE_BATCHES) this.spare.push(m.buffer);
        job?.acknowledged();
      } else {
        this.jobs.delete(m.id);
        job?.finished(m.digest);
      }
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

  register(job: BackgroundSha256): number {
    const id = this.nextId++;
    this.jobs.set(id, job);
    return id;
  }

  batch(): ArrayBuffer {
    return this.spare.pop() ?? new ArrayBuffer(BATCH_BYTES);
  }

  send(id: number, buffer: ArrayBuffer, length: number): void {
    this.worker.postMessage({ type: 'data', id, buffer, length }, [buffer]);
  }

  end(id: number): void {
    this.worker.postMessage({ type: 'end', id });
  }

  abort(id: number): void {
    this.jobs.delete(id);
    this.worker.postMessage({ type: 'abort', id });
  }
}

export class BackgroundSha256 extends EventEmitter {
  private readonly thread = HashingThread.get();
  private readonly id = this.thread.register(this);
  private current: Uint8Array | undefined;
  private filled = 0;
  private inFlight = 0;
  private full = false;
  private result: Promise<string> | undefined;
  private settle: { resolve: (digest: string) => void; reject: (err: Error) => void } | undefined;
  private error: Error | undefined;

  /** Adds bytes (copied: the caller may reuse its buffer). False: wait for 'drain' before adding more. */
  update(chunk: Uint8Array): boolean {
    if (this.error) return true; // digest() will say what went wrong
    let offset = 0;
    while (offset < chunk.length) {
      this.current ??= new Uint8Array(this.thread.batch());
      const n = Math.min(chunk.length - offset, this.current.length - this.filled);
      this.current.set(chunk.subarray(offset, offset + n), this.filled);
      this.filled += n;
      offset += n;
      if (this.filled === this.current.length) this.flush();
    }
    this.full = this.inFlight >= MAX_BATCHES_IN_FLIGHT;
    return !this.full;
  }

  /** The hex digest of everything added, once the worker has hashed it all. */
  digest(): Promise<string> {
    if (!this.result) {
      this.result = new Promise<string>((resolve, reject) => {
        this.settle = { resolve, reject };
        if (this.error) return reject(this.error);
        this.flush();
        this.thread.end(this.id);
      });
    }
    return this.result;
  }

  /** Forgets this hash (an upload that failed): the worker drops what it had. */
  abort(): void {
    this.thread.abort(this.id);
  }

  private flush(): void {
    if (!this.current || this.filled === 0) return;
    this.thread.send(this.id, this.current.buffer as ArrayBuffer, this.filled);
    this.inFlight++;
    this.current = undefined;
    this.filled = 0;
  }

  /** @internal the worker has hashed one batch. */
  acknowledged(): void {
    this.inFlight--;
    if (this.full && this.inFlight < MAX_BATCHES_IN_FLIGHT) {
      this.full = false;
      this.emit('drain');
    }
  }

  /** @internal */
  finished(digest: string): void {
    this.settle?.resolve(digest);
  }

  /** @internal */
  failed(err: Error): void {
    this.error = err;
    this.settle?.reject(err);
    // A source paused for this hash must not wait forever: let it go on and fail at digest().
    if (this.full) {
      this.full = false;
      this.emit('drain');
    }
  }
}
