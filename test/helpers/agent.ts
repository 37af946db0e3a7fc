/**
 * A real `neptune agent start` for end-to-end tests, with short retry timers (NEPTUNE_AGENT_START_DELAY=0, poll and
 * upload backoff caps 500 ms; documented in docs/agent.md), and `until`, which polls a condition. enrollAndStart
 * does the whole way from a server: an enrollment token, `neptune agent enroll`, then the daemon.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, cliEnv, runCli, tempHome } from './cli';
import type { StartedServer } from './server';

export interface RunningAgent {
  name: string;
  stateDir: string;
  child: ChildProcess;
  logs(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `fn` every 200 ms until it returns a value (not undefined). */
export async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export function startAgent(options: {
  name: string;
  home: string;
  stateDir: string;
  /** a directory for the (absent) agent.yaml */
  work: string;
  args?: string[];
  env?: Record<string, string>;
}): RunningAgent {
  const child = spawn(BIN, ['agent', 'start', '--state-dir', options.stateDir, ...(options.args ?? [])], {
    env: cliEnv(options.home, {
      NEPTUNE_AGENT_START_DELAY: '0',
      NEPTUNE_AGENT_POLL_BACKOFF_CAP: '500ms',
      NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP: '500ms',
      NEPTUNE_AGENT_CONFIG: path.join(options.work, 'no-agent.yaml'),
      NEPTUNE_AGENT_KILL_GRACE: '1s',
      ...options.env,
    }),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { name: options.name, stateDir: options.stateDir, child, logs: () => stderr, exited };
}

export interface StartedAgent extends RunningAgent {
  /** Why the agent exited, once it has (undefined while it runs). */
  died(): string | undefined;
  /** SIGTERM (drain), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

/** Enrolls a host (unsigned work allowed, no AWS lookup) on `server` and starts its agent. */
export async function enrollAndStart(
  server: StartedServer,
  options: { work: string; hostname: string; concurrency?: number },
): Promise<StartedAgent> {
  const home = tempHome();
  const user = { NEPTUNE_API_URL: server.url, NEPTUNE_CA_FILE: server.caFile, NEPTUNE_TOKEN: server.apiKey };
  const token = await runCli(['hosts', 'token', 'create', '--json'], { env: user, home });
  if (token.code !== 0) throw new Error(`hosts token create: ${token.stderr}`);
  const stateDir = path.join(options.work, `agent-${options.hostname}`);
  const enrolled = await runCli(
    ['agent', 'enroll', '--state-dir', stateDir, '--hostname', options.hostname, '--allow-unsigned'],
    {
      env: { ...user, NEPTUNE_AGENT_IMDS: 'off', NEPTUNE_AGENT_ENROLL_TOKEN: JSON.parse(token.stdout).token },
      home,
    },
  );
  if (enrolled.code !== 0) throw new Error(`agent enroll: ${enrolled.stderr}`);
  const agent = startAgent({
    name: options.hostname,
    home,
    stateDir,
    work: options.work,
    args: ['--concurrency', String(options.concurrency ?? 4)],
    env: { NEPTUNE_AGENT_IMDS: 'off' },
  });
  let died: string | undefined;
  const exited = agent.exited.then(({ code, signal }) => {
    died = `agent exited (${code ?? signal}):\n${agent.logs().slice(-4000)}`;
  });
  return {
    ...agent,
    died: () => died,
    async stop(graceMs = 20_000) {
      if (died) return;
      agent.child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), graceMs)),
      ]);
      if (!stopped) agent.child.kill('SIGKILL');
    },
  };
}
