/**
 * The store suite, the same on SQLite and on PostgreSQL (when NEPTUNE_TEST_DATABASE_URL is set; CI sets it):
 * migrations and the schema check, tenant scoping of every account query, one-time claims and counters that hold
 * across several processes ("replicas": two connections to one database), transactions that roll back.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POSTGRES_SKIP_REASON, type TestDatabase, testDatabase, testEngines } from '../testing';
import { type OpenDatabase, openDatabase, parseTarget } from './db';
import { migrations } from './migrations';
import { checkSchema, migrateToLatest } from './schema-version';
import { Store } from './store';

if (!process.env.NEPTUNE_TEST_DATABASE_URL) console.log(POSTGRES_SKIP_REASON);

const NOW = '2026-03-01T12:00:00.000Z';

describe.each(testEngines())('store on %s', (engine) => {
  let db: TestDatabase;
  let a: OpenDatabase;
  let b: OpenDatabase;
  let store: Store;
  let replica: Store;

  const account = async (handle: string) => {
    const id = randomUUID();
    await store.createAccount(id, handle, NOW);
    const userId = randomUUID();
    await store.insertUser({
      id: userId,
      account_id: id,
      email: `admin@${handle}.test`,
      role: 'admin',
      status: 'active',
      invite_hash: null,
      invite_expires_at: null,
      created_at: NOW,
    });
    const keyId = randomUUID();
    await store.insertKey({
      id: keyId,
      account_id: id,
      user_id: userId,
      name: 'k',
      prefix: 'nep_x',
      hash: randomUUID().replaceAll('-', ''),
      scopes: 'admin',
      origin: 'init',
      lifetime_seconds: 3600,
      created_at: NOW,
      expires_at: '2026-03-01T13:00:00.000Z',
      last_used_at: null,
      revoked_at: null,
    });
    return { id, userId, keyId };
  };

  beforeAll(async () => {
    db = await testDatabase(engine === 'postgres' ? process.env : {});
    const target = parseTarget(db.databaseUrl, db.dataDir);
    a = await openDatabase(target);
    b = await openDatabase(target);
    store = new Store(a.db);
    replica = new Store(b.db);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await db?.drop();
  });

  it('start refuses a database without the schema; migrations apply once; then start accepts it', async () => {
    await expect(checkSchema(a.db as never, a.engine)).rejects.toMatchObject({
      kind: 'config',
      code: 'SERVER_SCHEMA_OUTDATED',
    });
    expect(await migrateToLatest(a.db as never, a.engine)).toEqual(Object.keys(migrations(engine)));
    expect(await migrateToLatest(b.db as never, b.engine)).toEqual([]);
    await expect(checkSchema(b.db as never, b.engine)).resolves.toBeUndefined();
    await store.ping();
  });

  it('every account query is scoped: another account’s ids find, change and remove nothing', async () => {
    const acme = await account('acme');
    const globex = await account('globex');
    expect(await store.keyById(globex.id, acme.keyId)).toBeUndefined();
    expect(await store.keyById(acme.id, acme.keyId)).toMatchObject({
      id: acme.keyId,
      user_email: 'admin@acme.test',
    });
    expect(await store.revokeKey(globex.id, acme.keyId, NOW)).toBe(false);
    expect((await store.keyById(acme.id, acme.keyId))?.revoked_at).toBeNull();
    await store.setRole(globex.id, acme.userId, 'viewer');
    await store.deleteUser(globex.id, acme.userId);
    expect(await store.userByEmail(acme.id, 'admin@acme.test')).toMatchObject({ role: 'admin' });
    expect(await store.userByEmail(globex.id, 'admin@acme.test')).toBeUndefined();
    expect((await store.keysOf(globex.id)).map((k) => k.id)).toEqual([globex.keyId]);
    expect((await store.usersOf(globex.id)).map((u) => u.email)).toEqual(['admin@globex.test']);
    expect(await store.adminCount(acme.id)).toBe(1);
    await store.appendAudit({ accountId: acme.id, at: NOW, actor: 'x', action: 'a', target: 't' });
    expect(await store.auditOf(globex.id)).toEqual([]);
    expect((await store.auditOf(acme.id)).map((e) => e.action)).toEqual(['a']);
  });

  it('the auth lookup joins key, user and account in one row', async () => {
    const acme = (await store.accountByHandle('acme'))!;
    const key = (await store.keysOf(acme.id))[0]!;
    const row = await store.authByKeyHash(key.hash);
    expect(row).toMatchObject({
      account_handle: 'acme',
      user_email: 'admin@acme.test',
      user_role: 'admin',
      scopes: 'admin',
    });
    await store.touchKey(key.id, '2026-03-01T12:30:00.000Z');
    expect((await replica.authByKeyHash(key.hash))?.last_used_at).toBe('2026-03-01T12:30:00.000Z');
    expect(await store.authByKeyHash('0'.repeat(64))).toBeUndefined();
  });

  it('removing a user removes their keys (cascade)', async () => {
    const c = await account('cascade');
    await store.deleteUser(c.id, c.userId);
    expect(await store.keyById(c.id, c.keyId)).toBeUndefined();
  });

  it('a transaction that throws leaves nothing behind', async () => {
    await expect(
      store.transaction(async (trx) => {
        await trx.createAccount(randomUUID(), 'rolled-back', NOW);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.accountByHandle('rolled-back')).toBeUndefined();
  });

  it('handles and (account, email) are unique', async () => {
    await expect(store.createAccount(randomUUID(), 'acme', NOW)).rejects.toThrow();
    const acme = (await store.accountByHandle('acme'))!;
    await expect(
      store.insertUser({
        id: randomUUID(),
        account_id: acme.id,
        email: 'admin@acme.test',
        role: 'viewer',
        status: 'active',
        invite_hash: null,
        invite_expires_at: null,
        created_at: NOW,
      }),
    ).rejects.toThrow();
  });

  it('throttle counters are exact under concurrent hits from two replicas', async () => {
    const key = `rate:test:${randomUUID()}`;
    const hits = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 ? store : replica).hit(key, '2026-03-01T12:02:00.000Z')),
    );
    expect([...hits].sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    expect(await replica.peek(key)).toBe(40);
    await store.purgeThrottle('2026-03-01T12:03:00.000Z');
    expect(await store.peek(key)).toBe(0);
  });

  it('a device code is decided once and consumed once, whichever replica asks', async () => {
    const acme = (await store.accountByHandle('acme'))!;
    const user = (await store.usersOf(acme.id))[0]!;
    const id = randomUUID();
    await store.insertDevice({
      id,
      device_hash: randomUUID(),
      user_code: 'BCDF-GHJK',
      client_name: 'cli',
      status: 'pending',
      account_id: null,
      user_id: null,
      interval_seconds: 5,
      created_at: NOW,
      expires_at: '2026-03-01T12:10:00.000Z',
      last_polled_at: null,
    });
    const decided = await Promise.all([
      store.decideDevice(id, 'approved', acme.id, user.id),
      replica.decideDevice(id, 'denied', acme.id, user.id),
    ]);
    expect(decided.filter(Boolean)).toHaveLength(1);
    if ((await store.deviceByUserCode('BCDF-GHJK'))?.status === 'approved') {
      const consumed = await Promise.all([
        store.consumeDevice(id),
        replica.consumeDevice(id),
        store.consumeDevice(id),
      ]);
      expect(consumed.filter(Boolean)).toHaveLength(1);
    }
    await store.purgeDevices('2026-03-01T13:00:00.000Z');
    expect(await store.deviceByUserCode('BCDF-GHJK')).toBeUndefined();
  });

  it('an invitation is accepted once', async () => {
    const acme = (await store.accountByHandle('acme'))!;
    const id = randomUUID();
    await store.insertUser({
      id,
      account_id: acme.id,
      email: 'invited@acme.test',
      role: 'viewer',
      status: 'invited',
      invite_hash: 'h'.repeat(64),
      invite_expires_at: '2026-03-08T12:00:00.000Z',
      created_at: NOW,
    });
    expect(await store.userByInviteHash('h'.repeat(64))).toMatchObject({ id });
    const results = await Promise.all([store.activateUser(id), replica.activateUser(id)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.userByInviteHash('h'.repeat(64))).toBeUndefined();
  });

  it('sealed secrets are stored per account and replaced in place', async () => {
    const acme = (await store.accountByHandle('acme'))!;
    const globex = (await store.accountByHandle('globex'))!;
    await store.putSecret(acme.id, 'pagerduty', 'sealed-1', NOW);
    await store.putSecret(acme.id, 'pagerduty', 'sealed-2', NOW);
    expect(await replica.getSecret(acme.id, 'pagerduty')).toBe('sealed-2');
    expect(await store.getSecret(globex.id, 'pagerduty')).toBeUndefined();
  });

  it('start refuses a database migrated by a newer neptune', async () => {
    await (
      a.db as never as import('kysely').Kysely<{ kysely_migration: { name: string; timestamp: string } }>
    )
      .insertInto('kysely_migration')
      .values({ name: '9999_future', timestamp: NOW })
      .execute();
    await expect(checkSchema(b.db as never, b.engine)).rejects.toMatchObject({ code: 'SERVER_SCHEMA_NEWER' });
  });
});

describe('database targets', () => {
  it('SQLite in the data directory by default; postgres:// URLs; anything else is a config error (78)', () => {
    expect(parseTarget(undefined, '/d')).toEqual({ engine: 'sqlite', file: '/d/neptune.db' });
    expect(parseTarget('postgres://u@h/db', '/d')).toEqual({ engine: 'postgres', url: 'postgres://u@h/db' });
    expect(() => parseTarget('mysql://h/db', '/d')).toThrow(expect.objectContaining({ kind: 'config' }));
    expect(() => parseTarget('not a url', '/d')).toThrow(
      expect.objectContaining({ code: 'SERVER_DATABASE_URL_INVALID' }),
    );
  });

  it('an unreachable PostgreSQL is 69 and the password is not in the message', async () => {
    const error = await openDatabase({ engine: 'postgres', url: 'postgres://u:s3cret@127.0.0.1:1/db' }).catch(
      (e) => e,
    );
    expect(error).toMatchObject({ kind: 'unavailable', code: 'SERVER_DATABASE_UNREACHABLE' });
    expect(error.message).not.toContain('s3cret');
  });
});
