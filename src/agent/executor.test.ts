import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ExecutionSpec, Executor, interpreterFor } from './executor';
import type { OutputChunk } from './output';
import { truncationMarker } from './output';
import { agentUser, lookupUser } from './run-as';

const root = mkdtempSync(path.join(os.tmpdir(), 'neptune-exec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function executor(options: Partial<ConstructorParameters<typeof Executor>[0]> = {}) {
  return new Executor({
    workDir: path.join(root, 'work'),
    killGraceMs: 300,
    pipeGraceMs: 200,
    flushMs: 20,
    baseEnv: { PATH: process.env.PATH, NEPTUNE_TOKEN: 'nept_secret', LANG: 'C.UTF-8' },
    ...options,
  });
}

const spec = (actionId: string, script: string, extra: Partial<ExecutionSpec> = {}): ExecutionSpec => ({
  actionId,
  script,
  env: {},
  timeoutMs: 20_000,
  ...extra,
});

function text(chunks: OutputChunk[]): string {
  return Buffer.concat(chunks.map((c) => c.data)).toString('utf8');
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return check();
}

describe('interpreterFor', () => {
  it('reads the shebang like the kernel: interpreter and one optional argument', () => {
    expect(interpreterFor('#!/bin/bash\necho')).toEqual({ command: '/bin/bash', args: [] });
    expect(interpreterFor('#! /usr/bin/env python3 \nprint(1)')).toEqual({
      command: '/usr/bin/env',
      args: ['python3'],
    });
    expect(interpreterFor('#!/usr/bin/env -S bash -eu\n')).toEqual({
      command: '/usr/bin/env',
      args: ['-S bash -eu'],
    });
    expect(interpreterFor('echo hi')).toEqual({ command: '/bin/sh', args: [] });
    expect(interpreterFor('#!\n')).toEqual({ command: '/bin/sh', args: [] });
  });
});

describe('Executor', () => {
  it('runs a script with NP_* variables, a clean environment, and captures both streams in order', async () => {
    const chunks: OutputChunk[] = [];
    const ex = executor();
    const result = await ex.run(
      spec(
        'env-1',
        '#!/bin/sh\necho "host=$NP_TRIGGER_HOST"\nif [ -n "$NEPTUNE_TOKEN" ]; then echo token=leaked >&2; else echo token=none >&2; fi\necho "id=$NEPTUNE_ACTION_ID"\necho "cwd-private=$(stat -c %a .)"\n',
        { env: { NP_TRIGGER_HOST: 'web-1; rm -rf /' } },
      ),
      { onChunk: (c) => void chunks.push(c) },
    ).done;
    expect(result.status).toBe('succeeded');
    expect(result.exitCode).toBe(0);
    expect(result.startedAt).toBeInstanceOf(Date);
    const all = text(chunks);
    expect(all).toContain('host=web-1; rm -rf /\n');
    expect(all).toContain('token=none\n');
    expect(all).toContain('id=env-1\n');
    expect(all).toContain('cwd-private=700\n');
    expect(chunks.find((c) => c.data.toString().includes('token='))?.stream).toBe('stderr');
    // Sequence numbers and offsets are contiguous.
    let offset = 0;
    chunks.forEach((c, i) => {
      expect(c.seq).toBe(i);
      expect(c.offset).toBe(offset);
      offset += c.data.length;
    });
    expect(result.output.keptBytes).toBe(offset);
    expect(result.output.chunks).toBe(chunks.length);
    expect(result.output.truncated).toBe(false);
  });

  it('runs a script without a shebang with /bin/sh and reports a failing exit code', async () => {
    const result = await executor().run(spec('sh-1', 'echo plain; exit 3')).done;
    expect(result).toMatchObject({ status: 'failed', exitCode: 3, signal: null, reason: 'exit code 3' });
  });

  it('rejects bad parameter names and NUL bytes before any process starts', async () => {
    const ex = executor();
    const bad = await ex.run(spec('bad-1', 'echo ran', { env: { 'NP_X;rm': 'y' } })).done;
    expect(bad).toMatchObject({ status: 'rejected', rejectReason: 'bad_parameters', startedAt: null });
    const nul = await ex.run(spec('bad-2', 'echo ran', { env: { NP_X: 'a\0b' } })).done;
    expect(nul).toMatchObject({ status: 'rejected', rejectReason: 'bad_parameters' });
    const lower = await ex.run(spec('bad-3', 'echo ran', { env: { np_x: 'a' } })).done;
    expect(lower.status).toBe('rejected');
  });

  it('on timeout kills a process tree that ignores SIGTERM (SIGTERM, then SIGKILL to the group)', async () => {
    const chunks: OutputChunk[] = [];
    const script = [
      '#!/bin/sh',
      "trap '' TERM",
      'sh -c "trap \'\' TERM; sleep 60" &',
      'echo "child=$!"',
      'sleep 60',
    ].join('\n');
    const started = Date.now();
    const result = await executor().run(spec('timeout-1', script, { timeoutMs: 400, killGraceMs: 300 }), {
      onChunk: (c) => void chunks.push(c),
    }).done;
    expect(result.status).toBe('timeout');
    expect(result.signal).toBe('SIGKILL');
    expect(result.reason).toBe('timeout after 400 ms');
    expect(Date.now() - started).toBeLessThan(20_000);
    const child = Number(/child=(\d+)/.exec(text(chunks))?.[1]);
    expect(child).toBeGreaterThan(1);
    expect(await eventually(() => !alive(child))).toBe(true);
  });

  it('truncates output over the cap, marks it, and still drains the pipes', async () => {
    const chunks: OutputChunk[] = [];
    const result = await executor({ chunkBytes: 700 }).run(
      spec('cap-1', "head -c 100000 /dev/zero | tr '\\0' a\necho done-after >&2", { outputCapBytes: 2048 }),
      { onChunk: (c) => void chunks.push(c) },
    ).done;
    expect(result.status).toBe('succeeded');
    const all = text(chunks);
    expect(all.startsWith('a'.repeat(2048))).toBe(true);
    expect(all.slice(2048)).toBe(truncationMarker(2048));
    expect(all).not.toContain('done-after');
    expect(result.output).toMatchObject({
      truncated: true,
      outputBytes: 100000 + 'done-after\n'.length,
      keptBytes: 2048 + truncationMarker(2048).length,
    });
    expect(chunks.every((c) => c.data.length <= 700 || c.data.toString().includes('truncated'))).toBe(true);
  });

  it('cancels a running action and a queued one; the concurrency limit holds', async () => {
    const ex = executor({ concurrency: 2 });
    let concurrent = 0;
    let maxConcurrent = 0;
    const runs = [0, 1, 2, 3, 4].map((i) => {
      let spawned = false;
      const run = ex.run(spec(`conc-${i}`, i === 0 ? 'sleep 60' : 'sleep 0.2'), {
        onSpawn: () => {
          spawned = true;
          concurrent++;
          maxConcurrent = Math.max(maxConcurrent, concurrent);
        },
      });
      // Only actions that started count down (a cancelled queued one never started).
      run.done.then(() => {
        if (spawned) concurrent--;
      });
      return run;
    });
    expect(await eventually(() => ex.running === 2)).toBe(true);
    expect(ex.queued).toBe(3);
    // The last one is still waiting: it never starts.
    runs[4]!.cancel('operator request');
    const queued = await runs[4]!.done;
    expect(queued).toMatchObject({ status: 'cancelled', startedAt: null });
    expect(queued.reason).toContain('operator request');
    expect(await eventually(() => runs[0]!.phase === 'running' && runs[0]!.pid !== undefined)).toBe(true);
    runs[0]!.cancel('operator request');
    const cancelled = await runs[0]!.done;
    expect(cancelled).toMatchObject({
      status: 'cancelled',
      signal: 'SIGTERM',
      reason: 'cancelled: operator request',
    });
    const rest = await Promise.all(runs.slice(1, 4).map((r) => r.done));
    expect(rest.map((r) => r.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect(maxConcurrent).toBe(2);
    expect(ex.active).toEqual([]);
  });

  it('stops what is left of the group when the leader exits', async () => {
    const chunks: OutputChunk[] = [];
    const result = await executor().run(spec('bg-1', 'sleep 60 >/dev/null 2>&1 &\necho "bg=$!"\nexit 0'), {
      onChunk: (c) => void chunks.push(c),
    }).done;
    expect(result.status).toBe('succeeded');
    const bg = Number(/bg=(\d+)/.exec(text(chunks))?.[1]);
    expect(await eventually(() => !alive(bg))).toBe(true);
  });

  it('settles only after the start hook finished, even for a process that exits at once', async () => {
    const order: string[] = [];
    const action = executor().run(spec('fast-1', 'exit 0'), {
      onSpawn: async () => {
        await new Promise((r) => setTimeout(r, 200));
        order.push('start recorded');
      },
    });
    await action.done;
    order.push('done');
    expect(order).toEqual(['start recorded', 'done']);
  });

  it('reports an interpreter that does not exist as a failure to start', async () => {
    const result = await executor().run(spec('noint-1', '#!/nonexistent/interpreter\necho hi')).done;
    expect(result.status).toBe('failed');
    expect(result.reason).toContain('cannot start');
  });

  describe('run_as', () => {
    it('refuses a user the local config does not allow', async () => {
      const result = await executor({ allowRunAs: ['postgres'] }).run(spec('ra-1', 'id', { runAs: 'root2' }))
        .done;
      expect(result).toMatchObject({ status: 'rejected', rejectReason: 'run_as_refused' });
      expect(result.reason).toContain('not allowed on this host');
    });

    it('refuses run_as root for an agent that runs as root unless root is listed (the one policy)', async () => {
      const self = { name: 'root', uid: 0, gid: 0, home: '/root', shell: '/bin/sh' };
      const result = await executor({ self }).run(spec('ra-0', 'id', { runAs: 'root' })).done;
      expect(result).toMatchObject({ status: 'rejected', rejectReason: 'run_as_refused' });
      expect(result.reason).toContain('unless its allow-run-as lists root');
    });

    it('refuses an allowed user when the agent is not root', async () => {
      const self = { name: 'neptune', uid: 990, gid: 990, home: '/var/lib/neptune', shell: '/bin/sh' };
      const result = await executor({ allowRunAs: ['postgres'], self }).run(
        spec('ra-2', 'id', { runAs: 'postgres' }),
      ).done;
      expect(result).toMatchObject({ status: 'rejected', rejectReason: 'run_as_refused' });
      expect(result.reason).toContain('cannot switch users');
    });

    it('runs as its own user when run_as names the agent user', async () => {
      const me = agentUser().name;
      // Root is never implied, not even as the agent's own user: a root test run lists it.
      const result = await executor(me === 'root' ? { allowRunAs: ['root'] } : {}).run(
        spec('ra-3', 'id -un', { runAs: me }),
      ).done;
      expect(result.status).toBe('succeeded');
    });

    const nobody = process.getuid?.() === 0 ? 'nobody' : undefined;
    it('switches to an allowed user when the agent is root (the existing user "nobody")', async () => {
      const entry = nobody ? await lookupUser(nobody) : undefined;
      if (!entry) {
        console.log(
          'skipped: switching users needs root and a "nobody" user; the decision logic is tested above',
        );
        return;
      }
      const chunks: OutputChunk[] = [];
      const result = await executor({ allowRunAs: ['nobody'] }).run(
        spec('ra-4', 'echo "uid=$(id -u) user=$USER"; touch "$TMPDIR/x" && echo wrote', { runAs: 'nobody' }),
        { onChunk: (c) => void chunks.push(c) },
      ).done;
      expect(result.status).toBe('succeeded');
      expect(text(chunks)).toBe(`uid=${entry.uid} user=nobody\nwrote\n`);
    });
  });
});
