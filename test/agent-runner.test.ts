/**
 * The agent's execution guarantees on real processes and a real state dir: exactly-once per action id (the ledger
 * refuses a replay), results spooled before upload, and `interrupted` after the agent process is killed mid-run.
 * (The poll loop that feeds the runner needs the server; this drives the runner directly.)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ActionRunner } from '../src/agent/actions';
import { Executor } from '../src/agent/executor';
import { Ledger } from '../src/agent/ledger';
import { Spool } from '../src/agent/spool';
import { prepareStateDir } from '../src/agent/state';
import { REPO } from './helpers/cli';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-runner-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

async function agent(stateDir = path.join(root, `state${n++}`)) {
  const paths = await prepareStateDir(stateDir);
  const ledger = await Ledger.open(paths.ledger);
  const spool = await Spool.open(paths.spool);
  const executor = new Executor({ workDir: paths.work, flushMs: 10, killGraceMs: 300 });
  return { paths, ledger, spool, executor, runner: new ActionRunner({ ledger, spool, executor }) };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('ActionRunner on real processes', () => {
  it('runs an action once: a redelivered id is answered from the ledger and never runs again', async () => {
    const { runner, spool } = await agent();
    const marks = path.join(root, `marks-${n}`);
    const assignment = {
      actionId: 'once-1',
      script: `#!/bin/sh\necho "$NEPTUNE_ACTION_ID" >> '${marks}'\necho ran\n`,
      env: {},
      timeoutMs: 10_000,
    };
    const first = await runner.submit(assignment);
    expect(first.outcome).toBe('accepted');
    // Redelivered while it runs, and again after it finished.
    const whileRunning = await runner.submit(assignment);
    expect(whileRunning.outcome).toBe('duplicate');
    const record = first.outcome === 'accepted' ? await first.finished : undefined;
    expect(record).toMatchObject({
      actionId: 'once-1',
      status: 'succeeded',
      exitCode: 0,
      chunks: 1,
      keptBytes: 4,
    });
    const after = await runner.submit(assignment);
    expect(after).toMatchObject({ outcome: 'duplicate', known: { state: 'finished', status: 'succeeded' } });
    expect(readFileSync(marks, 'utf8')).toBe('once-1\n');

    // The result waits in the spool, output and finish record, until acknowledged.
    const [pending] = await spool.pending();
    expect(pending?.finish).toEqual(record);
    expect(Buffer.concat(await Promise.all(pending!.chunks.map((c) => spool.readChunk(c)))).toString()).toBe(
      'ran\n',
    );
  });

  it('rejects a run_as the host does not allow, records it, and answers a replay with it', async () => {
    const { runner } = await agent();
    const assignment = { actionId: 'rej-1', script: 'id', env: {}, timeoutMs: 1000, runAs: 'someone-else' };
    const first = await runner.submit(assignment);
    expect(first).toMatchObject({ outcome: 'rejected', rejectReason: 'run_as_refused' });
    expect(await runner.submit(assignment)).toMatchObject({
      outcome: 'duplicate',
      known: { state: 'finished', status: 'rejected' },
    });
  });

  it('after the agent is killed mid-run, the restarted agent reports interrupted and never re-runs it', async () => {
    const stateDir = path.join(root, 'crash');
    await prepareStateDir(stateDir);
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', path.join(REPO, 'test/fixtures/agent/crash-harness.ts'), stateDir, 'crash-1'],
      { cwd: REPO, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const runbookPid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const match = /running (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.on('exit', (code) => reject(new Error(`harness exited early (${code}): ${out}`)));
    });
    expect(alive(runbookPid)).toBe(true);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('close', r));
    // The runbook's process group outlived the agent (no systemd here to clean up).
    expect(alive(runbookPid)).toBe(true);

    const restarted = await agent(stateDir);
    const records = await restarted.runner.recover();
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ actionId: 'crash-1', status: 'interrupted', outputSha256: null });
    expect(records[0]?.reason).toContain('the agent stopped while the action ran');
    expect(records[0]?.reason).toContain('leftover processes were killed');
    expect((await restarted.ledger.get('crash-1'))?.state).toBe('interrupted');
    // The orphan was recognised (pid + start time) and its group killed.
    for (let i = 0; i < 100 && alive(runbookPid); i++) await new Promise((r) => setTimeout(r, 20));
    expect(alive(runbookPid)).toBe(false);

    // What it printed before the crash is still in the spool, with the interrupted finish record.
    const [pending] = await restarted.spool.pending();
    expect(pending?.finish?.status).toBe('interrupted');
    expect((await restarted.spool.readChunk(pending!.chunks[0]!)).toString()).toBe('started crash-1\n');

    // A redelivery after the restart is refused with the known state.
    const replay = await restarted.runner.submit({
      actionId: 'crash-1',
      script: 'echo again',
      env: {},
      timeoutMs: 1000,
    });
    expect(replay).toMatchObject({
      outcome: 'duplicate',
      known: { state: 'interrupted', status: 'interrupted' },
    });
    // Recovery is idempotent.
    expect(await restarted.runner.recover()).toEqual([]);
  });

  it('drains: no new work, running actions finish until the timeout, the rest is cancelled and recorded', async () => {
    const { runner, ledger } = await agent();
    const quick = await runner.submit({
      actionId: 'drain-quick',
      script: 'sleep 0.2; echo done',
      env: {},
      timeoutMs: 10_000,
    });
    const slow = await runner.submit({
      actionId: 'drain-slow',
      script: 'sleep 60',
      env: {},
      timeoutMs: 60_000,
    });
    expect(runner.active.sort()).toEqual(['drain-quick', 'drain-slow']);
    const draining = runner.drain(3000);
    const late = await runner.submit({ actionId: 'drain-late', script: 'echo no', env: {}, timeoutMs: 1000 });
    expect(late).toMatchObject({ outcome: 'refused', rejectReason: 'draining' });
    // Refused work is not recorded: the server may send it here again after a restart.
    expect(await ledger.get('drain-late')).toBeUndefined();
    expect(await draining).toEqual({ finished: 1, cancelled: 1 });
    expect(quick.outcome === 'accepted' && (await quick.finished).status).toBe('succeeded');
    const slowRecord = slow.outcome === 'accepted' ? await slow.finished : undefined;
    expect(slowRecord).toMatchObject({ status: 'cancelled', signal: 'SIGTERM' });
    expect(slowRecord?.reason).toContain('the agent is stopping (drain timeout 3 s)');
    expect(runner.active).toEqual([]);
  });

  it('recover() adopts a finish record that reached the spool before the ledger was updated', async () => {
    const { runner, ledger, spool } = await agent();
    await ledger.claim('half-1');
    await spool.writeFinish({
      actionId: 'half-1',
      status: 'succeeded',
      exitCode: 0,
      signal: null,
      reason: null,
      rejectReason: null,
      startedAt: '2026-12-01T10:00:00.000Z',
      finishedAt: '2026-12-01T10:00:01.000Z',
      outputBytes: 0,
      keptBytes: 0,
      outputSha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      truncated: false,
      chunks: 0,
      droppedChunks: 0,
    });
    expect(await runner.recover()).toEqual([]);
    expect(await ledger.get('half-1')).toMatchObject({ state: 'finished', status: 'succeeded' });
  });
});
