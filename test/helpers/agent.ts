/**
 * A real `neptune agent start` for end-to-end tests, with short retry timers (NEPTUNE_AGENT_START_DELAY=0, poll and
 * upload backoff caps 500 ms; documented in docs/agent.md), and `until`, which polls a condition.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, cliEnv } from './cli';

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
