import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { knownState, Ledger } from './ledger';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-ledger-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = (now?: () => Date) => Ledger.open(path.join(root, `l${n++}`), now ? { now } : {});

describe('Ledger', () => {
  it('claims an id once: a replay gets the known state, not a second run', async () => {
    const ledger = await fresh();
    const first = await ledger.claim('a1', { id: 'r', version: '1', name: 'restart' });
    expect(first.claimed).toBe(true);
    const again = await ledger.claim('a1');
    expect(again.claimed).toBe(false);
    expect(knownState(again.entry)).toEqual({ state: 'accepted', status: null });
    await ledger.markRunning('a1', { pid: 4242, startedAt: new Date('2026-12-01T10:00:00Z') });
    await ledger.markFinished('a1', {
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      reason: null,
      finishedAt: new Date('2026-12-01T10:00:05Z'),
    });
    const later = await ledger.claim('a1');
    expect(later.claimed).toBe(false);
    expect(knownState(later.entry)).toEqual({ state: 'finished', status: 'succeeded' });
    expect(later.entry.runbook).toEqual({ id: 'r', version: '1', name: 'restart' });
  });

  it('is private on disk: 0700 directory, 0600 entries', async () => {
    const ledger = await fresh();
    await ledger.claim('p1');
    expect(statSync(ledger.dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(ledger.dir, 'p1.json')).mode & 0o777).toBe(0o600);
  });

  it('refuses ids that could become paths', async () => {
    const ledger = await fresh();
    await expect(ledger.claim('../../etc/passwd')).rejects.toThrow(/invalid action id/);
    await expect(ledger.claim('')).rejects.toThrow(/invalid action id/);
  });

  it('concurrent claims of one id: exactly one wins', async () => {
    const ledger = await fresh();
    const claims = await Promise.all(Array.from({ length: 20 }, () => ledger.claim('race')));
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
  });

  it('recover() turns accepted, running and torn entries into interrupted, and leaves finished ones', async () => {
    const now = () => new Date('2026-12-01T12:00:00Z');
    const ledger = await fresh(now);
    await ledger.claim('acc');
    await ledger.claim('run');
    await ledger.markRunning('run', { pid: 999_999_999, pidStartTime: '1', startedAt: now() });
    await ledger.claim('done');
    await ledger.markFinished('done', {
      status: 'failed',
      exitCode: 2,
      signal: null,
      reason: 'exit code 2',
      finishedAt: now(),
    });
    writeFileSync(path.join(ledger.dir, 'torn.json'), '{"actionId":"to');
    const recovered = await ledger.recover();
    expect(recovered.map((e) => e.actionId).sort()).toEqual(['acc', 'run', 'torn']);
    expect(recovered.every((e) => e.state === 'interrupted' && e.status === 'interrupted')).toBe(true);
    expect((await ledger.get('run'))?.reason).toBe('the agent stopped while the action ran');
    expect((await ledger.get('acc'))?.reason).toBe('the agent stopped before the action started');
    expect((await ledger.get('done'))?.status).toBe('failed');
    // A second recovery finds nothing new.
    expect(await ledger.recover()).toEqual([]);
    // And a replay of an interrupted id is still refused.
    expect((await ledger.claim('run')).claimed).toBe(false);
  });

  it('prunes finished entries past the retention only', async () => {
    let t = new Date('2026-11-01T00:00:00Z');
    const ledger = await fresh(() => t);
    await ledger.claim('old');
    await ledger.markFinished('old', {
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      reason: null,
      finishedAt: t,
    });
    await ledger.claim('open');
    t = new Date('2026-11-09T00:00:00Z');
    expect(await ledger.prune()).toBe(1);
    expect(await ledger.get('old')).toBeUndefined();
    expect(await ledger.get('open')).toBeDefined();
  });
});
