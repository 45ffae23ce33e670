import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const MB = 1024 * 1024;

/** An MP4 file-type box, then zeros up to `size`; returns its SHA-256. Written in 4 MiB blocks, never whole. */
export async function makeTestFile(file: string, size: number): Promise<string> {
  // The box: its size (24), 'ftyp', the major brand 'isom', version 0x200, compatible brands 'isom' and 'mp42'.
  const ftyp = Buffer.concat([Buffer.from([0, 0, 0, 24]), Buffer.from('ftypisom', 'latin1'), Buffer.from([0, 0, 2, 0]), Buffer.from('isommp42', 'latin1')]);
  const hash = createHash('sha256');
  const out = createWriteStream(file);
  const block = Buffer.alloc(4 * MB);
  let written = 0;
  const write = async (chunk: Buffer) => {
    hash.update(chunk);
    written += chunk.length;
    if (!out.write(chunk)) await once(out, 'drain');
  };
  await write(ftyp);
  while (written < size) await write(block.subarray(0, Math.min(block.length, size - written)));
  out.end();
  await once(out, 'finish');
  return hash.digest('hex');
}

