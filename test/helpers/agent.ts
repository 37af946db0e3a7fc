/**
 * One real agent for end-to-end suites: an enrollment token from the server, `neptune agent enroll`, then
 * `neptune agent start` as its own process with the short retry timers of the tests (docs/agent.md) and no AWS
 * lookup. Its log (JSON lines on stderr) is kept; `died` says why it exited, if it did.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { BIN, cliEnv, runCli, tempHome } from './cli';
import type { StartedServer } from './server';

export interface StartedAgent {
  child: ChildProcess;
  stateDir: string;
  logs(): string;
  /** Why the agent exited, once it has (undefined while it runs). */
  died(): string | undefined;
  /** SIGTERM (drain), SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export async function startAgent(
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
  const child = spawn(
    BIN,
    ['agent', 'start', '--state-dir', stateDir, '--concurrency', String(options.concurrency ?? 4)],
    {
      env: cliEnv(home, {
        NEPTUNE_AGENT_IMDS: 'off',
        NEPTUNE_AGENT_START_DELAY: '0',
        NEPTUNE_AGENT_POLL_BACKOFF_CAP: '500ms',
        NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP: '500ms',
        NEPTUNE_AGENT_CONFIG: path.join(options.work, 'no-agent.yaml'),
      }),
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    log += d;
  });
  let died: string | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      died = `agent exited (${code ?? signal}):\n${log.slice(-4000)}`;
      resolve();
    }),
  );
  return {
    child,
    stateDir,
    logs: () => log,
    died: () => died,
    async stop(graceMs = 20_000) {
      if (died) return;
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        exited.then(() => true),
        new Promise<boolean>((r) => setTimeout(() => r(false), graceMs)),
      ]);
      if (!stopped) child.kill('SIGKILL');
    },
  };
}
