/**
 * From the protocol's `assign` message to what the runner executes. The checks here need nothing but the message
 * itself and the clock; they run before the ledger is asked, in this order:
 *
 * - the message validates against the contract (`ActionAssignment`; the server's word is not trusted);
 * - the script's SHA-256 equals the signed `scriptSha256` (a body altered after signing is refused);
 * - the customer signature checks out: `verifySignature`, injected (the runbook signing module verifies it against
 *   /etc/neptune/trust.jwks); without one, nothing runs;
 * - `notAfter` has not passed (a stale delivery after an outage does not fire a remediation hours late);
 * - the timeout and the output cap stay within the host's limits.
 *
 * A refusal here maps to an ack `reject` with its reason; the action id is not claimed.
 */
import { createHash } from 'node:crypto';
import { Value } from 'typebox/value';
import { ActionAssignment, type RejectReason, type SignedRunbook } from '../api/agent-protocol';
import type { Assignment } from './actions';

export const MAX_TIMEOUT_MS = 24 * 3_600_000;

export type SignatureCheck = (runbook: SignedRunbook, assignment: ActionAssignment) => Promise<boolean>;

export type Prepared =
  | { ok: true; assignment: Assignment }
  | { ok: false; rejectReason: RejectReason; message: string };

export async function prepareAssignment(
  message: unknown,
  options: { verifySignature: SignatureCheck; now?: Date; maxOutputCapBytes?: number },
): Promise<Prepared> {
  if (!Value.Check(ActionAssignment, message)) {
    const first = [...Value.Errors(ActionAssignment, message)][0];
    return {
      ok: false,
      rejectReason: 'bad_parameters',
      message: `the assignment does not match the protocol${first ? ` (${first.instancePath || '/'}: ${first.message})` : ''}`,
    };
  }
  const a = message;
  const digest = createHash('sha256').update(a.runbook.script, 'utf8').digest('hex');
  if (digest !== a.runbook.scriptSha256) {
    return {
      ok: false,
      rejectReason: 'signature_rejected',
      message: 'the script does not match its signed SHA-256',
    };
  }
  if (!(await options.verifySignature(a.runbook, a).catch(() => false))) {
    return {
      ok: false,
      rejectReason: 'signature_rejected',
      message: 'the runbook signature is not from a trusted key',
    };
  }
  const now = options.now ?? new Date();
  if (Date.parse(a.notAfter) <= now.getTime()) {
    return { ok: false, rejectReason: 'expired', message: `the action expired at ${a.notAfter}` };
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
      env: a.env,
      timeoutMs,
      killGraceMs: a.killGraceSeconds * 1000,
      outputCapBytes: Math.min(a.outputCapBytes, options.maxOutputCapBytes ?? a.outputCapBytes),
      runAs: a.runAs,
      runbook: { id: a.runbook.runbookId, version: a.runbook.version, name: a.runbook.name },
    },
  };
}
