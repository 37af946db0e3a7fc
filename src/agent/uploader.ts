/**
 * The uploader: sends what the spool holds, in order — per action its chunks by sequence number, then its finish
 * record with the agent signature — and removes each item from the spool only after the server acknowledged it.
 *
 * A transient failure (network, 408, 429, 5xx) ends the pass and the next one waits a full-jitter backoff (1 s up
 * to 5 min, never less than Retry-After); it retries for as long as anything is spooled, however long the outage.
 * A permanent refusal (another 4xx: the server does not know the action, or a 409 conflict that it audits) sets
 * that action aside for the rest of this process, still on disk, so one bad item never blocks the others and
 * nothing is deleted that the server did not take. The transport (HTTP, tokens) is injected: the poll loop's
 * client provides it.
 */
import type { FinishRecord } from '../api/agent-protocol';
import { Backoff, sleep as defaultSleep, UPLOAD_BACKOFF } from './backoff';
import type { ChunkRef, Spool } from './spool';

export type UploadOutcome =
  | { ok: true }
  | { ok: false; permanent: boolean; reason: string; retryAfter?: string | string[] };

export interface UploadTransport {
  sendChunk(ref: ChunkRef, data: Buffer): Promise<UploadOutcome>;
  sendFinish(record: FinishRecord, agentSignature: string): Promise<UploadOutcome>;
}

export interface UploaderOptions {
  spool: Spool;
  transport: UploadTransport;
  /** The agent signature of a finish record (AgentKey.signFinish). */
  sign: (record: FinishRecord) => string;
  backoff?: Backoff;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onEvent?: (event: UploadEvent) => void;
}

export type UploadEvent =
  | { kind: 'sent'; actionId: string; item: 'chunk' | 'finish'; seq?: number }
  | { kind: 'retry'; actionId: string; reason: string; delayMs: number }
  | { kind: 'set-aside'; actionId: string; reason: string };

export class Uploader {
  private readonly backoff: Backoff;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly setAside = new Map<string, string>();
  private wake: (() => void) | undefined;
  private woken = false;

  constructor(private readonly options: UploaderOptions) {
    this.backoff = options.backoff ?? new Backoff(UPLOAD_BACKOFF);
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Actions refused for good in this process (kept on disk, retried after a restart). */
  get refused(): ReadonlyMap<string, string> {
    return this.setAside;
  }

  /** New data is in the spool: an idle run() loop starts a pass. */
  notify(): void {
    this.woken = true;
    this.wake?.();
  }

  /**
   * One pass over the spool. Returns `done` when everything sendable was sent, or the failure that ended it.
   */
  async pass(): Promise<{ done: true } | { done: false; reason: string; retryAfter?: string | string[] }> {
    const { spool, transport, sign, onEvent } = this.options;
    for (const action of await spool.pending()) {
      if (this.setAside.has(action.actionId)) continue;
      let refused = false;
      for (const chunk of action.chunks) {
        const outcome = await transport.sendChunk(chunk, await spool.readChunk(chunk));
        if (!outcome.ok) {
          if (!outcome.permanent)
            return { done: false, reason: outcome.reason, retryAfter: outcome.retryAfter };
          this.setAside.set(action.actionId, outcome.reason);
          onEvent?.({ kind: 'set-aside', actionId: action.actionId, reason: outcome.reason });
          refused = true;
          break;
        }
        await spool.ackChunk(action.actionId, chunk.seq);
        onEvent?.({ kind: 'sent', actionId: action.actionId, item: 'chunk', seq: chunk.seq });
      }
      if (refused || !action.finish) continue;
      const outcome = await transport.sendFinish(action.finish, sign(action.finish));
      if (!outcome.ok) {
        if (!outcome.permanent)
          return { done: false, reason: outcome.reason, retryAfter: outcome.retryAfter };
        this.setAside.set(action.actionId, outcome.reason);
        onEvent?.({ kind: 'set-aside', actionId: action.actionId, reason: outcome.reason });
        continue;
      }
      await spool.ackFinish(action.actionId);
      onEvent?.({ kind: 'sent', actionId: action.actionId, item: 'finish' });
    }
    return { done: true };
  }

  /** Runs passes until the signal aborts: backoff after a failure, idle until notify() when all is sent. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.woken = false;
      const result = await this.pass();
      if (!result.done) {
        const delayMs = this.backoff.next(result.retryAfter);
        this.options.onEvent?.({ kind: 'retry', actionId: '', reason: result.reason, delayMs });
        await this.sleep(delayMs, signal);
        continue;
      }
      this.backoff.reset();
      if (this.woken || signal.aborted) continue;
      await new Promise<void>((resolve) => {
        const done = () => {
          this.wake = undefined;
          signal.removeEventListener('abort', done);
          resolve();
        };
        this.wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    }
  }
}
