/**
 * The action runner: what the poll loop calls for an `assign` message. It joins the ledger (exactly-once), the
 * executor (the process) and the spool (at-least-once results), in the order that keeps the guarantees:
 *
 *   claim the id in the ledger (fsynced)  →  check parameters and run_as  →  start the process  →  mark running
 *   →  every output chunk to the spool (fsynced)  →  finish record to the spool (fsynced)  →  ledger finished
 *
 * A redelivered id is answered from the ledger and never run again. The finish record goes to the spool before the
 * ledger says `finished`, so a crash between the two is healed by recover(), which adopts the spooled record.
 */
import type { FinishRecord, KnownState, RejectReason } from '../api/agent-protocol';
import type { ExecutionResult, ExecutionSpec, Executor, RunningAction } from './executor';
import { isoTime } from './iso-time';
import { knownState, type Ledger, type LedgerEntry } from './ledger';
import type { Spool } from './spool';

export interface Assignment extends ExecutionSpec {
  runbook?: { id: string; version: string; name: string };
}

export type Submission =
  | { outcome: 'duplicate'; known: KnownState; entry: LedgerEntry }
  | { outcome: 'rejected'; rejectReason: RejectReason; message: string; finish: FinishRecord }
  | { outcome: 'accepted'; action: RunningAction; finished: Promise<FinishRecord> }
  /** Not taken and not recorded (the agent is draining): the server may give it to another host, or again later. */
  | { outcome: 'refused'; rejectReason: 'draining'; message: string };

export function finishRecordOf(result: ExecutionResult, droppedChunks: number): FinishRecord {
  return {
    actionId: result.actionId,
    status: result.status,
    exitCode: result.exitCode,
    signal: result.signal,
    reason: result.reason,
    rejectReason: result.rejectReason,
    startedAt: result.startedAt ? isoTime(result.startedAt) : null,
    finishedAt: isoTime(result.finishedAt),
    outputBytes: result.output.outputBytes,
    keptBytes: result.output.keptBytes,
    outputSha256: result.output.sha256,
    truncated: result.output.truncated,
    chunks: result.output.chunks,
    droppedChunks,
  };
}

export class ActionRunner {
  private readonly inflight = new Map<string, Promise<FinishRecord>>();
  private drainingSince: Date | undefined;

  constructor(
    private readonly deps: { ledger: Ledger; spool: Spool; executor: Executor; now?: () => Date },
  ) {}

  get draining(): boolean {
    return this.drainingSince !== undefined;
  }

  /** Actions accepted and not yet recorded as finished. */
  get active(): string[] {
    return [...this.inflight.keys()];
  }

  /**
   * The first SIGTERM: take no new work, let running actions finish for up to `timeoutMs`, then cancel what is
   * left (SIGTERM → SIGKILL to each group) and wait until every result is recorded in the spool.
   */
  async drain(timeoutMs: number): Promise<{ finished: number; cancelled: number }> {
    this.drainingSince ??= this.now();
    const pending = [...this.inflight.values()];
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      Promise.allSettled(pending).then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    const cancelled = timedOut ? this.inflight.size : 0;
    if (timedOut) this.cancelAll(`the agent is stopping (drain timeout ${Math.round(timeoutMs / 1000)} s)`);
    await Promise.allSettled(pending);
    return { finished: pending.length - cancelled, cancelled };
  }

  /** The second SIGTERM (or SIGQUIT): cancel everything now. */
  cancelAll(reason: string): void {
    this.drainingSince ??= this.now();
    this.deps.executor.cancelAll(reason);
  }

  private get now(): () => Date {
    return this.deps.now ?? (() => new Date());
  }

  async submit(assignment: Assignment): Promise<Submission> {
    const { ledger, spool, executor } = this.deps;
    if (this.draining) {
      return {
        outcome: 'refused',
        rejectReason: 'draining',
        message: 'the agent is stopping and takes no new work',
      };
    }
    const claim = await ledger.claim(assignment.actionId, assignment.runbook ?? null);
    if (!claim.claimed) return { outcome: 'duplicate', known: knownState(claim.entry), entry: claim.entry };

    const check = await executor.check(assignment);
    if (!check.ok) {
      const finish = await this.record({
        actionId: assignment.actionId,
        status: 'rejected',
        exitCode: null,
        signal: null,
        reason: check.message,
        rejectReason: check.rejectReason,
        startedAt: null,
        finishedAt: this.now(),
        output: executor.emptyOutput,
      });
      return { outcome: 'rejected', rejectReason: check.rejectReason, message: check.message, finish };
    }

    const action = executor.run(assignment, {
      onSpawn: async (info) => {
        await ledger.markRunning(assignment.actionId, info);
      },
      onChunk: async (chunk) => {
        await spool.addChunk(assignment.actionId, chunk);
      },
    });
    const finished = action.done
      .then((result) => this.record(result))
      .finally(() => this.inflight.delete(assignment.actionId));
    this.inflight.set(assignment.actionId, finished);
    return { outcome: 'accepted', action, finished };
  }

  private async record(result: ExecutionResult): Promise<FinishRecord> {
    const { ledger, spool } = this.deps;
    const finish = finishRecordOf(result, spool.droppedChunks(result.actionId));
    await spool.writeFinish(finish);
    await ledger.markFinished(result.actionId, result);
    return finish;
  }

  cancel(actionId: string, reason: string): boolean {
    const action = this.deps.executor.get(actionId);
    if (!action) return false;
    action.cancel(reason);
    return true;
  }

  /**
   * At start-up, before any new work: a finish record that reached the spool settles its ledger entry; every
   * other entry still `accepted` or `running` becomes `interrupted`, with an `interrupted` finish record spooled
   * for the server. Returns the records written.
   */
  async recover(): Promise<FinishRecord[]> {
    const { ledger, spool } = this.deps;
    const pending = await spool.pending();
    for (const item of pending) {
      if (!item.finish) continue;
      const entry = await ledger.get(item.actionId);
      if (entry && (entry.state === 'accepted' || entry.state === 'running')) {
        await ledger.markFinished(item.actionId, {
          status: item.finish.status,
          exitCode: item.finish.exitCode,
          signal: item.finish.signal,
          reason: item.finish.reason,
          finishedAt: new Date(item.finish.finishedAt),
        });
      }
    }
    const records: FinishRecord[] = [];
    for (const entry of await ledger.recover()) {
      const spooled = pending.find((p) => p.actionId === entry.actionId);
      const last = spooled?.chunks.at(-1);
      const kept = last ? last.offset + last.bytes : 0;
      const record: FinishRecord = {
        actionId: entry.actionId,
        status: 'interrupted',
        exitCode: null,
        signal: null,
        reason: entry.reason,
        rejectReason: null,
        startedAt: entry.startedAt,
        finishedAt: entry.finishedAt ?? isoTime(this.now()),
        // What the spool still holds; the server knows which chunks it already received.
        outputBytes: kept,
        keptBytes: kept,
        outputSha256: null,
        truncated: false,
        chunks: last ? last.seq + 1 : 0,
        droppedChunks: spool.droppedChunks(entry.actionId),
      };
      await spool.writeFinish(record);
      records.push(record);
    }
    return records;
  }
}
