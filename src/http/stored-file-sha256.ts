import { createHash, type Hash } from 'node:crypto';
import { open } from 'node:fs/promises';

/**
 * The SHA-256 of exactly the bytes a file holds, fed by the writer with each batch it writes, at the
 * position it writes it (uploads.ts, StoredFileWriter); bytes this process did not write (the first pieces
 * of a resumable upload that another instance received) are read back from the file at the end.
 *
 * On the receiving thread, not a worker thread (`npm run bench:upload`, 3 December 2026): a worker is a
 * second V8 instance, some 12 MB of the server's peak RSS for the hash alone (the upload target is 150 MB,
 * with 128 at rest), and feeding it cost more CPU than it saved: the chunks copied into 1 MiB batches and
 * posted, or read back from the disk. Hashing costs the receiving thread about 0.6 s per GiB.
 */

const READ_BACK_BYTES = 1024 * 1024;

export class StoredFileSha256 {
  private hash: Hash = createHash('sha256');
  private hashed = 0;

  constructor(readonly filePath: string) {}

  /**
   * `buffers` are about to be written at `position`. Hashed now if they follow what was hashed (the write
   * runs while the next chunks arrive); after a gap (bytes written elsewhere) nothing more is hashed here
   * and the digest reads the rest back. A write that fails calls `lost`.
   */
  writing(position: number, buffers: Buffer[]): void {
    if (position !== this.hashed) return;
    for (const b of buffers) {
      this.hash.update(b);
      this.hashed += b.length;
    }
  }

  /** A write hashed by `writing` did not reach the file whole: what was hashed is no longer what is stored. */
  lost(): void {
    this.hash = createHash('sha256');
    this.hashed = 0;
  }

  /** The hex digest of the file, which must hold exactly `size` bytes; what was not hashed as written is read back. */
  async digest(size: number): Promise<string> {
    running.delete(this.filePath);
    const file = await open(this.filePath, 'r');
    try {
      const onDisk = (await file.stat()).size;
      if (onDisk !== size) throw new Error(`${this.filePath} holds ${onDisk} bytes, not the ${size} received`);
      if (this.hashed > size) this.lost();
      const piece = Buffer.allocUnsafe(Math.min(READ_BACK_BYTES, size - this.hashed));
      while (this.hashed < size) {
        const { bytesRead } = await file.read(piece, 0, Math.min(piece.length, size - this.hashed), this.hashed);
        if (!bytesRead) throw new Error(`${this.filePath} is shorter than what was written to it`);
        this.hash.update(piece.subarray(0, bytesRead));
        this.hashed += bytesRead;
      }
      return this.hash.digest('hex');
    } finally {
      await file.close();
    }
  }

  /** Forgets this hash (an upload that failed or went). */
  abort(): void {
    if (running.get(this.filePath) === this) running.delete(this.filePath);
  }
}

// The hashes of files written in pieces by several requests, by path; a bound, so that uploads abandoned
// in this process (a phone that never came back) cannot pile up: the oldest is dropped, and its file would
// be read back whole if it ever finished.
const MAX_RUNNING = 1000;
const running = new Map<string, StoredFileSha256>();

/** The hash of a file written in pieces, kept from one piece to the next. */
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
