/**
 * From the protocol's `assign` message to what the runner executes. In this order, before the ledger is asked:
 *
 * - the message validates against the contract (`ActionAssignment`; the server's word is not trusted);
 * - `notAfter` has not passed (a delivery stale after an outage does not fire a remediation hours late);
 * - the trust check passes: `checkTrust`, injected — src/runbook/signing `checkTrust` against /etc/neptune/trust.jwks
 *   (signature, trusted key, script SHA-256, validity, run_as, host scope, params schema, caps). It returns the
 *   params to pass, signed defaults filled in; without a trust check nothing runs;
 * - the params become environment variables: `NP_` + the name in upper case (src/runbook/manifest.ts
 *   `paramEnvName`), two names that land on one variable are refused;
 * - the timeout and the output cap stay within the host's limits.
 *
 * A refusal maps to an ack `reject` with its reason; the action id is not claimed.
 */
import type { ActionAssignment, RejectReason } from '../api/agent-protocol';
import type { Assignment } from './actions';
import { assignmentProblem } from './contract';

export const MAX_TIMEOUT_MS = 24 * 3_600_000;

export type TrustCheck = (
  assignment: ActionAssignment,
) => Promise<{ ok: true; params: Record<string, string> } | { ok: false; code: string; reason: string }>;

export type Prepared =
  | { ok: true; assignment: Assignment }
  | { ok: false; rejectReason: RejectReason; message: string };

/** The protocol's reject reason for a refusal code of src/runbook/signing (REFUSAL_CODES). */
export function rejectReasonOf(code: string): RejectReason {
  switch (code) {
    case 'run_as_not_allowed':
      return 'run_as_refused';
    case 'param_out_of_schema':
    case 'host_out_of_scope':
      return 'bad_parameters';
    case 'cap_exceeded':
      return 'cap_exceeded';
    default:
      // unsigned, bad_signature, unknown_key, wrong_runbook, not_yet_valid, expired, script_changed, and anything new.
      return 'signature_rejected';
  }
}

/** `host` → `NP_HOST`; `NP_HOST` stays. */
export function paramEnvName(name: string): string {
  return name.startsWith('NP_') ? name : `NP_${name.toUpperCase()}`;
}

export async function prepareAssignment(
  message: unknown,
  options: { checkTrust: TrustCheck; now?: Date; maxOutputCapBytes?: number },
): Promise<Prepared> {
  const problem = assignmentProblem(message);
  if (problem) {
    return {
      ok: false,
      rejectReason: 'bad_parameters',
      message: `the assignment does not match the protocol (${problem})`,
    };
  }
  const a = message as ActionAssignment;
  const now = options.now ?? new Date();
  if (Date.parse(a.notAfter) <= now.getTime()) {
    return { ok: false, rejectReason: 'expired', message: `the action expired at ${a.notAfter}` };
  }
  const trust = await options.checkTrust(a).catch((error: unknown) => ({
    ok: false as const,
    code: 'bad_signature',
    reason: `the trust check failed: ${(error as Error).message}`,
  }));
  // The message starts with the stable refusal code (src/runbook/signing REFUSAL_CODES): the server audits it.
  if (!trust.ok)
    return { ok: false, rejectReason: rejectReasonOf(trust.code), message: `${trust.code}: ${trust.reason}` };
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(trust.params)) {
    const variable = paramEnvName(name);
    if (variable in env) {
      return { ok: false, rejectReason: 'bad_parameters', message: `two parameters arrive as ${variable}` };
    }
    env[variable] = value;
  }
  const timeoutMs = a.timeoutSeconds * 1000;
  if (timeoutMs > MAX_TIMEOUT_MS) {
    return { ok: false, rejectReason: 'bad_parameters', message: 'the timeout is longer than 24 h' };
  }
  return {
    ok: true,
    assignment: {
      actionId: a.actionId,
      script: a.runbook.script,
      env,
      timeoutMs,
      killGraceMs: a.killGraceSeconds * 1000,
      outputCapBytes: Math.min(a.outputCapBytes, options.maxOutputCapBytes ?? a.outputCapBytes),
      runAs: a.runAs,
      runbook: { id: a.runbook.runbookId, version: a.runbook.version, name: a.runbook.name },
    },
  };
}
