/**
 * Throttling with fixed windows counted in the database, so several replicas enforce one limit: a per-account
 * request rate, and a per-client-address budget of failures on the endpoints that take secrets (API keys,
 * invitation tokens, device and user codes), which stops guessing.
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

export class Throttle {
  private hits = 0;

  constructor(
    private readonly store: Store,
    private readonly limits: Limits,
    private readonly now: () => Date,
  ) {}

  /** Counts one request for the account; 429 past the limit. */
  async account(accountId: string): Promise<void> {
    const w = window('rate', accountId, this.now().getTime(), MINUTE);
    const count = await this.store.hit(w.key, w.expiresAt);
    await this.maybePurge();
    if (count > this.limits.accountPerMinute) {
      throw new ApiError(
        429,
        'RATE_LIMITED',
        'too many requests for this account; retry later',
        w.retryAfter,
      );
    }
  }

  /** Refuses a client address that used up its failure budget (checked before the secret is looked at). */
  async checkFailures(address: string): Promise<void> {
    const w = window('fail', address, this.now().getTime(), FAILURE_WINDOW);
    if ((await this.store.peek(w.key)) >= this.limits.failuresPerWindow) {
      throw new ApiError(
        429,
        'AUTH_TOO_MANY_FAILURES',
        'too many failed attempts from this address; retry later',
        w.retryAfter,
      );
    }
  }

  async recordFailure(address: string): Promise<void> {
    const w = window('fail', address, this.now().getTime(), FAILURE_WINDOW);
    await this.store.hit(w.key, w.expiresAt);
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

  private async maybePurge(): Promise<void> {
    this.hits = (this.hits + 1) % 1000;
    if (this.hits === 0) await this.store.purgeThrottle(this.now().toISOString());
  }
}
