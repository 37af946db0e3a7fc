/**
 * The remediation store: every query of the audit chain, alerts, runbooks, rules, decisions and maintenance, all
 * scoped by account id. Works over a Kysely instance or a transaction, the same on SQLite and PostgreSQL.
 */
import type { Kysely, Selectable } from 'kysely';
import type { AuditStore } from '../../audit/chain';
import type { Checkpoint } from '../../audit/checkpoint';
import type { AuditRow } from '../../audit/row';
import type {
  AlertsTable,
  AuditRowsTable,
  DecisionsTable,
  MaintenanceTable,
  RulesTable,
  RunbooksTable,
} from './remed-schema';
import './remed-schema';
import './remed-dispatch-schema';
import type { Database } from './schema';

export type AlertRow = Selectable<AlertsTable>;
export type RunbookRow = Selectable<RunbooksTable>;
export type RuleRow = Selectable<RulesTable>;
export type DecisionRow = Selectable<DecisionsTable>;
export type MaintenanceRow = Selectable<MaintenanceTable>;

export class RemedStore implements AuditStore {
  constructor(readonly db: Kysely<Database>) {}

  transaction<T>(fn: (store: RemedStore) => Promise<T>): Promise<T> {
    return this.db.transaction().execute((trx) => fn(new RemedStore(trx)));
  }

  // audit chain (src/audit AuditStore)

  async lastRow(account: string): Promise<AuditRow | null> {
    const row = await this.db
      .selectFrom('audit_rows')
      .selectAll()
      .where('account_id', '=', account)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? toAuditRow(row) : null;
  }

  async lastCheckpoint(account: string): Promise<Checkpoint | null> {
    const row = await this.db
      .selectFrom('audit_checkpoints')
      .select('body')
      .where('account_id', '=', account)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? (JSON.parse(row.body) as Checkpoint) : null;
  }

  async insertRow(row: AuditRow): Promise<void> {
    await this.db
      .insertInto('audit_rows')
      .values({
        account_id: row.account,
        seq: row.seq,
        at: row.at,
        actor: row.actor,
        action: row.action,
        target: row.target,
        details: JSON.stringify(row.details),
        prev_hash: row.prevHash,
        hash: row.hash,
      })
      .execute();
  }

  async insertCheckpoint(cp: Checkpoint): Promise<void> {
    await this.db
      .insertInto('audit_checkpoints')
      .values({ account_id: cp.account, seq: cp.seq, at: cp.at, body: JSON.stringify(cp) })
      .onConflict((oc) => oc.columns(['account_id', 'seq']).doNothing())
      .execute();
  }

  async auditRows(account: string, options: { since?: string; afterSeq?: number; limit?: number } = {}) {
    let q = this.db.selectFrom('audit_rows').selectAll().where('account_id', '=', account);
    if (options.since) q = q.where('at', '>=', options.since);
    if (options.afterSeq !== undefined) q = q.where('seq', '>', options.afterSeq);
    q = q.orderBy('seq');
    if (options.limit) q = q.limit(options.limit);
    return (await q.execute()).map(toAuditRow);
  }

  async checkpoints(account: string): Promise<Checkpoint[]> {
    const rows = await this.db
      .selectFrom('audit_checkpoints')
      .select('body')
      .where('account_id', '=', account)
      .orderBy('seq')
      .execute();
    return rows.map((r) => JSON.parse(r.body) as Checkpoint);
  }

  async auditAccounts(): Promise<string[]> {
    const rows = await this.db.selectFrom('audit_rows').select('account_id').distinct().execute();
    return rows.map((r) => r.account_id);
  }

  // alerts

  async insertAlert(row: AlertRow): Promise<void> {
    await this.db.insertInto('alerts').values(row).execute();
  }

  /** The alert with this fingerprint last seen at or after `since`, if any. */
  recentByFingerprint(accountId: string, fingerprint: string, since: string): Promise<AlertRow | undefined> {
    return this.db
      .selectFrom('alerts')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('fingerprint', '=', fingerprint)
      .where('last_seen_at', '>=', since)
      .orderBy('last_seen_at', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  async foldAlert(accountId: string, id: string, now: string, status: string): Promise<void> {
    await this.db
      .updateTable('alerts')
      .set((eb) => ({ count: eb('count', '+', 1), last_seen_at: now, status }))
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  alertsOf(accountId: string, limit = 100): Promise<AlertRow[]> {
    return this.db
      .selectFrom('alerts')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('received_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
  }

  // runbooks

  latestRunbook(accountId: string, name: string): Promise<RunbookRow | undefined> {
    return this.db
      .selectFrom('runbooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .orderBy('version', 'desc')
      .limit(1)
      .executeTakeFirst();
  }

  runbookVersion(accountId: string, name: string, version: number): Promise<RunbookRow | undefined> {
    return this.db
      .selectFrom('runbooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  /** Versions are immutable: a row is only ever inserted, and (account, name, version) is unique. */
  async insertRunbook(row: RunbookRow): Promise<void> {
    await this.db.insertInto('runbooks').values(row).execute();
  }

  runbooksOf(accountId: string): Promise<RunbookRow[]> {
    return this.db
      .selectFrom('runbooks')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('name')
      .orderBy('version')
      .execute();
  }

  // account settings (account_settings, migration 0009)

  async setting(accountId: string, name: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('account_settings')
      .select('value')
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row?.value;
  }

  async putSetting(accountId: string, name: string, value: string, by: string, now: string): Promise<void> {
    await this.db
      .insertInto('account_settings')
      .values({ account_id: accountId, name, value, updated_at: now, updated_by: by })
      .onConflict((oc) =>
        oc.columns(['account_id', 'name']).doUpdateSet({ value, updated_at: now, updated_by: by }),
      )
      .execute();
  }

  // rules

  rulesOf(accountId: string): Promise<RuleRow[]> {
    return this.db
      .selectFrom('rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .orderBy('name')
      .execute();
  }

  /** A cheap fingerprint of the account's rule set (count and last change), for the evaluator's cache. */
  async rulesVersion(accountId: string): Promise<string> {
    const row = await this.db
      .selectFrom('rules')
      .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('updated_at').as('last')])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return `${Number(row?.n ?? 0)}:${row?.last ?? ''}`;
  }

  ruleByName(accountId: string, name: string): Promise<RuleRow | undefined> {
    return this.db
      .selectFrom('rules')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
  }

  async insertRule(row: RuleRow): Promise<void> {
    await this.db.insertInto('rules').values(row).execute();
  }

  async updateRuleSpec(accountId: string, name: string, spec: string, now: string): Promise<void> {
    await this.db
      .updateTable('rules')
      .set({ spec, updated_at: now })
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .execute();
  }

  async deleteRule(accountId: string, name: string): Promise<boolean> {
    const r = await this.db
      .deleteFrom('rules')
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
    return Number(r.numDeletedRows) === 1;
  }

  /**
   * Takes the rule's row lock for this transaction (PostgreSQL: the UPDATE's row lock; SQLite: the write lock)
   * and returns the current row: evaluations of one rule are serialised across replicas.
   */
  async lockRule(accountId: string, name: string): Promise<RuleRow | undefined> {
    await this.db
      .updateTable('rules')
      .set((eb) => ({ eval_seq: eb('eval_seq', '+', 1) }))
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .execute();
    return this.ruleByName(accountId, name);
  }

  async setBreaker(accountId: string, name: string, failures: number, openAt: string | null): Promise<void> {
    await this.db
      .updateTable('rules')
      .set({ consecutive_failures: failures, breaker_open_at: openAt })
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .execute();
  }

  // decisions

  async insertDecision(row: DecisionRow): Promise<void> {
    await this.db.insertInto('decisions').values(row).execute();
  }

  async setDecisionAction(accountId: string, id: string, actionId: string): Promise<void> {
    await this.db
      .updateTable('decisions')
      .set({ action_id: actionId })
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .execute();
  }

  decisionById(accountId: string, id: string): Promise<DecisionRow | undefined> {
    return this.db
      .selectFrom('decisions')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
  }

  /** Decided runs of a rule on a target since `since`: the cap count. */
  async decidedSince(accountId: string, rule: string, target: string, since: string): Promise<number> {
    const row = await this.db
      .selectFrom('decisions')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('account_id', '=', accountId)
      .where('rule_name', '=', rule)
      .where('target', '=', target)
      .where('status', '=', 'decided')
      .where('created_at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async lastDecided(accountId: string, rule: string, target: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('decisions')
      .select('created_at')
      .where('account_id', '=', accountId)
      .where('rule_name', '=', rule)
      .where('target', '=', target)
      .where('status', '=', 'decided')
      .orderBy('created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.created_at;
  }

  decisionsOf(accountId: string, options: { alertId?: string; limit?: number } = {}): Promise<DecisionRow[]> {
    let q = this.db.selectFrom('decisions').selectAll().where('account_id', '=', accountId);
    if (options.alertId) q = q.where('alert_id', '=', options.alertId);
    return q
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(options.limit ?? 200)
      .execute();
  }

  // maintenance

  async insertMaintenance(row: MaintenanceRow): Promise<void> {
    await this.db.insertInto('maintenance').values(row).execute();
  }

  /** Windows in force at `now`. */
  activeMaintenance(accountId: string, now: string): Promise<MaintenanceRow[]> {
    return this.db
      .selectFrom('maintenance')
      .selectAll()
      .where('account_id', '=', accountId)
      .where('ended_at', 'is', null)
      .where('starts_at', '<=', now)
      .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
      .orderBy('starts_at')
      .execute();
  }

  /** Ends every window in force; returns how many. */
  async endMaintenance(accountId: string, now: string): Promise<number> {
    const r = await this.db
      .updateTable('maintenance')
      .set({ ended_at: now })
      .where('account_id', '=', accountId)
      .where('ended_at', 'is', null)
      .where((eb) => eb.or([eb('ends_at', 'is', null), eb('ends_at', '>', now)]))
      .executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}

function toAuditRow(row: AuditRowsTable): AuditRow {
  return {
    account: row.account_id,
    seq: Number(row.seq),
    at: row.at,
    actor: row.actor,
    action: row.action,
    target: row.target,
    details: JSON.parse(row.details) as Record<string, unknown>,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
