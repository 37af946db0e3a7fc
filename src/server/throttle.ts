/**
 * Throttling with fixed windows counted in the database, so several replicas enforce one limit: a per-account
 * request rate, and a per-client-address budget of failures on the endpoints that take secrets (API keys,
 * invitation tokens, device and user codes), which stops guessing.
 *
 * Writing a counter on every request would make every read a write (and on PostgreSQL a commit on one hot row per
 * account), so each process batches: it counts requests locally and adds them to the shared counter at most every
 * FLUSH_MS (or every FLUSH_HITS requests), learning the total of all replicas at each flush. A limit can thus be
 * overrun by what the replicas admit in one flush interval. Failure counts are written at once (a failure is rare
 * and must stop a guesser); the failure budget of an address is read from the database at most every FLUSH_MS.
 * docs/decisions/0401-server-throttle-batching.md.
 */
import { ApiError } from './errors';
import type { Store } from './store/store';

export interface Limits {
  /** Requests per account per minute. */
  accountPerMinute: number;
  /** Failed secret checks per client address per 15 minutes. */
  failuresPerWindow: number;
  /** Device codes one address may request per 15 minutes. */
  deviceCodesPerWindow: number;
}

export const DEFAULT_LIMITS: Limits = {
  accountPerMinute: 6_000,
  failuresPerWindow: 30,
  deviceCodesPerWindow: 30,
};

const MINUTE = 60_000;
const FAILURE_WINDOW = 15 * MINUTE;
export const FLUSH_MS = 250;
const FLUSH_HITS = 100;

interface Window {
  key: string;
  expiresAt: string;
  retryAfter: number;
}

function window(prefix: string, subject: string, now: number, size: number): Window {
  const start = Math.floor(now / size) * size;
  return {
    key: `${prefix}:${subject}:${start}`,
    // kept one extra window so that a purge never races a live counter
    expiresAt: new Date(start + 2 * size).toISOString(),
    retryAfter: (start + size - now) / 1000,
  };
}

interface Counter {
  /** The shared total as of the last flush (all replicas). */
  known: number;
  /** Counted here since then. */
  pending: number;
  flushedAt: number;
  flushing?: Promise<void>;
}

export class Throttle {
  private hits = 0;
  private readonly counters = new Map<string, Counter>();
  private readonly failures = new Map<string, { count: number; readAt: number }>();

  constructor(
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly now: () => Date,
  ) {}

  /** Counts one request for the account; 429 past the limit. */
  async account(accountId: string): Promise<void> {
    const at = this.now().getTime();
    const w = window('rate', accountId, at, MINUTE);
    let counter = this.counters.get(w.key);
    if (!counter) {
      // A new window: forget the old ones of this process, and read the shared count once.
      this.forgetOld(at);
      counter = { known: 0, pending: 0, flushedAt: -Infinity };
      this.counters.set(w.key, counter);
    }
    counter.pending++;
    if (counter.pending >= FLUSH_HITS || at - counter.flushedAt >= FLUSH_MS) await this.flush(w, counter, at);
    await this.maybePurge();
    if (counter.known + counter.pending > this.limits.accountPerMinute) {
      throw new ApiError(
        429,
        'RATE_LIMITED',
        'too many requests for this account; retry later',
        w.retryAfter,
      );
    }
  }

  private flush(w: Window, counter: Counter, at: number): Promise<void> {
    counter.flushing ??= (async () => {
      const by = counter.pending;
      counter.pending = 0;
      counter.flushedAt = at;
      try {
        counter.known = await this.store.hit(w.key, w.expiresAt, by);
      } catch (error) {
        counter.pending += by;
        throw error;
      } finally {
        counter.flushing = undefined;
      }
    })();
    return counter.flushing;
  }

  private forgetOld(at: number): void {
    const current = Math.floor(at / MINUTE) * MINUTE;
    for (const key of this.counters.keys()) {
      if (Number(key.slice(key.lastIndexOf(':') + 1)) < current) this.counters.delete(key);
    }
    if (this.failures.size > 10_000) this.failures.clear();
  }

  /** Refuses a client address that used up its failure budget (checked before the secret is looked at). */
  async checkFailures(address: string): Promise<void> {
    const at = this.now().getTime();
    const w = window('fail', address, at, FAILURE_WINDOW);
    let seen = this.failures.get(w.key);
    if (!seen || at - seen.readAt >= FLUSH_MS) {
      seen = { count: await this.store.peek(w.key), readAt: at };
      this.failures.set(w.key, seen);
    }
    if (seen.count >= this.limits.failuresPerWindow) {
      throw new ApiError(
        429,
        'AUTH_TOO_MANY_FAILURES',
        'too many failed attempts from this address; retry later',
        w.retryAfter,
      );
    }
  }

  async recordFailure(address: string): Promise<void> {
    const at = this.now().getTime();
    const w = window('fail', address, at, FAILURE_WINDOW);
    const count = await this.store.hit(w.key, w.expiresAt);
    this.failures.set(w.key, { count, readAt: at });
  }

  async deviceCode(address: string): Promise<void> {
    const w = window('device', address, this.now().getTime(), FAILURE_WINDOW);
    if ((await this.store.hit(w.key, w.expiresAt)) > this.limits.deviceCodesPerWindow) {
      throw new ApiError(
        429,
        'DEVICE_TOO_MANY_REQUESTS',
        'too many device codes requested from this address; retry later',
        w.retryAfter,
      );
    }
  }

  private readonly touched = new Map<string, number>();

  /**
   * Whether to record a key's last use now: at most once per `everyMs` per key, and once per process even when
   * many requests with that key arrive together (they all read the old time; one update is enough).
   */
  shouldTouch(keyId: string, lastUsedAt: string | null, at: number, everyMs: number): boolean {
    const last = Math.max(
      lastUsedAt ? Date.parse(lastUsedAt) : -Infinity,
      this.touched.get(keyId) ?? -Infinity,
    );
    if (at - last < everyMs) return false;
    if (this.touched.size > 100_000) this.touched.clear();
    this.touched.set(keyId, at);
    return true;
  }

  private async maybePurge(): Promise<void> {
    this.hits = (this.hits + 1) % 10_000;
    if (this.hits === 0) await this.store.purgeThrottle(this.now().toISOString());
  }
}
