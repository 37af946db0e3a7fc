/**
 * The environment a runbook gets. Alert values and parameters arrive as NP_* variables (the original agent's
 * convention, e.g. NP_TRIGGER_HOST) and are passed only as environment variables, never templated into the
 * script, so a hostile alert value cannot become code. Names are checked against the protocol's pattern; values may
 * hold anything but a NUL byte (execve cannot carry one).
 *
 * Nothing else of the agent's own environment is inherited except PATH and the locale: the agent's NEPTUNE_*
 * settings (an enrollment token among them) never reach a runbook.
 */
import { ENV_NAME_PATTERN, MAX_ENV_VALUE_BYTES, MAX_ENV_VARS } from '../api/agent-wire';

const ENV_NAME = new RegExp(ENV_NAME_PATTERN);
export const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
const INHERITED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export interface RunUser {
  name: string;
  home: string;
  shell: string;
}

export type EnvCheck = { ok: true } | { ok: false; message: string };

/** Checks the NP_* values of an assignment: names, count, sizes, no NUL. */
export function checkParameters(values: Record<string, unknown>): EnvCheck {
  const entries = Object.entries(values);
  if (entries.length > MAX_ENV_VARS) return { ok: false, message: `more than ${MAX_ENV_VARS} parameters` };
  for (const [name, value] of entries) {
    if (!ENV_NAME.test(name))
      return {
        ok: false,
        message: `parameter name ${JSON.stringify(name.slice(0, 80))} is not NP_[A-Z0-9_]+`,
      };
    if (typeof value !== 'string') return { ok: false, message: `parameter ${name} is not a string` };
    if (value.includes('\0')) return { ok: false, message: `parameter ${name} contains a NUL byte` };
    if (Buffer.byteLength(value) > MAX_ENV_VALUE_BYTES)
      return { ok: false, message: `parameter ${name} is longer than ${MAX_ENV_VALUE_BYTES} bytes` };
  }
  return { ok: true };
}

export function runbookEnv({
  values,
  base,
  user,
  actionId,
  tmpDir,
}: {
  values: Record<string, string>;
  base: NodeJS.ProcessEnv;
  user: RunUser;
  actionId: string;
  tmpDir: string;
}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = base[name];
    if (value) env[name] = value;
  }
  env.PATH ??= DEFAULT_PATH;
  Object.assign(env, {
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    SHELL: user.shell,
    TMPDIR: tmpDir,
    NEPTUNE_ACTION_ID: actionId,
  });
  for (const [name, value] of Object.entries(values)) env[name] = value;
  return env;
}
