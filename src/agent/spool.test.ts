import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FinishRecord } from '../api/agent-protocol';
import { Spool, spoolUsage } from './spool';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-spool-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const dirFor = () => path.join(root, `s${n++}`);

const chunk = (seq: number, offset: number, text: string) => ({
  seq,
  offset,
  stream: 'stdout' as const,
  data: Buffer.from(text),
});

const finish = (actionId: string): FinishRecord => ({
  actionId,
  status: 'succeeded',
  exitCode: 0,
  signal: null,
  reason: null,
  rejectReason: null,
  startedAt: '2026-12-01T10:00:00.000Z',
  finishedAt: '2026-12-01T10:00:01.000Z',
  outputBytes: 10,
  keptBytes: 10,
  outputSha256: 'a'.repeat(64),
  truncated: false,
  chunks: 2,
  droppedChunks: 0,
});

describe('Spool', () => {
  it('keeps chunks and finish records across a reopen until they are acknowledged', async () => {
    const dir = dirFor();
    const spool = await Spool.open(dir);
    await spool.addChunk('a1', chunk(0, 0, 'hello'));
    await spool.addChunk('a1', chunk(1, 5, 'world'));
    await spool.writeFinish(finish('a1'));
    expect(spool.bytes).toBeGreaterThan(10);
    expect(statSync(path.join(dir, 'a1')).mode & 0o777).toBe(0o700);
    for (const name of readdirSync(path.join(dir, 'a1'))) {
      expect(statSync(path.join(dir, 'a1', name)).mode & 0o777).toBe(0o600);
    }

    // A restart: a new Spool over the same dir sees the same things.
    const reopened = await Spool.open(dir);
    expect(reopened.bytes).toBe(spool.bytes);
    const [pending] = await reopened.pending();
    expect(pending?.actionId).toBe('a1');
    expect(pending?.chunks.map((c) => [c.seq, c.offset, c.bytes])).toEqual([
      [0, 0, 5],
      [1, 5, 5],
    ]);
    expect((await reopened.readChunk(pending!.chunks[1]!)).toString()).toBe('world');
    expect(pending?.finish).toEqual(finish('a1'));

    await reopened.ackChunk('a1', 0);
    expect((await reopened.pending())[0]?.chunks.map((c) => c.seq)).toEqual([1]);
    await reopened.ackChunk('a1', 1);
    await reopened.ackFinish('a1');
    expect(await reopened.pending()).toEqual([]);
    expect(reopened.bytes).toBe(0);
    expect(reopened.empty).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('over the quota drops the oldest output chunks first, counts them, and never drops finish records', async () => {
    const dir = dirFor();
    const quotaBytes = Buffer.byteLength(`${JSON.stringify(finish('old'))}\n`) + 120;
    const spool = await Spool.open(dir, { quotaBytes });
    await spool.writeFinish(finish('old'));
    const finishBytes = spool.bytes;
    await spool.addChunk('old', chunk(0, 0, 'x'.repeat(50)));
    await spool.addChunk('new', chunk(0, 0, 'y'.repeat(50)));
    await spool.addChunk('new', chunk(1, 50, 'z'.repeat(50)));
    expect(spool.bytes).toBeLessThanOrEqual(quotaBytes);
    expect(spool.droppedChunks('old')).toBe(1);
    const pending = await spool.pending();
    expect(pending.find((p) => p.actionId === 'old')).toMatchObject({ chunks: [], droppedChunks: 1 });
    expect(pending.find((p) => p.actionId === 'old')?.finish).not.toBeNull();
    expect(spool.bytes).toBe(finishBytes + 100);
    // The drop count survives a restart.
    expect((await Spool.open(dir, { quotaBytes })).droppedChunks('old')).toBe(1);
  });

  it('spoolUsage() measures without opening the spool', async () => {
    const dir = dirFor();
    const spool = await Spool.open(dir);
    await spool.addChunk('u1', chunk(0, 0, 'abc'));
    await spool.addChunk('u2', chunk(0, 0, 'defg'));
    expect(await spoolUsage(dir)).toEqual({ actions: 2, chunks: 2, bytes: 7 });
    expect(await spoolUsage(path.join(dir, 'missing'))).toEqual({ actions: 0, chunks: 0, bytes: 0 });
  });
});
