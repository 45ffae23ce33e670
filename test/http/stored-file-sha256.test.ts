import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { expect } from 'chai';
import { runningSha256, StoredFileSha256, takeRunningSha256 } from '../../src/http/stored-file-sha256.js';
import { StoredFileWriter } from '../../src/http/uploads.js';

const reference = (parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};
const total = (parts: Buffer[]) => parts.reduce((n, p) => n + p.length, 0);

describe('the SHA-256 of the bytes a file holds, computed as they are written', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'tremplin-sha-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** Writes the parts through the uploads' writer, which tells the hash how far the file is written. */
  async function write(file: string, parts: Buffer[], hash: StoredFileSha256, flags: 'wx' | 'r+' = 'wx', offset = 0): Promise<void> {
    await pipeline(Readable.from(parts), new StoredFileWriter(file, flags, offset, hash));
  }

  it('gives the digest of createHash for nothing, one byte, exactly one piece, and odd chunks over several pieces', async () => {
    const cases: Buffer[][] = [
      [],
      [Buffer.from([7])],
      [randomBytes(1024 * 1024)],
      Array.from({ length: 60 }, (_, i) => randomBytes(65_536 - (i % 7) * 1000)),
    ];
    for (const [i, parts] of cases.entries()) {
      const file = path.join(dir, `f${i}`);
      const hash = new StoredFileSha256(file);
      await write(file, parts, hash);
      expect(await hash.digest(total(parts))).to.equal(reference(parts));
    }
  });

  it('keeps several files apart', async () => {
    const a = Array.from({ length: 40 }, () => randomBytes(100_000));
    const b = Array.from({ length: 25 }, () => randomBytes(70_000));
    const [fa, fb] = [path.join(dir, 'a'), path.join(dir, 'b')];
    const [ha, hb] = [new StoredFileSha256(fa), new StoredFileSha256(fb)];
    await Promise.all([write(fa, a, ha), write(fb, b, hb)]);
    expect(await Promise.all([ha.digest(total(a)), hb.digest(total(b))])).to.deep.equal([reference(a), reference(b)]);
  });

  it('hashes the bytes on the disk: a file longer or shorter than announced is refused', async () => {
    const parts = [randomBytes(300_000)];
    const longer = path.join(dir, 'longer');
    const h1 = new StoredFileSha256(longer);
    await write(longer, parts, h1);
    appendFileSync(longer, Buffer.from('more'));
    const err1 = await h1.digest(300_000).catch((e: Error) => e);
    expect(String(err1)).to.match(/holds 300004 bytes, not the 300000 received/);
    const shorter = path.join(dir, 'shorter');
    writeFileSync(shorter, parts[0]!);
    const err2 = await new StoredFileSha256(shorter).digest(400_000).catch((e: Error) => e);
    expect(String(err2)).to.match(/holds 300000 bytes, not the 400000 received/);
  });

  it('carries one hash over the pieces of a file written by several requests, and hashes from the start a file whose first piece it did not see', async () => {
    const first = randomBytes(700_000);
    const second = randomBytes(900_001);
    const file = path.join(dir, 'resumable');
    writeFileSync(file, '');
    await write(file, [first], runningSha256(file), 'r+', 0);
    await write(file, [second], runningSha256(file), 'r+', first.length);
    const kept = takeRunningSha256(file)!;
    expect(takeRunningSha256(file)).to.equal(undefined);
    expect(await kept.digest(first.length + second.length)).to.equal(reference([first, second]));

    // Another process wrote the first piece: this one's hash starts with the second and reads the first too.
    const other = path.join(dir, 'elsewhere');
    writeFileSync(other, first);
    await write(other, [second], runningSha256(other), 'r+', first.length);
    expect(await takeRunningSha256(other)!.digest(first.length + second.length)).to.equal(reference([first, second]));
  });

  it('reads the file back whole when a write it hashed did not reach the disk', async () => {
    const file = path.join(dir, 'lost');
    const hash = new StoredFileSha256(file);
    const parts = [randomBytes(500_000), randomBytes(300_000)];
    await write(file, parts, hash);
    hash.lost();
    expect(await hash.digest(800_000)).to.equal(reference(parts));
  });

  it('writes a file of many batches whole and in order, and hashes exactly that', async () => {
    const file = path.join(dir, 'big');
    const parts = Array.from({ length: 20 }, () => randomBytes(1024 * 1024));
    const hash = new StoredFileSha256(file);
    await write(file, parts, hash);
    expect(statSync(file).size).to.equal(total(parts));
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).to.equal(reference(parts));
    expect(await hash.digest(total(parts))).to.equal(reference(parts));
  });
});
