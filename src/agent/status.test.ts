import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Ledger } from './ledger';
import { Spool } from './spool';
import { prepareStateDir, writeDaemonStatus, writePidFile } from './state';
import { formatAgentStatus, readAgentStatus } from './status';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-status-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('agent status', () => {
  it('a missing state dir is a valid answer: not installed, not enrolled', async () => {
    const status = await readAgentStatus(path.join(root, 'none'));
    expect(status).toMatchObject({ exists: false, enrolled: false, daemon: { running: false } });
    expect(formatAgentStatus(status)).toContain('installed  no');
  });

  it('reads identity, daemon, running actions and the spool from disk', async () => {
    const paths = await prepareStateDir(path.join(root, 'full'));
    writeFileSync(
      paths.identity,
      JSON.stringify({
        agentId: '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a',
        accountId: '7f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a',
        apiUrl: 'https://neptune.example.com',
        hostname: 'web-1',
        enrolledAt: '2026-12-01T09:00:00.000Z',
      }),
    );
    const ledger = await Ledger.open(paths.ledger);
    await ledger.claim('run-1', { id: 'r', version: '2', name: 'restart-nginx' });
    await ledger.markRunning('run-1', { pid: 1234, startedAt: new Date('2026-12-01T10:00:00Z') });
    await ledger.claim('done-1');
    await ledger.markFinished('done-1', {
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      reason: null,
      finishedAt: new Date(),
    });
    const spool = await Spool.open(paths.spool);
    await spool.addChunk('run-1', { seq: 0, offset: 0, stream: 'stdout', data: Buffer.alloc(3000) });

    // This process plays the daemon: its pid file matches /proc.
    await writePidFile(paths, new Date('2026-12-01T08:00:00Z'));
    await writeDaemonStatus(paths, {
      pid: process.pid,
      startedAt: '2026-12-01T08:00:00.000Z',
      version: '0.1.0',
      lastPollAt: '2026-12-01T10:00:30.000Z',
      connected: true,
      lastError: null,
      draining: false,
    });
    const status = await readAgentStatus(paths.root);
    expect(status).toMatchObject({
      exists: true,
      enrolled: true,
      agent: { id: '6f1c2a7e-8d2b-4c1e-9f3a-2b8c1d0e4f5a', apiUrl: 'https://neptune.example.com' },
      daemon: { running: true, pid: process.pid, connected: true, lastPollAt: '2026-12-01T10:00:30.000Z' },
      running: [{ actionId: 'run-1', state: 'running', runbook: 'restart-nginx@2' }],
      ledger: { entries: 2 },
      spool: { actions: 1, chunks: 1, bytes: 3000 },
    });
    const text = formatAgentStatus(status, new Date('2026-12-01T10:01:00Z'))
      .replace(paths.root, '<state>')
      .replace(`pid ${process.pid}`, 'pid <pid>');
    await expect(text).toMatchFileSnapshot('__snapshots__/status-running.txt');

    // A pid file whose process is gone: not running, and the running action is flagged.
    writeFileSync(
      paths.pid,
      JSON.stringify({ pid: process.pid, pidStartTime: '1', startedAt: '2026-12-01T08:00:00Z' }),
    );
    const stale = await readAgentStatus(paths.root);
    expect(stale.daemon).toMatchObject({ running: false, pid: null, connected: false });
    expect(formatAgentStatus(stale)).toContain('they will be reported interrupted');
  });
});
