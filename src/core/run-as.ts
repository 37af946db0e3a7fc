/**
 * The one run_as policy of a host (decision 0504): which users a runbook may run as there. The agent's local
 * `allow-run-as` list (agent.yaml, NEPTUNE_AGENT_ALLOW_RUN_AS) is the only input; the server and a runbook's signer
 * cannot widen it. Used by the signed-runbook trust check (src/runbook/signing/trust.ts, and `runbook verify
 * --run-as`) and by the agent's executor (src/agent/run-as.ts), so both decide the same way:
 *
 * - the agent's own user: always (no switch), except root;
 * - any other user, and root even when the agent runs as root: only when listed;
 * - default list: empty. An agent runs runbooks as itself (user `neptune` under `agent install`) and as nobody else.
 *
 * Switching to a listed user further needs an agent that runs as root (the executor checks that).
 */
export const DEFAULT_ALLOW_RUN_AS: readonly string[] = [];

/** The user an agent runs as when installed as a service (`agent install`), and the signer's default run_as. */
export const DEFAULT_AGENT_USER = 'neptune';

export const isRoot = (user: string) => user === 'root' || user === '0';

export function runAsPermitted(
  requested: string,
  allowRunAs: readonly string[] = DEFAULT_ALLOW_RUN_AS,
  agentUser: string = DEFAULT_AGENT_USER,
): { ok: true } | { ok: false; reason: string } {
  if (allowRunAs.includes(requested)) return { ok: true };
  if (isRoot(requested))
    return { ok: false, reason: 'this agent runs nothing as root unless its allow-run-as lists root' };
  if (requested === agentUser) return { ok: true };
  return {
    ok: false,
    reason: `run_as ${requested} is not allowed on this host (allow-run-as: ${allowRunAs.length ? allowRunAs.join(', ') : 'none'})`,
  };
}
