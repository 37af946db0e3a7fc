import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FinishRecord } from '../api/agent-protocol';
import { Backoff } from './backoff';
import { Spool } from './spool';
import { Uploader, type UploadOutcome, type UploadTransport } from './uploader';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-upload-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

const record = (actionId: string): FinishRecord => ({
  actionId,
  status: 'succeeded',
  exitCode: 0,
  signal: null,
  reason: null,
  rejectReason: null,
  startedAt: null,
  finishedAt: '2026-12-01T10:00:01.000Z',
  outputBytes: 4,
  keptBytes: 4,
  outputSha256: 'a'.repeat(64),
  truncated: false,
  chunks: 2,
  droppedChunks: 0,
});

async function spoolWith(actions: string[]): Promise<{ dir: string; spool: Spool }> {
  const dir = path.join(root, `s${n++}`);
  const spool = await Spool.open(dir);
  for (const id of actions) {
    await spool.addChunk(id, { seq: 0, offset: 0, stream: 'stdout', data: Buffer.from('ab') });
    await spool.addChunk(id, { seq: 1, offset: 2, stream: 'stderr', data: Buffer.from('cd') });
    await spool.writeFinish(record(id));
  }
  return { dir, spool };
}

/** A server stand-in: a script of outcomes, and a log of what arrived. */
function transport(script: (call: string) => UploadOutcome = () => ({ ok: true })) {
  const log: string[] = [];
  const t: UploadTransport = {
    sendChunk: async (ref, data) => {
      const call = `${ref.actionId}#${ref.seq}=${data.toString()}`;
      log.push(call);
      return script(call);
    },
    sendFinish: async (rec, signature) => {
      const call = `${rec.actionId}/finish(${signature})`;
      log.push(call);
      return script(call);
    },
  };
  return { t, log };
}

describe('Uploader', () => {
  it('sends chunks in order, then the signed finish record, and empties the spool as the server acknowledges', async () => {
    const { spool } = await spoolWith(['a1']);
    const { t, log } = transport();
    const up = new Uploader({ spool, transport: t, sign: (r) => `sig:${r.actionId}` });
    expect(await up.pass()).toEqual({ done: true });
    expect(log).toEqual(['a1#0=ab', 'a1#1=cd', 'a1/finish(sig:a1)']);
    expect(spool.empty).toBe(true);
  });

  it('keeps everything through an outage, backs off (honouring Retry-After), and resumes where it stopped', async () => {
    const { dir, spool } = await spoolWith(['a1']);
    let down = 3;
    const { t, log } = transport((call) => {
      if (call === 'a1#1=cd' && down > 0) {
        down--;
        return { ok: false, permanent: false, reason: 'HTTP 503', retryAfter: down === 0 ? '9' : undefined };
      }
      return { ok: true };
    });
    const delays: number[] = [];
    const control = new AbortController();
    const up = new Uploader({
      spool,
      transport: t,
      sign: () => 'sig',
      backoff: new Backoff({ baseMs: 1000, capMs: 300_000, random: () => 0.5 }),
      sleep: async (ms) => {
        delays.push(ms);
        // What is not acknowledged is still on disk: a restart here would find it.
        const reopened = await Spool.open(dir);
        expect((await reopened.pending())[0]?.chunks.map((c) => c.seq)).toEqual([1]);
      },
      onEvent: (e) => {
        if (e.kind === 'sent' && e.item === 'finish') control.abort();
      },
    });
    await up.run(control.signal);
    expect(delays).toEqual([500, 1000, 9000]);
    expect(log.filter((c) => c === 'a1#0=ab')).toHaveLength(1);
    expect(log.at(-1)).toBe('a1/finish(sig)');
    expect(spool.empty).toBe(true);
  });

  it('sets aside an action the server refuses for good, keeps it on disk, and sends the others', async () => {
    const { dir, spool } = await spoolWith(['bad', 'good']);
    const { t, log } = transport((call) =>
      call.startsWith('bad/finish')
        ? { ok: false, permanent: true, reason: 'HTTP 409 conflict' }
        : { ok: true },
    );
    const up = new Uploader({ spool, transport: t, sign: () => 's' });
    expect(await up.pass()).toEqual({ done: true });
    expect(log).toContain('good/finish(s)');
    expect(up.refused.get('bad')).toBe('HTTP 409 conflict');
    // A second pass does not retry it in this process; after a restart it would be tried again.
    log.length = 0;
    expect(await up.pass()).toEqual({ done: true });
    expect(log).toEqual([]);
    expect((await (await Spool.open(dir)).pending()).map((p) => p.actionId)).toEqual(['bad']);
  });

  it('an idle loop wakes up on notify()', async () => {
    const { spool } = await spoolWith([]);
    const { t, log } = transport();
    const control = new AbortController();
    const up = new Uploader({
      spool,
      transport: t,
      sign: () => 's',
      onEvent: (e) => {
        if (e.kind === 'sent' && e.item === 'finish') control.abort();
      },
    });
    const running = up.run(control.signal);
    await new Promise((r) => setTimeout(r, 50));
    expect(log).toEqual([]);
    await spool.writeFinish(record('late'));
    up.notify();
    await running;
    expect(log).toEqual(['late/finish(s)']);
  });
});
