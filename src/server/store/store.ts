/**
 * The store: every query the server makes, through kysely, the same on SQLite and PostgreSQL. Every method that
 * reads or changes an account's data takes the account id and filters on it: tenant isolation lives here.
 */
import type { Kysely, Selectable } from 'kysely';
import type { ApiKeysTable, Database, DeviceCodesTable, UsersTable } from './schema';

export type UserRow = Selectable<UsersTable>;
export type KeyRow = Selectable<ApiKeysTable>;
export type DeviceRow = Selectable<DeviceCodesTable>;
export type KeyWithEmail = KeyRow & { user_email: string };

/** What authentication needs for one request, in one query. */
export interface AuthRow {
  key_id: string;
  key_name: string;
  prefix: string;
  scopes: string;
  origin: string;
  expires_at: string;
  revoked_at: string | null;
  last_used_at: string | null;
  account_id: string;
  account_handle: string;
  user_id: string;
  user_email: string;
  user_role: string;
  user_status: string;
}

export interface AuditEvent {
  accountId: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  details?: Record<string, unknown>;
}

export class Store {
  constructor(readonly db: Kysely<Database>) {}

  /** Runs `fn` in one transaction (serialised on SQLite, READ COMMITTED on PostgreSQL). */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new Store(trx)));
  }

  async ping(): Promise<void> {
    await this.db.selectFrom('accounts').select('id').limit(1).execute();
  }

  // accounts

  async createAccount(id: string, handle: string, now: string): Promise<void> {
    await this.db.insertInto('accounts').values({ id, handle, created_at: now }).execute();
  }

  accountByHandle(handle: string) {
    return this.db.selectFrom('accounts').selectAll().where('handle', '=', handle).executeTakeFirst();
  }

  // users

  async insertUser(row: UserRow): Promise<void> {
    await this.db.insertInto('users').values(row).execute();
  }

  usersOf(accountId: string): Promise<UserRow[]> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('email')
      .execute();
  }

  userByEmail(accountId: string, email: string): Promise<UserRow | undefined> {
    return this.db
      .selectFrom('users')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('email', '=', email)
      .executeTakeFirst();
  }

  userByInviteHash(hash: string): Promise<UserRow | undefined> {
    return this.db.selectFrom('users').selectAll().where('invite_hash', '=', hash).executeTakeFirst();
  }

  /** Activates an invited user, once: false if another request got there first. */
  async activateUser(userId: string): Promise<boolean> {
    const result = await this.db
      .updateTable('users')
      .set({ status: 'active', invite_hash: null, invite_expires_at: null })
      .where('id', '=', userId)
      .where('status', '=', 'invited')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async setRole(accountId: string, userId: string, role: string): Promise<void> {
    await this.db
      .updateTable('users')
      .set({ role })
      .where('account_id', '=', accountId)
      .where('id', '=', userId)
      .execute();
  }

  async deleteUser(accountId: string, userId: string): Promise<void> {
    await this.db.deleteFrom('users').where('account_id', '=', accountId).where('id', '=', userId).execute();
  }

  async adminCount(accountId: string): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('role', '=', 'admin')
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  // API keys

  async insertKey(row: KeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  authByKeyHash(hash: string): Promise<AuthRow | undefined> {
    return this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .innerJoin('accounts as a', 'a.id', 'k.account_id')
      .select([
        'k.id as key_id',
        'k.name as key_name',
        'k.prefix',
        'k.scopes',
        'k.origin',
        'k.expires_at',
        'k.revoked_at',
        'k.last_used_at',
        'a.id as account_id',
        'a.handle as account_handle',
        'u.id as user_id',
        'u.email as user_email',
        'u.role as user_role',
        'u.status as user_status',
      ])
      .where('k.hash', '=', hash)
      .executeTakeFirst();
  }

  async touchKey(keyId: string, now: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
  }

  keysOf(accountId: string, userId?: string): Promise<KeyWithEmail[]> {
    let query = this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .selectAll('k')
      .select('u.email as user_email')
      .where('k.account_id', '=', accountId);
    if (userId) query = query.where('k.user_id', '=', userId);
    return query.orderBy('k.created_at').orderBy('k.id').execute();
  }

  keyById(accountId: string, keyId: string): Promise<KeyWithEmail | undefined> {
    return this.db
      .selectFrom('api_keys as k')
      .innerJoin('users as u', 'u.id', 'k.user_id')
      .selectAll('k')
      .select('u.email as user_email')
      .where('k.account_id', '=', accountId)
      .where('k.id', '=', keyId)
      .executeTakeFirst();
  }

  /** Revokes a live key; false if it was already revoked (or is not the account's). */
  async revokeKey(accountId: string, keyId: string, now: string): Promise<boolean> {
    const result = await this.db
      .updateTable('api_keys')
      .set({ revoked_at: now })
      .where('account_id', '=', accountId)
      .where('id', '=', keyId)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  // device authorization (RFC 8628)

  async insertDevice(row: DeviceRow): Promise<void> {
    await this.db.insertInto('device_codes').values(row).execute();
  }

  deviceByUserCode(userCode: string): Promise<DeviceRow | undefined> {
    return this.db
      .selectFrom('device_codes')
      .selectAll()
      .where('user_code', '=', userCode)
      .executeTakeFirst();
  }

  deviceByHash(hash: string): Promise<DeviceRow | undefined> {
    return this.db.selectFrom('device_codes').selectAll().where('device_hash', '=', hash).executeTakeFirst();
  }

  /** Records the user's decision on a pending code; false if it was no longer pending. */
  async decideDevice(id: string, status: 'approved' | 'denied', accountId: string, userId: string) {
    const result = await this.db
      .updateTable('device_codes')
      .set({ status, account_id: accountId, user_id: userId })
      .where('id', '=', id)
      .where('status', '=', 'pending')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async markPolled(id: string, now: string, intervalSeconds: number): Promise<void> {
    await this.db
      .updateTable('device_codes')
      .set({ last_polled_at: now, interval_seconds: intervalSeconds })
      .where('id', '=', id)
      .execute();
  }

  /** Claims an approved code for issuing its key, once across all replicas. */
  async consumeDevice(id: string): Promise<boolean> {
    const result = await this.db
      .updateTable('device_codes')
      .set({ status: 'consumed' })
      .where('id', '=', id)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async purgeDevices(now: string): Promise<void> {
    await this.db.deleteFrom('device_codes').where('expires_at', '<', now).execute();
  }

  // throttling: fixed windows counted in the database, so that every replica sees the same counts

  /** Adds `by` to a counter and returns its new value (atomic on both engines, whichever replica adds). */
  async hit(key: string, expiresAt: string, by = 1): Promise<number> {
    const row = await this.db
      .insertInto('throttle')
      .values({ key, count: by, expires_at: expiresAt })
      .onConflict((oc) => oc.column('key').doUpdateSet((eb) => ({ count: eb('throttle.count', '+', by) })))
      .returning('count')
      .executeTakeFirstOrThrow();
    return Number(row.count);
  }

  async peek(key: string): Promise<number> {
    const row = await this.db
      .selectFrom('throttle')
      .select('count')
      .where('key', '=', key)
      .executeTakeFirst();
    return Number(row?.count ?? 0);
  }

  async purgeThrottle(now: string): Promise<void> {
    await this.db.deleteFrom('throttle').where('expires_at', '<', now).execute();
  }

  // secrets, sealed by the caller (src/server/sealing.ts)

  async putSecret(accountId: string, name: string, sealed: string, now: string): Promise<void> {
    await this.db
      .insertInto('secrets')
      .values({ account_id: accountId, name, sealed, updated_at: now })
      .onConflict((oc) => oc.columns(['account_id', 'name']).doUpdateSet({ sealed, updated_at: now }))
      .execute();
  }

  async getSecret(accountId: string, name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('secrets')
      .select('sealed')
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.sealed;
  }

  // audit

  async appendAudit(event: AuditEvent): Promise<void> {
    await this.db
      .insertInto('audit_events')
      .values({
        account_id: event.accountId,
        at: event.at,
        actor: event.actor,
        action: event.action,
        target: event.target,
        details: JSON.stringify(event.details ?? {}),
      })
      .execute();
  }

  auditOf(accountId: string) {
    return this.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('id')
      .execute();
  }
}
