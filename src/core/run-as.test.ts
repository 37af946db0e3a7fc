import { describe, expect, it } from 'vitest';
import { DEFAULT_AGENT_USER, DEFAULT_ALLOW_RUN_AS, runAsPermitted } from './run-as';

describe('the run_as policy (one for the trust check and the executor)', () => {
  it('default: the agent user only, nobody else, never root', () => {
    expect(DEFAULT_ALLOW_RUN_AS).toEqual([]);
    expect(runAsPermitted(DEFAULT_AGENT_USER).ok).toBe(true);
    expect(runAsPermitted('postgres').ok).toBe(false);
    expect(runAsPermitted('root').ok).toBe(false);
    expect(runAsPermitted('0').ok).toBe(false);
  });

  it('a listed user is allowed; root only when listed, even for an agent that runs as root', () => {
    expect(runAsPermitted('postgres', ['postgres'], 'neptune').ok).toBe(true);
    expect(runAsPermitted('deploy', ['postgres'], 'neptune')).toEqual({
      ok: false,
      reason: 'run_as deploy is not allowed on this host (allow-run-as: postgres)',
    });
    expect(runAsPermitted('root', [], 'root').ok).toBe(false);
    expect(runAsPermitted('root', ['root'], 'root').ok).toBe(true);
    expect(runAsPermitted('ops', [], 'ops').ok).toBe(true);
  });
});
