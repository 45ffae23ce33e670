/**
 * What keeps a server receiving 1 GiB videos under 150 MB of RSS, in one place. `npm start` runs node as
 * `MALLOC_MMAP_THRESHOLD_=131072 node --max-semi-space-size=4 --expose-gc`; measured with
 * `npm run bench:upload` (peak RSS, median of three runs, 2 December 2026, with a semi-space of 8): all three
 * 135 MB; without MALLOC_MMAP_THRESHOLD_ 167 MB (glibc keeps each sign-in's 16 MB scrypt buffer in its heaps);
 * without --max-semi-space-size 146 MB; without the collections below 153 MB; with none of them 204 MB. A
 * semi-space of 4 (4 December 2026): 147 → 136 MB with what the app had grown to by then.
 */

// Each chunk of a request body is a copy the size of a socket read (64 KiB) that only a garbage collection
// frees, and V8 lets them pile up in the young generation before collecting; a young-generation collection
// every 8 MiB received (about 0.2 ms each, some 30 ms per GiB) frees them first. Only when node runs with
// --expose-gc, as `npm start` does; elsewhere (tests, tsx) this does nothing.
const BYTES_BETWEEN_SCAVENGES = 8 * 1024 * 1024;
const scavenge = (globalThis as { gc?: (options: { type: 'minor' }) => void }).gc;
let receivedSinceScavenge = 0;

/** Counts the bytes of an upload as they arrive, and frees the received chunks' copies every 8 MiB. */
export function countReceivedBytes(length: number): void {
  if (!scavenge) return;
  receivedSinceScavenge += length;
  if (receivedSinceScavenge < BYTES_BETWEEN_SCAVENGES) return;
  receivedSinceScavenge = 0;
  scavenge({ type: 'minor' });
}
