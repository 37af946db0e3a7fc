/**
 * The rules engine's side of dispatch (decision 0804): decided runs become actions for agents, action results
 * reach the rule's circuit breaker, and host tags come from the enrolled agents.
 *
 * - `dispatchSink`: a decided run → `Dispatch.createRun` with the pushed version's script and signature file, its
 *   timeout and run_as (the signed statement's, else the manifest's), the params (checked again against the
 *   signed schema when there is one), the decisions' hosts, and rolling batches. A host that is not enrolled,
 *   or a run dispatch refuses, is audited (`rule.dispatch_failed`); the decision stays as decided.
 * - `breakerListener`: an action of a decision that settles → `recordResult` (succeeded resets the count; failed,
 *   timeout, interrupted and rejected count as failures; cancelled counts as neither).
 * - `hostDirectory`: a host's tags (from the newest enrollment of that host name), and the hosts with a tag.
 */
import type { Manifest } from '../../runbook/manifest';
import { durationSeconds } from '../../runbook/manifest';
import { parseSignatureFile, type RunbookStatement } from '../../runbook/signing/statement';
import { checkParams } from '../../runbook/signing/trust';
import type { AuditEntry } from '../context';
import { ApiError } from '../errors';
import { type ActionSink, type EngineDeps, type HostDirectory, recordResult } from '../rules/engine';
import type { RemedStore } from '../store/remed-store';
import type { Dispatch, SettledListener } from './dispatch';

/** Without a timeout in the manifest or statement: ten minutes. */
export const DEFAULT_REMEDIATION_TIMEOUT_SECONDS = 600;

const FAILED = new Set(['failed', 'timeout', 'interrupted', 'rejected']);

interface Deps {
  dispatch: Dispatch;
  store: RemedStore;
  audit: (entry: AuditEntry) => Promise<void>;
}

function statementOf(signature: string | null): RunbookStatement | undefined {
  if (signature === null) return undefined;
  const parsed = parseSignatureFile(signature);
  return parsed.ok ? parsed.file.statement : undefined;
}

export function dispatchSink({ dispatch, store, audit }: Deps): ActionSink {
  return {
    async enqueue(accountId, request) {
      const actor = `rule:${request.rule}`;
      const failed = async (decisions: string[], code: string, message: string) =>
        audit({
          accountId,
          actor,
          action: 'rule.dispatch_failed',
          target: `runbook:${request.runbook.name}@${request.runbook.version}`,
          details: { decisions, code, message, alert: request.alertId },
        });
      const runbook = await store.runbookVersion(accountId, request.runbook.name, request.runbook.version);
      if (!runbook) {
        await failed(request.decisionIds, 'runbook_missing', 'the pushed runbook version is gone');
        return undefined;
      }
      const manifest = JSON.parse(runbook.manifest) as Manifest;
      const statement = statementOf(runbook.signature);
      let params = request.params;
      if (statement) {
        // The engine checked the manifest's schema; the agent will check the signed one: refuse here what it would.
        const checked = checkParams(statement, params);
        if (!checked.ok) {
          await failed(request.decisionIds, checked.code, checked.reason);
          return undefined;
        }
        params = checked.params;
      }
      // Named hosts that are not enrolled cannot get an action: audited, the others still run.
      const hostDecisions = new Map(request.targets.hosts.map((h, i) => [h, request.decisionIds[i]!]));
      const known = await dispatch.enrolledNames(accountId, request.targets.hosts);
      const missing = request.targets.hosts.filter((h) => !known.has(h));
      if (missing.length > 0)
        await failed(
          missing.map((h) => hostDecisions.get(h)!),
          'host_not_enrolled',
          `no enrolled host named ${missing.join(', ')}`,
        );
      const hosts = request.targets.hosts.filter((h) => known.has(h));
      if (hosts.length === 0) return undefined;
      const timeout =
        statement?.timeout ?? durationSeconds(manifest.timeout) ?? DEFAULT_REMEDIATION_TIMEOUT_SECONDS;
      try {
        const actions = await dispatch.createRun(
          accountId,
          actor,
          {
            runbook: { name: runbook.name, script: runbook.script, signature: runbook.signature },
            hosts,
            tags: [],
            params,
            timeoutSeconds: Math.min(86_400, Math.max(1, timeout)),
          },
          {
            runAs: statement?.run_as ?? manifest.run_as ?? null,
            decisionFor: (host) => hostDecisions.get(host),
            ...(request.execution.mode === 'rolling' ? { batchSize: request.execution.batchSize } : {}),
          },
        );
        const byDecision: Record<string, string> = {};
        for (const a of actions) {
          const decision = hostDecisions.get(a.host);
          if (decision && !byDecision[decision]) byDecision[decision] = a.id;
        }
        return { actionId: actions[0]?.id, byDecision };
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        await failed(request.decisionIds, error.code, error.message);
        return undefined;
      }
    },
  };
}

/** Results of remediation actions → the rule's breaker (K consecutive failures open it). */
export function breakerListener(deps: Pick<EngineDeps, 'store' | 'audit' | 'now'>): SettledListener {
  return async (action, status) => {
    if (!action.decision_id || status === 'cancelled') return;
    await recordResult(deps, action.account_id, action.decision_id, !FAILED.has(status));
  };
}

export function hostDirectory(dispatch: Dispatch): HostDirectory {
  return {
    tagsOf: (accountId, host) => dispatch.tagsOf(accountId, host),
    tagged: (accountId, tags) => dispatch.taggedHosts(accountId, tags),
  };
}
