/**
 * Migration `0009_remed_dispatch`: what connects rule decisions to dispatch (decision 0804). Actions remember the
 * decision they carry out (`decision_id`: results reach the rule's circuit breaker), the user the signed statement
 * names (`run_as`), and for a rolling run their rollout and batch (`rollout_id`, `batch`: a later batch waits in
 * `held` until the earlier one succeeded). `account_settings` holds per-account settings such as the lint profile
 * runbook pushes are checked under.
 */
import type { Kysely } from 'kysely';
import type { Migration } from 'kysely/migration';

export interface AccountSettingsTable {
  account_id: string;
  name: string;
  value: string;
  updated_at: string;
  updated_by: string;
}

declare module './schema' {
  interface Database {
    account_settings: AccountSettingsTable;
  }
}

export const remedDispatchMigration = (): Migration => ({
  async up(db: Kysely<unknown>) {
    for (const column of ['decision_id', 'run_as', 'rollout_id'])
      await db.schema.alterTable('actions').addColumn(column, 'text').execute();
    await db.schema.alterTable('actions').addColumn('batch', 'integer').execute();
    await db.schema.createIndex('actions_rollout').on('actions').columns(['rollout_id', 'batch']).execute();
    await db.schema
      .createTable('account_settings')
      .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('account_settings_pk', ['account_id', 'name'])
      .execute();
  },
});
