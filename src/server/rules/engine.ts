/**
 * Rule evaluation: for one stored alert, every enabled rule that matches it yields decisions, one per target:
 * `decided` (handed to the ActionSink: dispatch implements it), `skipped` (cap_exceeded, cooldown, breaker_open,
 * maintenance, no_target) or `refused` (param_out_of_schema, runbook_missing). Every decision is stored and
 * audited; a skipped or refused one is never queued. Caps are counted in the store inside a transaction that
 * holds the rule's row lock, so they hold across replicas.
 */
import { randomUUID } from 'node:crypto';
import type { Manifest } from '../../runbook/manifest';
import { checkParams } from '../../runbook/signing/trust';
import type { AuditEntry } from '../context';
import type { NormalAlert } from '../ingest/normalise';
import type { DecisionRow, MaintenanceRow, RemedStore, RuleRow, RunbookRow } from '../store/remed-store';
import { capsOf, compileMatcher, type RuleSpec, renderParams, targetsOf } from './spec';

/** What a decided run asks dispatch to do. */
export interface ActionRequest {
  /** the decisions this request carries out: one per host, in the order of targets.hosts */
  decisionIds: string[];
  rule: string;
  alertId: string;
  runbook: { name: string; version: number; sha256: string };
  /** the decided hosts (the alert's, the rule's named hosts, or the enrolled hosts with the rule's tags) */
  targets: { hosts: string[] };
  params: Record<string, string>;
  execution: { mode: 'parallel' | 'rolling'; batchSize: number };
}

/**
 * Implemented by dispatch (src/server/dispatch/remediation.ts): queue the actions. Each decision gets its own
 * action's id (`byDecision`), else the answer's `actionId`.
 */
export interface ActionSink {
  enqueue(
    accountId: string,
    request: ActionRequest,
  ): Promise<{ actionId?: string; byDecision?: Record<string, string> } | undefined>;
}

/** Keeps the decision only (no dispatch wired in): for tests of the engine alone. */
export const ledgerSink: ActionSink = { enqueue: async () => undefined };

/** Records what it was asked, for tests. */
export class RecordingSink implements ActionSink {
  readonly requests: { accountId: string; request: ActionRequest }[] = [];
  async enqueue(accountId: string, request: ActionRequest) {
    this.requests.push({ accountId, request });
    return { actionId: `act_${this.requests.length}` };
  }
}

/** The enrolled hosts, for tag targets and maintenance windows by tag (dispatch owns the host registry). */
export interface HostDirectory {
  /** the tags of the newest enrollment of a host name; none when unknown */
  tagsOf(accountId: string, host: string): Promise<string[]>;
  /** the names of the enrolled hosts carrying any of the tags, sorted */
  tagged(accountId: string, tags: string[]): Promise<string[]>;
}

export const noHosts: HostDirectory = { tagsOf: async () => [], tagged: async () => [] };

export interface EngineDeps {
  store: RemedStore;
  audit: (entry: AuditEntry) => Promise<void>;
  sink: ActionSink;
  hosts: HostDirectory;
  now: () => Date;
}

interface Compiled {
  updatedAt: string;
  spec: RuleSpec;
  matches: (a: NormalAlert) => boolean;
}

const compiled = new Map<string, Compiled>();

function compile(row: RuleRow): Compiled {
  const hit = compiled.get(row.id);
  if (hit && hit.updatedAt === row.updated_at) return hit;
  const spec = JSON.parse(row.spec) as RuleSpec;
  const entry = { updatedAt: row.updated_at, spec, matches: compileMatcher(spec) };
  if (compiled.size > 50_000) compiled.clear();
  compiled.set(row.id, entry);
  return entry;
}

export interface EvaluatedAlert {
  id: string;
  alert: NormalAlert;
  maintenance: boolean;
  /** the account's maintenance windows in force (read once per request) */
  windows: MaintenanceRow[];
}

/** Whether one of the maintenance windows in force covers the host (or the whole account). */
export async function inMaintenance(
  deps: Pick<EngineDeps, 'hosts'>,
  accountId: string,
  windows: MaintenanceRow[],
  host: string | null,
): Promise<boolean> {
  if (windows.length === 0) return false;
  let tags: string[] | undefined;
  for (const w of windows) {
    const hosts = JSON.parse(w.hosts) as string[];
    const wtags = JSON.parse(w.tags) as string[];
    if (hosts.length === 0 && wtags.length === 0) return true;
    if (host && hosts.includes(host)) return true;
    if (host && wtags.length > 0) {
      tags ??= await deps.hosts.tagsOf(accountId, host);
      if (wtags.some((t) => tags?.includes(t))) return true;
    }
  }
  return false;
}

/** Each account's compiled rules, reused while the rule set's fingerprint (count, last change) is the same. */
const ruleSets = new Map<string, { version: string; rules: { row: RuleRow; rule: Compiled }[] }>();

async function rulesFor(store: RemedStore, accountId: string) {
  const version = await store.rulesVersion(accountId);
  const hit = ruleSets.get(accountId);
  if (hit && hit.version === version) return hit.rules;
  const rows = await store.rulesOf(accountId);
  const rules = rows.map((row) => ({ row, rule: compile(row) }));
  if (ruleSets.size > 10_000) ruleSets.clear();
  ruleSets.set(accountId, { version, rules });
  return rules;
}

export async function evaluate(
  deps: EngineDeps,
  accountId: string,
  input: EvaluatedAlert,
): Promise<DecisionRow[]> {
  const out: DecisionRow[] = [];
  for (const { row, rule } of await rulesFor(deps.store, accountId)) {
    if (rule.spec.enabled === false || !rule.matches(input.alert)) continue;
    // The cached row's breaker state may be old: read the rule again (only rules that match get here).
    const fresh = await deps.store.ruleByName(accountId, row.name);
    if (!fresh) continue;
    out.push(...(await decide(deps, accountId, fresh, rule.spec, input)));
  }
  return out;
}

async function decide(
  deps: EngineDeps,
  accountId: string,
  row: RuleRow,
  spec: RuleSpec,
  input: EvaluatedAlert,
): Promise<DecisionRow[]> {
  const now = deps.now();
  const at = now.toISOString();
  const version = spec.runbook.version ?? 0;
  const execution = {
    mode: spec.execution?.mode ?? 'parallel',
    batchSize: spec.execution?.batchSize ?? (spec.execution?.mode === 'rolling' ? 1 : 100),
  };
  const tags = spec.targets.tags ?? [];
  const found = targetsOf(spec, input.alert, tags.length > 0 ? await deps.hosts.tagged(accountId, tags) : []);
  const base = (target: string, status: string, reason: string | null, params: Record<string, string>) => ({
    id: randomUUID(),
    account_id: accountId,
    rule_name: spec.name,
    alert_id: input.id,
    status,
    reason,
    runbook: spec.runbook.name,
    runbook_version: version,
    target,
    execution: JSON.stringify(execution),
    params: JSON.stringify(params),
    action_id: null,
    created_at: at,
  });
  const finish = async (rows: DecisionRow[], details: Record<string, unknown> = {}) => {
    for (const d of rows) {
      await deps.store.insertDecision(d);
      await auditDecision(deps, d, details);
    }
    return rows;
  };
  if (found.length === 0) return finish([base('none', 'skipped', 'no_target', {})]);
  if (input.maintenance) return finish(found.map((t) => base(t.key, 'skipped', 'maintenance', {})));
  // The alert's host may be out of maintenance while a target host (named, or found by tag) is in it.
  const targets: typeof found = [];
  const resting: DecisionRow[] = [];
  for (const t of found)
    if (await inMaintenance(deps, accountId, input.windows, t.host))
      resting.push(base(t.key, 'skipped', 'maintenance', {}));
    else targets.push(t);
  const rested = await finish(resting);
  if (targets.length === 0) return rested;
  const byTarget = new Map([...rested, ...(await decideTargets())].map((d) => [d.target, d]));
  return found.map((t) => byTarget.get(t.key)!);

  async function decideTargets(): Promise<DecisionRow[]> {
    if (row.breaker_open_at) return finish(targets.map((t) => base(t.key, 'skipped', 'breaker_open', {})));
    const runbook = await runbookOf(deps.store, accountId, spec.runbook.name, version);
    if (!runbook) return finish(targets.map((t) => base(t.key, 'refused', 'runbook_missing', {})));
    const manifest = JSON.parse(runbook.manifest) as Manifest;
    const rendered = renderParams(spec, input.alert);
    const checked = checkParams({ params: manifest.params ?? {} } as never, rendered);
    if (!checked.ok) {
      // The offending value is audited as received (it is alert data, not a secret) so the attempt is visible.
      return finish(
        targets.map((t) => base(t.key, 'refused', 'param_out_of_schema', {})),
        { message: checked.reason, params: rendered },
      );
    }
    const caps = capsOf(spec);
    const decided = await deps.store.transaction(async (trx) => {
      const locked = await trx.lockRule(accountId, spec.name);
      const rows: DecisionRow[] = [];
      for (const t of targets) {
        let status = 'decided';
        let reason: string | null = null;
        if (locked?.breaker_open_at) [status, reason] = ['skipped', 'breaker_open'];
        else {
          const since = new Date(now.getTime() - caps.perSeconds * 1000).toISOString();
          const count = await trx.decidedSince(accountId, spec.name, t.key, since);
          if (count >= caps.max) [status, reason] = ['skipped', 'cap_exceeded'];
          else if (caps.cooldownSeconds > 0) {
            const last = await trx.lastDecided(accountId, spec.name, t.key);
            if (last && now.getTime() - Date.parse(last) < caps.cooldownSeconds * 1000)
              [status, reason] = ['skipped', 'cooldown'];
          }
        }
        const d = base(t.key, status, reason, status === 'decided' ? checked.params : {});
        await trx.insertDecision(d);
        rows.push(d);
      }
      return rows;
    });
    // decided[i] is the decision for targets[i].
    const go = decided.flatMap((d, i) => (d.status === 'decided' ? [{ d, host: targets[i]!.host }] : []));
    if (go.length > 0) {
      const answer = await deps.sink.enqueue(accountId, {
        decisionIds: go.map((g) => g.d.id),
        rule: spec.name,
        alertId: input.id,
        runbook: { name: runbook.name, version: runbook.version, sha256: runbook.sha256 },
        targets: { hosts: go.map((g) => g.host) },
        params: checked.params,
        execution,
      });
      for (const { d } of go) {
        const actionId = answer?.byDecision?.[d.id] ?? answer?.actionId;
        if (!actionId) continue;
        d.action_id = actionId;
        await deps.store.setDecisionAction(accountId, d.id, actionId);
      }
    }
    for (const d of decided) await auditDecision(deps, d, {});
    return decided;
  }
}

/** Runbook versions are immutable: once read, a version is kept (bounded). */
const runbooks = new Map<string, RunbookRow>();

async function runbookOf(store: RemedStore, accountId: string, name: string, version: number) {
  const key = `${accountId}\0${name}\0${version}`;
  const hit = runbooks.get(key);
  if (hit) return hit;
  const row = await store.runbookVersion(accountId, name, version);
  if (row) {
    if (runbooks.size > 10_000) runbooks.clear();
    runbooks.set(key, row);
  }
  return row;
}

async function auditDecision(deps: EngineDeps, d: DecisionRow, extra: Record<string, unknown>) {
  await deps.audit({
    accountId: d.account_id,
    actor: `rule:${d.rule_name}`,
    action: `rule.${d.status}`,
    target: d.target,
    details: {
      decision: d.id,
      alert: d.alert_id,
      runbook: `${d.runbook}@${d.runbook_version}`,
      ...(d.reason ? { reason: d.reason } : {}),
      ...(d.status === 'decided' ? { params: JSON.parse(d.params) } : {}),
      ...(d.action_id ? { action: d.action_id } : {}),
      ...extra,
    },
  });
}

/**
 * For dispatch: the outcome of a decided run. K consecutive failures (the rule's breakerAfter) open the
 * breaker: the rule decides nothing until `rules enable` closes it. A success resets the count.
 */
export async function recordResult(
  deps: Pick<EngineDeps, 'store' | 'audit' | 'now'>,
  accountId: string,
  decisionId: string,
  ok: boolean,
): Promise<{ failures: number; breakerOpen: boolean } | null> {
  const decision = await deps.store.decisionById(accountId, decisionId);
  if (!decision) return null;
  // The audit row is written after the transaction: on SQLite the store has one connection.
  const result = await deps.store.transaction(async (trx) => {
    const rule = await trx.lockRule(accountId, decision.rule_name);
    if (!rule) return null;
    const { breakerAfter } = capsOf(JSON.parse(rule.spec) as RuleSpec);
    const failures = ok ? 0 : rule.consecutive_failures + 1;
    const opens = !rule.breaker_open_at && failures >= breakerAfter;
    const openAt = rule.breaker_open_at ?? (opens ? deps.now().toISOString() : null);
    await trx.setBreaker(accountId, rule.name, failures, openAt);
    return { rule: rule.name, failures, opens, breakerOpen: openAt !== null };
  });
  if (!result) return null;
  if (result.opens)
    await deps.audit({
      accountId,
      actor: `rule:${result.rule}`,
      action: 'rule.breaker_opened',
      target: `rule:${result.rule}`,
      details: { failures: result.failures, decision: decisionId },
    });
  return { failures: result.failures, breakerOpen: result.breakerOpen };
}
