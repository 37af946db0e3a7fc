import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OpenDatabase, openDatabase, parseTarget } from './store/db';
import { migrateToLatest } from './store/schema-version';
import { Store } from './store/store';
import { type TestDatabase, testDatabase } from './testing';
import { DEFAULT_LIMITS, FLUSH_MS, Throttle } from './throttle';

describe('throttle shared by two replicas (one SQLite database, two processes’ worth of state)', () => {
  let db: TestDatabase;
  let open: OpenDatabase;
  let store: Store;
  const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
  const tick = (ms: number) => {
    clock.now = new Date(clock.now.getTime() + ms);
  };

  beforeAll(async () => {
    db = await testDatabase({});
    open = await openDatabase(parseTarget(undefined, db.dataDir));
    await migrateToLatest(open.db as never, open.engine);
    store = new Store(open.db);
  });
  afterAll(async () => {
    await open?.close();
    await db?.drop();
  });

  it('the account limit counts the requests of every replica, learned at each flush', async () => {
    const limits = { ...DEFAULT_LIMITS, accountPerMinute: 10 };
    const a = new Throttle(store, limits, () => clock.now);
    const b = new Throttle(store, limits, () => clock.now);
    for (let i = 0; i < 6; i++) await a.account('acct');
    for (let i = 0; i < 4; i++) await b.account('acct');
    tick(FLUSH_MS);
    // a flushes its 6 more: the shared count is 1 (a's first) + 1 (b's first) + 6 = 8, within the limit.
    await expect(a.account('acct')).resolves.toBeUndefined();
    tick(FLUSH_MS);
    // b flushes its 4: 12 > 10. b refuses, and so does a once it has flushed and learned the total.
    await expect(b.account('acct')).rejects.toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    await expect(a.account('acct')).rejects.toMatchObject({ status: 429 });
    expect(await store.peek(`rate:acct:${Date.parse('2026-03-01T12:00:00.000Z')}`)).toBe(13);
    // Another account is not affected, and the next minute starts afresh.
    await expect(a.account('other')).resolves.toBeUndefined();
    tick(60_000);
    await expect(a.account('acct')).resolves.toBeUndefined();
  });

  it('a failure recorded by one replica blocks the address on the other within a flush interval', async () => {
    const limits = { ...DEFAULT_LIMITS, failuresPerWindow: 2 };
    const a = new Throttle(store, limits, () => clock.now);
    const b = new Throttle(store, limits, () => clock.now);
    await b.checkFailures('10.0.0.1');
    await a.recordFailure('10.0.0.1');
    await a.recordFailure('10.0.0.1');
    await expect(a.checkFailures('10.0.0.1')).rejects.toMatchObject({
      status: 429,
      code: 'AUTH_TOO_MANY_FAILURES',
    });
    tick(FLUSH_MS);
    await expect(b.checkFailures('10.0.0.1')).rejects.toMatchObject({ status: 429 });
    await expect(b.checkFailures('10.0.0.2')).resolves.toBeUndefined();
  });
});
