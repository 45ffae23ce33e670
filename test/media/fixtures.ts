import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Db } from '../../src/db/knex.js';
import { recordMedium, type MediaKind } from '../../src/media/medium.js';
import { pdfBytes } from '../support/sample-files.js';
import { userFor } from '../support/accounts.js';

/**
 * Real files for the media tests. The video and photo are made by Debian's ffmpeg, which the test
 * dependencies install: without it these tests fail (they never skip) and say how to install it.
 */
export function requireFfmpeg(): void {
  for (const program of ['ffmpeg', 'ffprobe']) {
    const r = spawnSync(program, ['-version'], { encoding: 'utf8' });
    if (r.status !== 0) {
      throw new Error(`${program} is missing: the media tests need Debian's ffmpeg package (run \`npm run test:deps\`)`);
    }
  }
}

export const scratchDir = (): string => mkdtempSync(path.join(os.tmpdir(), 'tremplin-media-'));

function ffmpeg(args: string[]): void {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')} failed: ${r.stderr}`);
}

/** A real one-second H.264 MP4 of 64×64 pixels (a few kilobytes), with a second of sound if asked. */
export function makeMp4(dir: string, name = 'clip.mp4', opts: { seconds?: number; size?: string } = {}): string {
  const out = path.join(dir, name);
  const seconds = opts.seconds ?? 1;
  ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=${opts.size ?? '64x64'}:rate=10`,
    '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-movflags', '+faststart', out,
  ]);
  return out;
}

/** A real JPEG photo. */
export function makeJpeg(dir: string, name = 'photo.jpg'): string {
  const out = path.join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc=size=320x240', '-frames:v', '1', out]);
  return out;
}

/** A real M4A sound recording (AAC in MP4), as a phone's voice memo. */
export function makeM4a(dir: string, name = 'voice.m4a'): string {
  const out = path.join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1', '-c:a', 'aac', out]);
  return out;
}

/** A well-formed one-page PDF, as a written report. */
export const minimalPdf = (text = 'Carnet de bord'): Buffer => pdfBytes(text);

/** The start of a Linux executable (an ELF header), padded: what a renamed program looks like. */
export function elfExecutable(): Buffer {
  const header = Buffer.alloc(4096);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]).copy(header, 0);
  header.writeUInt16LE(2, 16); // e_type: executable
  header.writeUInt16LE(0x3e, 18); // e_machine: x86-64
  header.writeUInt32LE(1, 20); // e_version
  return header;
}

/** A 16×16 JPEG, 224 bytes: small enough to live in the source for fixtures that need a stored photo. */
export const TINY_JPEG = Buffer.from(
  '/9j/4AAQSkZJRgABAgAAAQABAAD//gAQTGF2YzU5LjM3LjEwMAD/2wBDAAgQEBMQExYWFhYWFhoYGhsbGxoaGhobGxsdHR0iIiIdHR0bGx0dICAiIiUmJSMjIiMmJigoKDAwLi44ODpFRVP/xABMAAEBAAAAAAAAAAAAAAAAAAAABgEBAQAAAAAAAAAAAAAAAAAAAwYQAQAAAAAAAAAAAAAAAAAAAAARAQAAAAAAAAAAAAAAAAAAAAD/wAARCAAQABADASIAAhEAAxEA/9oADAMBAAIRAxEAPwCBAKl3/9k=',
  'base64',
);

/**
 * A photo stored as an upload would have left it (a generated name under UPLOAD_DIR) with its row: for
 * tests about reading and permissions, which need a medium with a file but not the upload itself.
 */
export async function storedPhoto(db: Db, uploadDir: string, groupId: number, uploadedBy: number, caption = 'Photo de test'): Promise<number> {
  return storedMedium(db, uploadDir, groupId, uploadedBy, { kind: 'photo', mime: 'image/jpeg', ext: 'jpg', bytes: TINY_JPEG, caption });
}

/** Any kind of medium stored that way, with its bytes (and a thumbnail's, if given) under generated names. */
export async function storedMedium(
  db: Db, uploadDir: string, groupId: number, uploadedBy: number,
  m: { kind: MediaKind; mime: string; ext: string; bytes: Buffer; caption: string; thumbnail?: Buffer },
): Promise<number> {
  const store = (ext: string, bytes: Buffer) => {
    const relative = path.posix.join('media', String(new Date().getUTCFullYear()), `${randomUUID()}.${ext}`);
    mkdirSync(path.dirname(path.join(uploadDir, relative)), { recursive: true });
    writeFileSync(path.join(uploadDir, relative), bytes);
    return relative;
  };
  return recordMedium(db, await userFor(db, uploadedBy), {
    groupId, kind: m.kind, input: { moment: 'before', caption: m.caption, body: null },
    file: {
      path: store(m.ext, m.bytes), mime: m.mime, size: m.bytes.length, sha256: '', originalName: `fichier.${m.ext}`, durationSeconds: null,
      thumbnailPath: m.thumbnail ? store('jpg', m.thumbnail) : null,
    },
  });
}

/** Every file under a folder, as paths relative to it (temporary uploads included). */
export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p));
    }
  };
  walk(dir);
  return out.sort();
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until `check` holds (polling), or fails after `ms` with what it last saw. */
export async function eventually<T>(what: string, read: () => T | Promise<T>, check: (v: T) => boolean, ms = 3000): Promise<T> {
  const deadline = Date.now() + ms;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await sleep(50);
    value = await read();
  }
  if (!check(value)) throw new Error(`${what}: still ${JSON.stringify(value)} after ${ms} ms`);
  return value;
}

export const fileBytes = (p: string): Buffer => readFileSync(p);
export const fileSize = (p: string): number => statSync(p).size;

/** What file-type reads as an MP4 (its ftyp box), then random bytes: any byte out of place changes its SHA-256. */
export function fakeVideo(size: number): Buffer {
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp42', 'latin1')]);
  return Buffer.concat([ftyp, randomBytes(size - ftyp.length)]);
}
