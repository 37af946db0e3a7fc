/**
 * Output capture: the process's stdout and stderr become numbered chunks (seq 0, 1, 2, …, each with its byte offset
 * in the action's log), flushed when a chunk is full, when the other stream writes, or after a short interval so
 * that `--follow` is live. Past the cap (default 16 MiB) nothing more is kept, the pipes are still drained (a
 * process must never block on a full pipe), a marker chunk says so, and the finish record has `truncated: true`.
 */
import { createHash } from 'node:crypto';
import type { OutputStream } from '../api/agent-protocol';

export const DEFAULT_OUTPUT_CAP_BYTES = 16 * 1024 * 1024;
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
export const DEFAULT_FLUSH_MS = 250;

export interface OutputChunk {
  seq: number;
  offset: number;
  stream: OutputStream;
  data: Buffer;
}

export interface OutputSummary {
  /** Everything the process wrote, kept or not. */
  outputBytes: number;
  /** What the chunks hold (at most the cap, plus the marker). */
  keptBytes: number;
  truncated: boolean;
  chunks: number;
  /** SHA-256 of the kept bytes in sequence order, hex. */
  sha256: string;
}

export function truncationMarker(capBytes: number): string {
  return `\n[neptune: output truncated at ${capBytes} bytes; the rest was discarded]\n`;
}

export class OutputCollector {
  private readonly capBytes: number;
  private readonly chunkBytes: number;
  private readonly flushMs: number;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private pendingStream: OutputStream = 'stdout';
  private timer: NodeJS.Timeout | undefined;
  private seq = 0;
  private offset = 0;
  private written = 0;
  private truncated = false;
  private ended = false;
  /** Chunk deliveries run one after the other, in order. */
  private delivery: Promise<void> = Promise.resolve();
  private deliveryError: unknown;

  constructor(
    private readonly onChunk: (chunk: OutputChunk) => void | Promise<void>,
    options: { capBytes?: number; chunkBytes?: number; flushMs?: number } = {},
  ) {
    this.capBytes = options.capBytes ?? DEFAULT_OUTPUT_CAP_BYTES;
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
  }

  write(stream: OutputStream, data: Buffer): void {
    if (this.ended) return;
    this.written += data.length;
    if (this.truncated) return;
    const room = this.capBytes - this.offset - this.pendingBytes;
    let keep = data;
    if (data.length > room) {
      keep = data.subarray(0, Math.max(0, room));
      this.truncated = true;
    }
    if (keep.length > 0) {
      if (stream !== this.pendingStream) this.flush();
      this.pendingStream = stream;
      let rest = keep;
      while (rest.length > 0) {
        const take = Math.min(rest.length, this.chunkBytes - this.pendingBytes);
        this.pending.push(rest.subarray(0, take));
        this.pendingBytes += take;
        rest = rest.subarray(take);
        if (this.pendingBytes >= this.chunkBytes) this.flush();
      }
    }
    if (this.truncated) {
      this.flush();
      this.pendingStream = 'stderr';
      this.pending.push(Buffer.from(truncationMarker(this.capBytes)));
      this.pendingBytes = this.pending[0]!.length;
      this.flush();
      return;
    }
    if (this.pendingBytes > 0 && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushMs);
      this.timer.unref();
    }
  }

  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pendingBytes === 0) return;
    const data = Buffer.concat(this.pending, this.pendingBytes);
    const chunk: OutputChunk = { seq: this.seq++, offset: this.offset, stream: this.pendingStream, data };
    this.offset += data.length;
    this.hash.update(data);
    this.pending = [];
    this.pendingBytes = 0;
    this.delivery = this.delivery.then(async () => {
      if (this.deliveryError) return;
      try {
        await this.onChunk(chunk);
      } catch (error) {
        this.deliveryError = error;
      }
    });
  }

  /** Flushes what is left and waits until every chunk was delivered. Throws the first delivery failure. */
  async end(): Promise<OutputSummary> {
    if (!this.ended) {
      this.flush();
      this.ended = true;
    }
    await this.delivery;
    if (this.deliveryError) throw this.deliveryError;
    return {
      outputBytes: this.written,
      keptBytes: this.offset,
      truncated: this.truncated,
      chunks: this.seq,
      sha256: this.hash.copy().digest('hex'),
    };
  }
}
