/**
 * Versioned schema migrations, applied in order by `server init` and checked by `server start`. Written with
 * kysely's schema builder so one definition serves SQLite and PostgreSQL. Never edit a released migration: add one.
 */
import { type Kysely, sql } from 'kysely';
import { type Migration, Migrator } from 'kysely/migration';
import { agentsMigration } from '../dispatch/migration';
import { remedDispatchMigration } from './remed-dispatch-schema';
import { remediationMigration } from './remed-schema';

export type Engine = 'sqlite' | 'postgres';

const initial = (engine: Engine): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('accounts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('handle', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('email', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('invite_hash', 'text', (c) => c.unique())
      .addColumn('invite_expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('users_account_email', ['account_id', 'email'])
      .execute();
    await db.schema
      .createTable('api_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('prefix', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('lifetime_seconds', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('revoked_at', 'text')
      .execute();
    await db.schema
      .createIndex('api_keys_account')
      .on('api_keys')
      .columns(['account_id', 'user_id'])
      .execute();
    await db.schema
      .createTable('device_codes')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('device_hash', 'text', (c) => c.notNull().unique())
      .addColumn('user_code', 'text', (c) => c.notNull().unique())
      .addColumn('client_name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('account_id', 'text', (c) => c.references('accounts.id').onDelete('cascade'))
      .addColumn('user_id', 'text', (c) => c.references('users.id').onDelete('cascade'))
      .addColumn('interval_seconds', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_polled_at', 'text')
      .execute();
    await db.schema
      .createTable('throttle')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('throttle_expiry').on('throttle').column('expires_at').execute();
    await db.schema
      .createTable('secrets')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('sealed', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('secrets_pk', ['account_id', 'name'])
      .execute();
    await db.schema
      .createTable('audit_events')
      // SQLite's INTEGER PRIMARY KEY is its rowid, which numbers itself.
      .addColumn('id', engine === 'postgres' ? sql`bigint` : sql`integer`, (c) =>
        engine === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey(),
      )
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('audit_account').on('audit_events').columns(['account_id', 'id']).execute();
  },
});

export function migrations(engine: Engine): Record<string, Migration> {
  return {
    '0001_initial': initial(engine),
    '0002_agents': agentsMigration(engine),
    '0008_remediation': remediationMigration(engine),
    '0009_remed_dispatch': remedDispatchMigration(),
  };
}

export function migrator(db: Kysely<unknown>, engine: Engine): Migrator {
  return new Migrator({ db, provider: { getMigrations: async () => migrations(engine) } });
}
