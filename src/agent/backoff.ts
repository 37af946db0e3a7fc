/**
 * Retry timing for the agent (specs/agent-protocol.md §6 "Backoff"): full-jitter exponential (base 1 s, ×2, capped
 * at 60 s for polls and 5 min for uploads), never shorter than the server's Retry-After, and a random start delay
 * (0–10 s) after boot or a server restart so a fleet does not reconnect in one herd. The delay arithmetic is the
 * HTTP client's (src/core/http.ts); this adds the per-loop state the daemon needs: attempts that grow on failure
 * and reset on success, with no limit on the number of attempts (results are retried for as long as they are
 * spooled).
 */
import { backoffDelay, parseRetryAfter } from '../core/http-base';

export const POLL_BACKOFF = { baseMs: 1000, capMs: 60_000 } as const;
export const UPLOAD_BACKOFF = { baseMs: 1000, capMs: 5 * 60_000 } as const;
export const START_DELAY_MAX_MS = 10_000;

/** Retried: timeouts, rate limits and server errors (and network failures, which have no status). */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export class Backoff {
  private attempt = 0;

  constructor(private readonly options: { baseMs: number; capMs: number; random?: () => number }) {}

  /** Failures in a row so far. */
  get failures(): number {
    return this.attempt;
  }

  /** The delay before the next try after a failure; `retryAfter` is the response's Retry-After header. */
  next(retryAfter?: string | string[], now = Date.now()): number {
    const delay = backoffDelay(this.attempt, {
      baseMs: this.options.baseMs,
      capMs: this.options.capMs,
      random: this.options.random ?? Math.random,
      retryAfterMs: parseRetryAfter(retryAfter, now),
    });
    // The exponent stops growing once the cap is reached (no overflow after days of outage).
    if (this.options.baseMs * 2 ** this.attempt < this.options.capMs) this.attempt++;
    return delay;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** A random delay in [0, max) before the first connection. */
export function startDelayMs(random: () => number = Math.random, maxMs = START_DELAY_MAX_MS): number {
  return Math.floor(random() * maxMs);
}

/** Sleeps `ms`, or less if the signal aborts (then resolves: stopping is not an error for a loop). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
