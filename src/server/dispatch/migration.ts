/**
 * Migration 0002: the agent protocol's tables. Enrollment tokens and access tokens are stored as SHA-256 hashes
 * only; actions are the per-account, per-host queue (status + lease), with their output chunks and the agents'
 * pending poll messages.
 */
import { type ColumnDefinitionBuilder, type Kysely, sql } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Engine } from '../store/migrations';

export const agentsMigration = (engine: Engine): Migration => ({
  async up(db: Kysely<unknown>) {
    // Message ids must never be reused (the agent's cursor acknowledges everything up to an id): AUTOINCREMENT on
    // SQLite (a plain rowid reuses the highest id once it is deleted), an identity column on PostgreSQL.
    const serial = (c: ColumnDefinitionBuilder) =>
      engine === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement();
    const idType = engine === 'postgres' ? sql`bigint` : sql`integer`;
    await db.schema
      .createTable('enrollment_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('hash', 'text', (c) => c.notNull().unique())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('uses_left', 'integer', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('hostname', 'text', (c) => c.notNull())
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('facts', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('allow_unsigned', 'integer', (c) => c.notNull())
      .addColumn('draining', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('enrolled_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text')
      .addColumn('running', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('agents_account').on('agents').columns(['account_id', 'hostname']).execute();
    await db.schema
      .createTable('agent_tokens')
      .addColumn('hash', 'text', (c) => c.primaryKey())
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('agent_assertions')
      .addColumn('jti', 'text', (c) => c.primaryKey())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('actions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('runbook_name', 'text', (c) => c.notNull())
      .addColumn('script', 'text', (c) => c.notNull())
      .addColumn('signature', 'text')
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('timeout_seconds', 'integer', (c) => c.notNull())
      .addColumn('kill_grace_seconds', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('not_after', 'text', (c) => c.notNull())
      .addColumn('assigned_at', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .addColumn('lease_expires_at', 'text')
      .addColumn('deliveries', 'integer', (c) => c.notNull())
      .addColumn('cancel_requested', 'integer', (c) => c.notNull())
      .addColumn('token_hash', 'text')
      .addColumn('exit_code', 'integer')
      .addColumn('signal', 'text')
      .addColumn('reason', 'text')
      .addColumn('output_bytes', 'integer', (c) => c.notNull())
      .addColumn('truncated', 'integer', (c) => c.notNull())
      .addColumn('finish', 'text')
      .execute();
    await db.schema
      .createIndex('actions_queue')
      .on('actions')
      .columns(['agent_id', 'status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('actions_account')
      .on('actions')
      .columns(['account_id', 'created_at'])
      .execute();
    await db.schema
      .createTable('action_output')
      .addColumn('action_id', 'text', (c) => c.notNull().references('actions.id').onDelete('cascade'))
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('stream', 'text', (c) => c.notNull())
      .addColumn('offset', 'integer', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('action_output_pk', ['action_id', 'seq'])
      .execute();
    await db.schema
      .createTable('agent_messages')
      .addColumn('id', idType, serial)
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('action_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('agent_messages_agent')
      .on('agent_messages')
      .columns(['agent_id', 'id'])
      .execute();
  },
});
