/**
 * `neptune agent start` runs from its own bundle (src/agent/main.ts, decision 0505); NEPTUNE_NO_FAST_PATH=1 makes
 * the launcher take the full CLI's oclif command instead. Both paths must behave alike: the same flags, errors, exit
 * codes and output for good and bad argv, and the same daemon. From source, and with NEPTUNE_BIN the executable.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enrollAndStart, type RunningAgent, startAgent, until } from './helpers/agent';
import { runCli, tempHome } from './helpers/cli';
import { type StartedServer, startServer } from './helpers/server';

const T = 120_000;
const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-agent-start-'));
const OCLIF = { NEPTUNE_NO_FAST_PATH: '1' };

/** RssAnon of a process, MiB: the memory the agent itself made (its code, heap and buffers). */
function anonMiB(pid: number): number {
  return Number(/RssAnon:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) / 1024;
}

// 22 argv, each twice: a few minutes on a loaded 2-core machine running the executable.
describe('agent start: the agent bundle and the oclif command', { timeout: 4 * T }, () => {
  it('give the same stdout, stderr and exit code for the same argv', async () => {
    const state = path.join(work, 'not-enrolled');
    const badYaml = path.join(work, 'bad.yaml');
    writeFileSync(badYaml, 'concurrency: [1\n');
    const unknownKey = path.join(work, 'unknown.yaml');
    writeFileSync(unknownKey, 'colour: blue\n');
    const noConfig = path.join(work, 'none.yaml');
    const table: { args: string[]; env?: Record<string, string> }[] = [
      // Parsed by the agent bundle; the run fails in the shared code.
      { args: ['--state-dir', state] },
      { args: [`--state-dir=${state}`, '--concurrency', 'many'] },
      { args: ['--state-dir', state, '--kill-grace', 'soon', '-q'] },
      { args: ['--state-dir', state, '--drain-timeout=1parsec', '--no-color'] },
      { args: ['--state-dir', state, '--output-cap', 'lots', '--debug'] },
      { args: ['--state-dir', state, '--legacy-config', path.join(work, 'missing.json')] },
      { args: ['--state-dir', state, '--config', badYaml] },
      { args: ['--state-dir', state, '--config', unknownKey, '--color'] },
      { args: ['--state-dir', state], env: { NEPTUNE_AGENT_CONFIG: badYaml } },
      {
        args: ['--state-dir', state, '--ca-file', '/nonexistent/ca.pem', '--api-url', 'https://127.0.0.1:1'],
      },
      { args: ['--state-dir', '/proc/neptune-no-such-dir'] },
      // Declined by the agent bundle: oclif parses and judges.
      { args: ['--help'] },
      { args: ['-h'] },
      { args: ['--bogus'] },
      { args: ['--state-dir'] },
      { args: ['--state-dir', ''] },
      { args: ['--state-dir', state, '--state-dir', state] },
      { args: ['--state-dir', state, 'extra'] },
      { args: ['--json', '--state-dir', state] },
      { args: ['--quiet', '-q', '--state-dir', state] },
      { args: ['--color', '--no-color', '--state-dir', state] },
      { args: ['--state-dir', state, '--', 'x'] },
    ];
    for (const { args, env } of table) {
      const base = { NEPTUNE_AGENT_CONFIG: noConfig, ...env };
      const [fast, oclif] = await Promise.all([
        runCli(['agent', 'start', ...args], { env: base }),
        runCli(['agent', 'start', ...args], { env: { ...base, ...OCLIF } }),
      ]);
      // A --debug stack names different bundles; the lines a user reads must match.
      const shown = (stderr: string) => (args.includes('--debug') ? stderr.split('\n').slice(0, 2) : stderr);
      expect({ args, env, code: fast.code, stdout: fast.stdout, stderr: shown(fast.stderr) }).toEqual({
        args,
        env,
        code: oclif.code,
        stdout: oclif.stdout,
        stderr: shown(oclif.stderr),
      });
      if (!args.some((a) => a === '--help' || a === '-h')) expect(fast.code, args.join(' ')).not.toBe(0);
    }
  });
});

describe('agent start: a running agent on either path', { timeout: 3 * T }, () => {
  let server: StartedServer;
  const agents: RunningAgent[] = [];

  beforeAll(async () => {
    server = await startServer();
  }, T);
  afterAll(async () => {
    for (const a of agents) if (a.child.exitCode === null) a.child.kill('SIGKILL');
    await server?.stop();
  });

  it('connects, drains on SIGINT and exits 0; the agent bundle without the full CLI', async () => {
    const dir = path.join(work, 'running');
    mkdirSync(dir, { recursive: true });
    const fast = await enrollAndStart(server, { work: dir, hostname: 'start-fast' });
    agents.push(fast);
    const oclif = startAgent({
      name: 'start-fast',
      home: tempHome(),
      stateDir: fast.stateDir,
      work: dir,
      env: { ...OCLIF, NEPTUNE_AGENT_IMDS: 'off' },
    });
    agents.push(oclif);
    const memory: Record<string, number> = {};
    for (const [name, agent] of [
      ['fast', fast],
      ['oclif', oclif],
    ] as const) {
      await until(`${name} connected`, async () =>
        agent.logs().includes('"msg":"connected"') ? true : undefined,
      );
      memory[name] = anonMiB(agent.child.pid!);
      agent.child.kill('SIGINT');
      expect(await agent.exited, `${name}: ${agent.logs().slice(-2000)}`).toEqual({ code: 0, signal: null });
      const messages = agent
        .logs()
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages, name).toEqual(
        expect.arrayContaining(['connected', 'signal', 'drained', 'agent stopped']),
      );
    }
    // The point of the bundle: oclif, fastify, kysely, undici… are not in the daemon's memory.
    expect(memory.fast!, JSON.stringify(memory)).toBeLessThan(memory.oclif! - 5);
  });
});
