import { createHash, randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { BackgroundSha256 } from '../../src/http/background-sha256.js';

const reference = (parts: Buffer[]) => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** Feeds the parts as an upload would, waiting for 'drain' when asked to. */
async function feed(hash: BackgroundSha256, parts: Buffer[]): Promise<number> {
  let waits = 0;
  for (const p of parts) {
    if (!hash.update(p)) {
      waits++;
      await new Promise((resolve) => hash.once('drain', resolve));
    }
  }
  return waits;
}

describe('the SHA-256 computed on a worker thread', () => {
  it('gives the digest of createHash for nothing, one byte, exactly one batch, and odd chunks over several batches', async () => {
    const cases: Buffer[][] = [
      [],
      [Buffer.from([7])],
      [randomBytes(1024 * 1024)],
      Array.from({ length: 60 }, (_, i) => randomBytes(65_536 - (i % 7) * 1000)),
    ];
    for (const parts of cases) {
      const hash = new BackgroundSha256();
      await feed(hash, parts);
      expect(await hash.digest()).to.equal(reference(parts));
    }
  });

  it('keeps several uploads apart', async () => {
    const a = Array.from({ length: 40 }, () => randomBytes(100_000));
    const b = Array.from({ length: 25 }, () => randomBytes(70_000));
    const [ha, hb] = [new BackgroundSha256(), new BackgroundSha256()];
    await Promise.all([feed(ha, a), feed(hb, b)]);
    expect(await Promise.all([ha.digest(), hb.digest()])).to.deep.equal([reference(a), reference(b)]);
  });

  it('asks its source to wait while batches are queued for the worker, then lets it go on', async () => {
    const parts = Array.from({ length: 12 }, () => randomBytes(1024 * 1024));
    const hash = new BackgroundSha256();
    // Fed without waiting, the fifth batch in a row finds the worker busy.
    const answers = parts.map((p) => hash.update(p));
    expect(answers).to.include(false);
    expect(await hash.digest()).to.equal(reference(parts));
  });

  it('copies what it is given: the caller may reuse its buffer at once', async () => {
    const buffer = Buffer.alloc(300_000, 1);
    const hash = new BackgroundSha256();
    hash.update(buffer);
    buffer.fill(2);
    hash.update(buffer);
    expect(await hash.digest()).to.equal(reference([Buffer.alloc(300_000, 1), Buffer.alloc(300_000, 2)]));
  });
});
