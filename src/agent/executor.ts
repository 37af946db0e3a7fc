/**
 * The executor: runs one runbook as a real process and says how it ended.
 *
 * - The script is written to a private directory (0700, a fresh one per action) and run by its shebang's
 *   interpreter, or by /bin/sh when it has none. The agent reads the shebang itself (interpreter plus at most one
 *   argument, as the kernel does) and passes the script as a file argument: nothing depends on the directory being
 *   on an exec-enabled mount, and no ETXTBSY race with a concurrent fork.
 * - The process leads its own process group (spawned detached). Every signal goes to the whole group.
 * - Timeout or cancel: SIGTERM to the group, SIGKILL after the grace period. When the leader exits on its own, what
 *   is left of its group gets the same treatment: nothing an action started outlives it (start long-lived services
 *   through the service manager, or `setsid`).
 * - Output is captured in chunks with a cap (src/agent/output.ts).
 * - At most `concurrency` actions run at once; the others wait in order and can be cancelled while they wait.
 * - Alert values arrive as NP_* environment variables only (src/agent/env.ts); run_as only where the local config
 *   allows it (src/agent/run-as.ts).
 *
 * The executor knows nothing of the ledger or the spool: the caller (src/agent/actions.ts) passes hooks.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chown, mkdtemp, open, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FinalStatus, RejectReason } from '../api/agent-protocol';
import { DEFAULT_ALLOW_RUN_AS } from '../core/run-as';
import { ensurePrivateDir } from './durable';
import { checkParameters, runbookEnv } from './env';
import { Limiter } from './limiter';
import { DEFAULT_OUTPUT_CAP_BYTES, type OutputChunk, OutputCollector, type OutputSummary } from './output';
import { groupAlive, processStartTime, signalGroup } from './process-group';
import { agentUser, decideRunAs, type PasswdEntry, type UserLookup } from './run-as';

export const DEFAULT_CONCURRENCY = 4;
export const DEFAULT_KILL_GRACE_MS = 10_000;

export interface ExecutionSpec {
  actionId: string;
  script: string;
  /** NP_* variables. */
  env: Record<string, string>;
  timeoutMs: number;
  /** SIGTERM → SIGKILL grace; default the executor's. */
  killGraceMs?: number;
  outputCapBytes?: number;
  runAs?: string | null;
}

export interface SpawnInfo {
  pid: number;
  startedAt: Date;
  /** /proc start time of the process, to recognise it (and not a reused pid) after an agent crash. */
  pidStartTime: string | undefined;
}

export interface ExecutionHooks {
  /** Called once the process exists, before its output is read. */
  onSpawn?(info: SpawnInfo): void | Promise<void>;
  /** Each chunk, in order. A failure here (disk full) stops the action. */
  onChunk?(chunk: OutputChunk): void | Promise<void>;
}

export interface ExecutionResult {
  actionId: string;
  status: Exclude<FinalStatus, 'interrupted'>;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  reason: string | null;
  rejectReason: RejectReason | null;
  startedAt: Date | null;
  finishedAt: Date;
  output: OutputSummary;
}

/** What an action in flight tells the executor and is told by it. */
interface ExecutionState {
  setPhase(p: ActionPhase): void;
  setPid(p: number): void;
  signal: AbortSignal;
  cancelReason(): string | undefined;
}

/** Builds the result of an action from what is known when it ends. */
type Finish = (
  partial: Pick<ExecutionResult, 'status' | 'reason'> & Partial<ExecutionResult>,
) => ExecutionResult;

export interface ExecutorOptions {
  /** Parent of the per-action private directories (inside the agent's state dir). */
  workDir: string;
  concurrency?: number;
  outputCapBytes?: number;
  killGraceMs?: number;
  /** The host's allow-run-as list (src/core/run-as.ts). Default: none. */
  allowRunAs?: readonly string[];
  /** PATH and locale come from here. */
  baseEnv?: NodeJS.ProcessEnv;
  chunkBytes?: number;
  flushMs?: number;
  /** After the leader exited and its group is gone, how long to wait for the pipes to close. */
  pipeGraceMs?: number;
  now?: () => Date;
  self?: PasswdEntry;
  lookupUser?: UserLookup;
}

export type ActionPhase = 'queued' | 'running' | 'stopping' | 'done';

export interface RunningAction {
  readonly actionId: string;
  readonly phase: ActionPhase;
  readonly pid: number | undefined;
  /** Stops the action: a queued one never starts, a running one gets SIGTERM, then SIGKILL. */
  cancel(reason?: string): void;
  readonly done: Promise<ExecutionResult>;
}

const EMPTY_OUTPUT: OutputSummary = {
  outputBytes: 0,
  keptBytes: 0,
  truncated: false,
  chunks: 0,
  // SHA-256 of nothing.
  sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

/** The interpreter and arguments for a script: its shebang (interpreter + one optional argument), else /bin/sh. */
export function interpreterFor(script: string): { command: string; args: string[] } {
  if (!script.startsWith('#!')) return { command: '/bin/sh', args: [] };
  const line = script.slice(2, script.indexOf('\n') === -1 ? undefined : script.indexOf('\n')).trim();
  const match = /^(\S+)(?:\s+(.*))?$/.exec(line);
  if (!match) return { command: '/bin/sh', args: [] };
  const [, command, arg] = match;
  return { command: command!, args: arg ? [arg.trim()] : [] };
}

export class Executor {
  private readonly limiter: Limiter;
  private readonly actions = new Map<string, RunningAction>();
  private readonly options: Required<Omit<ExecutorOptions, 'self' | 'lookupUser'>> &
    Pick<ExecutorOptions, 'self' | 'lookupUser'>;

  constructor(options: ExecutorOptions) {
    this.options = {
      concurrency: DEFAULT_CONCURRENCY,
      outputCapBytes: DEFAULT_OUTPUT_CAP_BYTES,
      killGraceMs: DEFAULT_KILL_GRACE_MS,
      allowRunAs: DEFAULT_ALLOW_RUN_AS,
      baseEnv: process.env,
      chunkBytes: 64 * 1024,
      flushMs: 250,
      pipeGraceMs: 2000,
      now: () => new Date(),
      ...options,
    };
    this.limiter = new Limiter(this.options.concurrency);
  }

  get running(): number {
    return this.limiter.running;
  }

  get queued(): number {
    return this.limiter.queued;
  }

  /** Action ids queued or running. */
  get active(): string[] {
    return [...this.actions.keys()];
  }

  get(actionId: string): RunningAction | undefined {
    return this.actions.get(actionId);
  }

  cancelAll(reason: string): void {
    for (const action of this.actions.values()) action.cancel(reason);
  }

  /** Output of an action that never ran. */
  get emptyOutput(): OutputSummary {
    return EMPTY_OUTPUT;
  }

  /** What would make the action be refused before it starts: bad NP_* parameters, a run_as not allowed here. */
  async check(
    spec: Pick<ExecutionSpec, 'env' | 'runAs'>,
  ): Promise<
    | { ok: true; user: PasswdEntry; switchTo: PasswdEntry | undefined }
    | { ok: false; rejectReason: RejectReason; message: string }
  > {
    const params = checkParameters(spec.env);
    if (!params.ok) return { ok: false, rejectReason: 'bad_parameters', message: params.message };
    const runAs = await decideRunAs({
      requested: spec.runAs,
      allowed: this.options.allowRunAs,
      self: this.options.self ?? agentUser(),
      lookup: this.options.lookupUser,
    });
    if (!runAs.ok) return { ok: false, rejectReason: 'run_as_refused', message: runAs.message };
    return { ok: true, user: runAs.user, switchTo: runAs.switchTo };
  }

  /** Queues the action; `done` settles with its result (never rejects for the action's own failures). */
  run(spec: ExecutionSpec, hooks: ExecutionHooks = {}): RunningAction {
    if (this.actions.has(spec.actionId))
      throw new Error(`action ${spec.actionId} is already in the executor`);
    const control = new AbortController();
    let phase: ActionPhase = 'queued';
    let pid: number | undefined;
    let cancelReason: string | undefined;
    const state = {
      setPhase: (p: ActionPhase) => {
        phase = p;
      },
      setPid: (p: number) => {
        pid = p;
      },
      signal: control.signal,
      cancelReason: () => cancelReason,
    };
    const done = this.execute(spec, hooks, state).finally(() => {
      phase = 'done';
      this.actions.delete(spec.actionId);
    });
    const action: RunningAction = {
      actionId: spec.actionId,
      get phase() {
        return phase;
      },
      get pid() {
        return pid;
      },
      cancel: (reason = 'cancelled') => {
        if (phase === 'done' || control.signal.aborted) return;
        cancelReason = reason;
        control.abort(new Error(reason));
      },
      done,
    };
    this.actions.set(spec.actionId, action);
    return action;
  }

  private async execute(
    spec: ExecutionSpec,
    hooks: ExecutionHooks,
    state: ExecutionState,
  ): Promise<ExecutionResult> {
    const { now } = this.options;
    const finish: Finish = (partial) => ({
      actionId: spec.actionId,
      exitCode: null,
      signal: null,
      rejectReason: null,
      startedAt: null,
      finishedAt: now(),
      output: EMPTY_OUTPUT,
      ...partial,
    });
    const reject = (rejectReason: RejectReason, reason: string) =>
      finish({ status: 'rejected', rejectReason, reason });

    const runAs = await this.check(spec);
    if (!runAs.ok) return reject(runAs.rejectReason, runAs.message);

    let release: () => void;
    try {
      release = await this.limiter.acquire(state.signal);
    } catch {
      return finish({ status: 'cancelled', reason: `cancelled before it started: ${state.cancelReason()}` });
    }
    try {
      state.setPhase('running');
      return await this.spawnAndWait(spec, hooks, state, runAs.user, runAs.switchTo, finish);
    } finally {
      release();
    }
  }

  private async spawnAndWait(
    spec: ExecutionSpec,
    hooks: ExecutionHooks,
    state: ExecutionState,
    user: PasswdEntry,
    switchTo: PasswdEntry | undefined,
    finish: Finish,
  ): Promise<ExecutionResult> {
    const { now } = this.options;
    if (state.signal.aborted)
      return finish({ status: 'cancelled', reason: `cancelled before it started: ${state.cancelReason()}` });
    const dir = await this.actionDir(spec.actionId, switchTo);
    try {
      const file = path.join(dir, 'runbook');
      const handle = await open(file, 'wx', 0o700);
      try {
        await handle.writeFile(spec.script);
      } finally {
        await handle.close();
      }
      if (switchTo) await chown(file, switchTo.uid, switchTo.gid);
      const { command, args } = interpreterFor(spec.script);
      const env = runbookEnv({
        values: spec.env,
        base: this.options.baseEnv,
        user,
        actionId: spec.actionId,
        tmpDir: dir,
      });
      const graceMs = spec.killGraceMs ?? this.options.killGraceMs;
      const collector = new OutputCollector((chunk) => hooks.onChunk?.(chunk), {
        capBytes: spec.outputCapBytes ?? this.options.outputCapBytes,
        chunkBytes: this.options.chunkBytes,
        flushMs: this.options.flushMs,
      });

      let child: ChildProcess;
      const startedAt = now();
      try {
        child = spawn(command, [...args, file], {
          cwd: dir,
          env,
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
          ...(switchTo ? { uid: switchTo.uid, gid: switchTo.gid } : {}),
        });
      } catch (error) {
        return finish({ status: 'failed', reason: `cannot start ${command}: ${(error as Error).message}` });
      }
      const outcome = await this.supervise(child, spec, hooks, state, collector, graceMs, startedAt);
      let output: OutputSummary;
      try {
        output = await collector.end();
      } catch (error) {
        return finish({
          status: 'failed',
          reason: `output could not be recorded: ${(error as Error).message}`,
          startedAt: outcome.spawned ? startedAt : null,
          exitCode: outcome.exitCode,
          signal: outcome.signal,
        });
      }
      if (!outcome.spawned) return finish({ status: 'failed', reason: outcome.reason, output });
      return finish({
        status: outcome.status,
        reason: outcome.reason,
        exitCode: outcome.exitCode,
        signal: outcome.signal,
        startedAt,
        output,
      });
    } finally {
      await rm(dir, { recursive: true, force: true }).catch(() => {});
    }
  }

  /** Waits for the process and its pipes; applies timeout, cancel and the SIGTERM → SIGKILL escalation. */
  private supervise(
    child: ChildProcess,
    spec: ExecutionSpec,
    hooks: ExecutionHooks,
    state: ExecutionState,
    collector: OutputCollector,
    graceMs: number,
    startedAt: Date,
  ): Promise<{
    spawned: boolean;
    status: 'succeeded' | 'failed' | 'timeout' | 'cancelled';
    exitCode: number | null;
    signal: NodeJS.Signals | null;
    reason: string | null;
  }> {
    return new Promise((resolve) => {
      let stopping: 'timeout' | 'cancelled' | 'hookFailed' | undefined;
      let stopReason: string | null = null;
      let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
      let closed = false;
      let spawnError: Error | undefined;
      const timers: NodeJS.Timeout[] = [];
      const pid = child.pid;

      let spawnHook: Promise<unknown> = Promise.resolve();
      const settle = () => {
        if (!(exit && closed) && !spawnError) return;
        void spawnHook.then(finalize);
      };
      let finalized = false;
      const finalize = () => {
        if (finalized) return;
        finalized = true;
        for (const t of timers) clearTimeout(t);
        state.signal.removeEventListener('abort', onAbort);
        if (spawnError && !exit) {
          resolve({
            spawned: false,
            status: 'failed',
            exitCode: null,
            signal: null,
            reason: `cannot start the runbook: ${spawnError.message}`,
          });
          return;
        }
        const { code, signal } = exit!;
        const status =
          stopping === 'timeout' || stopping === 'cancelled' ? stopping : code === 0 ? 'succeeded' : 'failed';
        const reason =
          stopReason ??
          (code !== null ? (code === 0 ? null : `exit code ${code}`) : `killed by ${signal ?? 'a signal'}`);
        resolve({ spawned: true, status, exitCode: code, signal, reason });
      };

      /** SIGTERM to the group now, SIGKILL after the grace period if anything of it is left. */
      const stopGroup = () => {
        if (pid === undefined) return;
        signalGroup(pid, 'SIGTERM');
        // Not cleared when the action settles: leftovers that closed their pipes still get the SIGKILL.
        setTimeout(() => {
          if (groupAlive(pid)) signalGroup(pid, 'SIGKILL');
        }, graceMs).unref();
      };
      const stop = (why: 'timeout' | 'cancelled' | 'hookFailed', reason: string) => {
        if (stopping) return;
        stopping = why;
        stopReason = reason;
        state.setPhase('stopping');
        stopGroup();
      };
      const onAbort = () => stop('cancelled', `cancelled: ${state.cancelReason() ?? 'cancelled'}`);

      child.on('error', (error) => {
        spawnError = error;
        settle();
      });
      if (pid === undefined) return; // 'error' follows.
      state.setPid(pid);

      child.stdout?.on('data', (data: Buffer) => collector.write('stdout', data));
      child.stderr?.on('data', (data: Buffer) => collector.write('stderr', data));
      child.on('exit', (code, signal) => {
        exit = { code, signal };
        // The leader is gone; whatever is left of its group is stopped too.
        if (groupAlive(pid)) stopGroup();
        // A process that left the group (setsid) but kept our pipes must not hold the action open for ever.
        const pipes = setTimeout(() => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          closed = true;
          settle();
        }, graceMs + this.options.pipeGraceMs);
        timers.push(pipes);
        settle();
      });
      child.on('close', () => {
        closed = true;
        settle();
      });

      if (state.signal.aborted) onAbort();
      else state.signal.addEventListener('abort', onAbort, { once: true });
      const timeout = setTimeout(
        () => stop('timeout', `timeout after ${formatMs(spec.timeoutMs)}`),
        spec.timeoutMs,
      );
      timers.push(timeout);

      // The action settles only after the start was recorded, so "running" can never be written after "finished".
      spawnHook = Promise.resolve(
        hooks.onSpawn?.({ pid, startedAt, pidStartTime: processStartTime(pid) }),
      ).catch((error: unknown) =>
        stop('hookFailed', `could not record the start: ${(error as Error).message}`),
      );
    });
  }

  /** A fresh private directory for one action: in the work dir, or for another user a 0700 one they own. */
  private async actionDir(actionId: string, switchTo: PasswdEntry | undefined): Promise<string> {
    if (switchTo) {
      // The work dir (inside the 0700 state dir) is not reachable by another user: use a fresh private
      // directory in the system temp dir, created by us (mkdtemp, 0700) and handed to that user.
      const dir = await mkdtemp(path.join(os.tmpdir(), `neptune-${actionId}-`));
      await chown(dir, switchTo.uid, switchTo.gid);
      return dir;
    }
    await ensurePrivateDir(this.options.workDir);
    const dir = path.join(this.options.workDir, `${actionId}-${randomBytes(4).toString('hex')}`);
    await ensurePrivateDir(dir);
    return dir;
  }
}

function formatMs(ms: number): string {
  if (ms % 1000 !== 0) return `${ms} ms`;
  const s = ms / 1000;
  return s % 60 === 0 && s >= 60 ? `${s / 60} min` : `${s} s`;
}
