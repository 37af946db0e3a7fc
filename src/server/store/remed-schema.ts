/**
 * The remediation tables (issue 8): the hash-chained audit, alerts, runbook versions, rules, decisions and
 * maintenance windows. Added to the store's Database type by module augmentation so schema.ts stays untouched.
 * Migration `0008_remediation` (remed-migration.ts) creates them.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';
import type { Engine } from './migrations';

export interface AuditRowsTable {
  account_id: string;
  seq: number;
  at: string;
  actor: string;
  action: string;
  target: string;
  /** JSON object */
  details: string;
  prev_hash: string;
  hash: string;
}

export interface AuditCheckpointsTable {
  account_id: string;
  seq: number;
  at: string;
  /** the whole signed checkpoint as JSON */
  body: string;
}

export interface AlertsTable {
  id: string;
  account_id: string;
  source: string;
  name: string;
  severity: string;
  host: string | null;
  /** JSON object of strings */
  labels: string;
  fingerprint: string;
  /** the payload as received (JSON text, or the raw text) */
  raw: string;
  status: string;
  received_at: string;
  last_seen_at: string;
  count: number;
  /** 1 when it arrived during a maintenance window */
  maintenance: number;
}

export interface RunbooksTable {
  account_id: string;
  name: string;
  version: number;
  sha256: string;
  filename: string;
  script: string;
  sidecar: string | null;
  /** the parsed manifest, JSON */
  manifest: string;
  /** the detached signature file, JSON text, when one was pushed */
  signature: string | null;
  /** {errors, warnings, ..., profile, forced} */
  lint: string;
  pushed_by: string;
  pushed_at: string;
}

export interface RulesTable {
  id: string;
  account_id: string;
  name: string;
  /** the rule's definition (rules.ts RuleSpec), JSON */
  spec: string;
  consecutive_failures: number;
  breaker_open_at: string | null;
  /** bumped by every evaluation: the row lock that serialises caps across replicas */
  eval_seq: number;
  created_at: string;
  updated_at: string;
}

export interface DecisionsTable {
  id: string;
  account_id: string;
  rule_name: string;
  alert_id: string;
  /** decided | skipped | refused */
  status: string;
  reason: string | null;
  runbook: string;
  runbook_version: number;
  /** the cap key: `host:<name>` or `tags:<a,b>` */
  target: string;
  /** JSON: { mode, batchSize } */
  execution: string;
  /** JSON object */
  params: string;
  /** the action request id the sink answered, if any */
  action_id: string | null;
  created_at: string;
}

export interface MaintenanceTable {
  id: string;
  account_id: string;
  /** JSON string arrays; both empty: the whole account */
  hosts: string;
  tags: string;
  starts_at: string;
  ends_at: string | null;
  ended_at: string | null;
  created_by: string;
}

declare module './schema' {
  interface Database {
    audit_rows: AuditRowsTable;
    audit_checkpoints: AuditCheckpointsTable;
    alerts: AlertsTable;
    runbooks: RunbooksTable;
    rules: RulesTable;
    decisions: DecisionsTable;
    maintenance: MaintenanceTable;
  }
}

export const remediationMigration = (_engine: Engine): Migration => ({
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('audit_rows')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('details', 'text', (c) => c.notNull())
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_rows_pk', ['account_id', 'seq'])
      .execute();
    await db.schema
      .createTable('audit_checkpoints')
      .addColumn('account_id', 'text', (c) => c.notNull())
      .addColumn('seq', 'integer', (c) => c.notNull())
      .addColumn('at', 'text', (c) => c.notNull())
      .addColumn('body', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_checkpoints_pk', ['account_id', 'seq'])
      .execute();
    await db.schema
      .createTable('alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('host', 'text')
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('fingerprint', 'text', (c) => c.notNull())
      .addColumn('raw', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('count', 'integer', (c) => c.notNull())
      .addColumn('maintenance', 'integer', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('alerts_fingerprint')
      .on('alerts')
      .columns(['account_id', 'fingerprint', 'last_seen_at'])
      .execute();
    await db.schema
      .createIndex('alerts_received')
      .on('alerts')
      .columns(['account_id', 'received_at'])
      .execute();
    await db.schema
      .createTable('runbooks')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('sha256', 'text', (c) => c.notNull())
      .addColumn('filename', 'text', (c) => c.notNull())
      .addColumn('script', 'text', (c) => c.notNull())
      .addColumn('sidecar', 'text')
      .addColumn('manifest', 'text', (c) => c.notNull())
      .addColumn('signature', 'text')
      .addColumn('lint', 'text', (c) => c.notNull())
      .addColumn('pushed_by', 'text', (c) => c.notNull())
      .addColumn('pushed_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('runbooks_pk', ['account_id', 'name', 'version'])
      .execute();
    await db.schema
      .createTable('rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('consecutive_failures', 'integer', (c) => c.notNull())
      .addColumn('breaker_open_at', 'text')
      .addColumn('eval_seq', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addUniqueConstraint('rules_account_name', ['account_id', 'name'])
      .execute();
    await db.schema
      .createTable('decisions')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('rule_name', 'text', (c) => c.notNull())
      .addColumn('alert_id', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('runbook', 'text', (c) => c.notNull())
      .addColumn('runbook_version', 'integer', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('execution', 'text', (c) => c.notNull())
      .addColumn('params', 'text', (c) => c.notNull())
      .addColumn('action_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('decisions_caps')
      .on('decisions')
      .columns(['account_id', 'rule_name', 'target', 'status', 'created_at'])
      .execute();
    await db.schema
      .createTable('maintenance')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('hosts', 'text', (c) => c.notNull())
      .addColumn('tags', 'text', (c) => c.notNull())
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text')
      .addColumn('ended_at', 'text')
      .addColumn('created_by', 'text', (c) => c.notNull())
      .execute();
  },
});
