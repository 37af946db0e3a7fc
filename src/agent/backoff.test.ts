import { describe, expect, it } from 'vitest';
import { Backoff, isRetryableStatus, POLL_BACKOFF, sleep, startDelayMs, UPLOAD_BACKOFF } from './backoff';

describe('Backoff', () => {
  it('is full-jitter exponential: the window doubles from 1 s up to the cap', () => {
    const top = new Backoff({ ...POLL_BACKOFF, random: () => 0.999999 });
    const windows = Array.from({ length: 9 }, () => top.next());
    expect(windows).toEqual([999, 1999, 3999, 7999, 15999, 31999, 59999, 59999, 59999]);
    const bottom = new Backoff({ ...POLL_BACKOFF, random: () => 0 });
    expect(bottom.next()).toBe(0);
  });

  it('caps uploads at 5 minutes and keeps retrying without limit', () => {
    const b = new Backoff({ ...UPLOAD_BACKOFF, random: () => 0.999999 });
    let last = 0;
    for (let i = 0; i < 1000; i++) last = b.next();
    expect(last).toBe(299_999);
    expect(b.failures).toBeLessThan(20);
  });

  it('waits at least what Retry-After asks, in seconds or as a date', () => {
    const b = new Backoff({ ...POLL_BACKOFF, random: () => 0 });
    expect(b.next('7')).toBe(7000);
    const now = Date.parse('2026-12-01T10:00:00Z');
    expect(b.next('Tue, 01 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
  });

  it('resets after a success', () => {
    const b = new Backoff({ ...POLL_BACKOFF, random: () => 0.5 });
    b.next();
    b.next();
    b.next();
    b.reset();
    expect(b.next()).toBe(500);
  });

  it('classifies statuses: 408, 429, 5xx retry; other 4xx stop', () => {
    expect([408, 429, 500, 502, 503].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 409, 422].some(isRetryableStatus)).toBe(false);
  });

  it('spreads the start over 0–10 s', () => {
    expect(startDelayMs(() => 0)).toBe(0);
    expect(startDelayMs(() => 0.999)).toBe(9990);
  });

  it('sleep ends early when the signal aborts', async () => {
    const control = new AbortController();
    const started = Date.now();
    const slept = sleep(60_000, control.signal);
    control.abort();
    await slept;
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
