import { describe, expect, it } from 'vitest';
import type { AtomicWriter } from '../core/fs';
import { batched, FILE_BATCH, writeBatched } from './report-output';

/**
 * A writer that copies what it is given a turn of the event loop later, as a write through the thread pool reads
 * it: a batcher that reused its buffer before the write resolved would show here.
 */
function collecting() {
  const writes: Buffer[] = [];
  const writer: AtomicWriter = {
    write: async (data) => {
      await new Promise((resolve) => setImmediate(resolve));
      writes.push(Buffer.from(data));
    },
    commit: async () => {},
    abort: async () => {},
  };
  return { writer, writes };
}

describe('writeBatched', () => {
  it('writes the UTF-8 of the pieces in order, in writes no larger than its buffer', async () => {
    const pieces: string[] = [];
    for (let i = 0; i < 20000; i++) pieces.push(`{"n":${i},"m":"line ${i} … ${'é'.repeat(i % 7)} ✓"}\n`);
    const { writer, writes } = collecting();
    await writeBatched(pieces, writer);
    expect(Buffer.concat(writes).toString('utf8')).toBe(pieces.join(''));
    expect(writes.length).toBeGreaterThan(1);
    for (const w of writes) expect(w.length).toBeLessThanOrEqual(FILE_BATCH);
  });

  it('writes a piece larger than its buffer on its own, after what came before it', async () => {
    const big = 'x'.repeat(FILE_BATCH) + '…';
    const { writer, writes } = collecting();
    await writeBatched(['head\n', big, 'tail\n'], writer);
    expect(writes.map((w) => w.toString('utf8'))).toEqual(['head\n', big, 'tail\n']);
  });

  it('writes nothing for no pieces', async () => {
    const { writer, writes } = collecting();
    await writeBatched([], writer);
    expect(writes).toEqual([]);
  });
});

describe('batched', () => {
  it('joins pieces into strings of at least 16 Ki characters, the last one shorter, losing nothing', () => {
    const pieces = Array.from({ length: 3000 }, (_, i) => `piece ${i}\n`);
    const out = [...batched(pieces)];
    expect(out.join('')).toBe(pieces.join(''));
    for (const s of out.slice(0, -1)) expect(s.length).toBeGreaterThanOrEqual(16384);
    expect(out.length).toBeGreaterThan(1);
  });
});
