/**
 * The agent end to end, through the real CLI (from source, and as the executable in `npm run test:exe`): a real
 * server (test/helpers/server.ts), an enrollment token, two enrolled agents running `neptune agent start`, and
 * `neptune run` / `neptune actions` against them: both hosts succeed, a failing host makes run exit 1, a long action
 * is cancelled, a timeout kills a process tree that ignores SIGTERM, output over the cap is truncated and marked,
 * the server is SIGKILLed mid-action and the result still arrives after its restart, the agent opens no listening
 * socket, credentials do not cross between the user API and the agent API, a conflicting finish is a 409 that is
 * audited, and the first SIGTERM drains.
 *
 * The agents use short retry timers for speed (NEPTUNE_AGENT_START_DELAY=0, NEPTUNE_AGENT_POLL_BACKOFF_CAP=500ms,
 * NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP=500ms; documented in docs/agent.md) and skip the AWS lookup (NEPTUNE_AGENT_IMDS=off).
 */
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentKey } from '../src/agent/identity';
import { listeningSockets } from '../src/agent/sockets';
import { AgentApiError, AgentTransport } from '../src/agent/transport';
import { HttpClient } from '../src/core/http';
import { type RunningAgent, sleep, startAgent as startAgentProcess, until } from './helpers/agent';
import { runCli, tempHome } from './helpers/cli';
import { POSTGRES_SKIP_REASON, type StartedServer, startServer, testEngines } from './helpers/server';

const T = 120_000;

/** Alive: the pid exists and is not a zombie (a killed child waits for its reaper for a moment). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

describe('agent end to end: server, two agents, run, actions', () => {
  let server: StartedServer;
  let home: string;
  let work: string;
  let env: Record<string, string>;
  const agents: RunningAgent[] = [];

  const cli = (args: string[], extra: Record<string, string> = {}) =>
    runCli(args, { env: { ...env, ...extra }, home, timeoutMs: T });
  const json = async <J = any>(args: string[]) => {
    const r = await cli([...args, '--json']);
    if (r.code !== 0 && r.code !== 1)
      throw new Error(`${args.join(' ')} → ${r.code}: ${r.stderr}${r.stdout}`);
    return { ...r, body: JSON.parse(r.stdout) as J };
  };
  const script = (name: string, text: string) => {
    const file = path.join(work, name);
    writeFileSync(file, text);
    return file;
  };
  const action = async (id: string) => (await json(['actions', 'show', id])).body;

  const startAgent = (name: string, stateDir: string, extraArgs: string[] = []): RunningAgent => {
    const agent = startAgentProcess({ name, home, stateDir, work, args: extraArgs });
    agents.push(agent);
    return agent;
  };

  beforeAll(async () => {
    server = await startServer();
    home = tempHome();
    work = mkdtempSync(path.join(os.tmpdir(), 'neptune-dispatch-'));
    env = {
      NEPTUNE_API_URL: server.url,
      NEPTUNE_CA_FILE: server.caFile,
      NEPTUNE_TOKEN: server.apiKey,
      NEPTUNE_AGENT_IMDS: 'off',
    };
    const token = await json<{ token: string; usesLeft: number; expiresAt: string }>([
      'hosts',
      'token',
      'create',
      '--uses',
      '2',
      '--ttl',
      '1h',
      '--tags',
      'web',
    ]);
    expect(token.code).toBe(0);
    expect(token.body.token).toMatch(/^nepe_/);
    expect(token.body.usesLeft).toBe(2);
    for (const [name, extra] of [
      ['web-1', []],
      ['web-2', ['--output-cap', '2KiB']],
    ] as const) {
      const stateDir = path.join(work, name);
      const enrolled = await cli(
        ['agent', 'enroll', '--state-dir', stateDir, '--hostname', name, '--tags', name, '--allow-unsigned'],
        { NEPTUNE_AGENT_ENROLL_TOKEN: token.body.token },
      );
      expect(enrolled.code, enrolled.stderr).toBe(0);
      startAgent(name, stateDir, [...extra]);
    }
    // A third enrollment with the same (two-use) token is refused.
    const third = await cli(
      ['agent', 'enroll', '--state-dir', path.join(work, 'web-3'), '--allow-unsigned'],
      {
        NEPTUNE_AGENT_ENROLL_TOKEN: token.body.token,
      },
    );
    expect(third.code).toBe(77);
    expect(third.stderr).toMatch(/enrollment token is not valid/);
    expect(third.stderr).not.toMatch(/\n\s+at /);
    await until('both agents online', async () => {
      const hosts = (await json(['hosts', 'list'])).body.hosts as { status: string }[];
      return hosts.length === 2 && hosts.every((h) => h.status === 'online') ? true : undefined;
    });
  }, 240_000);

  afterAll(async () => {
    for (const a of agents)
      if (a.child.exitCode === null && a.child.signalCode === null) a.child.kill('SIGKILL');
    await server?.dispose();
  });

  it(
    'hosts list and show: online, tags, version, unsigned allowed; agent status sees the running daemon',
    async () => {
      const hosts = (await json(['hosts', 'list'])).body.hosts;
      expect(hosts.map((h: any) => [h.hostname, h.status, h.allowUnsigned])).toEqual([
        ['web-1', 'online', true],
        ['web-2', 'online', true],
      ]);
      expect(hosts[0].tags).toEqual(['web', 'web-1']);
      const human = await cli(['hosts', 'list']);
      expect(human.stdout).toMatch(/web-1\s+online/);
      expect(human.stdout).toContain('unsigned allowed');
      const shown = await json(['hosts', 'show', 'web-2']);
      expect(shown.body.hostname).toBe('web-2');
      const status = await json(['agent', 'status', '--state-dir', agents[0]!.stateDir]);
      expect(status.body.enrolled).toBe(true);
      expect(status.body.daemon.running).toBe(true);
    },
    T,
  );

  it(
    'the running agent has no listening socket',
    async () => {
      for (const a of agents) {
        const pid = JSON.parse(readFileSync(path.join(a.stateDir, 'agent.pid'), 'utf8')).pid as number;
        expect(pid).toBe(a.child.pid);
        expect(await listeningSockets(pid)).toEqual([]);
      }
    },
    T,
  );

  it(
    'run --wait on both hosts: output per host, parameters as NP_*, exit 0; a failing host makes it exit 1',
    async () => {
      const file = script(
        'hello.sh',
        '#!/bin/sh\necho "hello $NP_WHO from $(hostname)"\necho "to stderr" >&2\n',
      );
      const ok = await json([
        'run',
        file,
        '--tag',
        'web',
        '--param',
        'who=ops; rm -rf /',
        '--timeout',
        '1m',
        '--wait',
      ]);
      expect(ok.code, ok.stderr).toBe(0);
      const results = ok.body.actions as any[];
      expect(results.map((r) => r.host).sort()).toEqual(['web-1', 'web-2']);
      for (const r of results) {
        expect(r.status).toBe('succeeded');
        expect(r.exitCode).toBe(0);
        expect(r.output).toContain('hello ops; rm -rf / from');
        expect(r.output).toContain('to stderr');
        expect(r.truncated).toBe(false);
      }
      // Human form: prefixed by host.
      const human = await cli(['run', file, '--host', 'web-1', '--host', 'web-2', '--wait']);
      expect(human.code).toBe(0);
      expect(human.stdout).toMatch(/^web-1: hello/m);
      expect(human.stdout).toMatch(/^web-2: hello/m);

      const failing = script('fail.sh', '#!/bin/sh\nexit 3\n');
      const bad = await json(['run', failing, '--host', 'web-1', '--host', 'web-2', '--wait']);
      expect(bad.code).toBe(1);
      expect((bad.body.actions as any[]).map((r) => [r.status, r.exitCode])).toEqual([
        ['failed', 3],
        ['failed', 3],
      ]);
      const list = await json(['actions', 'list']);
      expect(list.body.actions.length).toBeGreaterThanOrEqual(6);
    },
    T,
  );

  it(
    'cancel a long action: its process group is stopped and it ends cancelled',
    async () => {
      const marker = path.join(work, 'cancel-pid');
      const file = script('long.sh', `#!/bin/sh\necho $$ > ${marker}\nsleep 300\n`);
      const created = await json(['run', file, '--host', 'web-1']);
      const id = created.body.actions[0].id as string;
      await until('the long action runs', async () =>
        (await action(id)).status === 'running' ? true : undefined,
      );
      const pid = Number(
        await until('its pid', async () => readFileSync(marker, 'utf8').trim() || undefined),
      );
      const cancelled = await json(['actions', 'cancel', id]);
      expect(cancelled.code).toBe(0);
      const final = await until('cancelled', async () => {
        const a = await action(id);
        return a.status === 'cancelled' ? a : undefined;
      });
      expect(final.cancelRequested).toBe(true);
      await until('the process is gone', async () => (alive(pid) ? undefined : true), 10_000);
    },
    T,
  );

  it(
    'a timeout kills a process tree that ignores SIGTERM (SIGKILL after the grace)',
    async () => {
      const marker = path.join(work, 'tree-pids');
      const file = script(
        'stubborn.sh',
        `#!/bin/sh\ntrap '' TERM\nsh -c "trap '' TERM; sleep 300" &\necho "$$ $!" > ${marker}\nwhile true; do sleep 1; done\n`,
      );
      const r = await json([
        'run',
        file,
        '--host',
        'web-2',
        '--timeout',
        '2s',
        '--kill-grace',
        '1s',
        '--wait',
      ]);
      expect(r.code).toBe(1);
      expect(r.body.actions[0].status).toBe('timeout');
      const pids = readFileSync(marker, 'utf8').trim().split(' ').map(Number);
      expect(pids).toHaveLength(2);
      await until('the tree is gone', async () => (pids.some(alive) ? undefined : true), 10_000);
    },
    T,
  );

  it(
    'output over the cap is truncated and marked',
    async () => {
      const file = script('loud.sh', '#!/bin/sh\nhead -c 100000 /dev/zero | tr "\\0" x\necho\necho end\n');
      const r = await json(['run', file, '--host', 'web-2', '--wait']);
      expect(r.code).toBe(0);
      const [result] = r.body.actions;
      expect(result.truncated).toBe(true);
      expect(result.output).toContain('[neptune: output truncated at 2048 bytes');
      expect(result.output.length).toBeLessThan(3000);
      expect(result.output).not.toContain('end');
      const shown = await action(result.actionId);
      expect(shown.truncated).toBe(true);
      expect(shown.outputBytes).toBeGreaterThan(100_000);
    },
    T,
  );

  it(
    'the server is SIGKILLed mid-action: the result arrives after the restart',
    async () => {
      // The runbook says it started through a file (like the drain test): polling `actions show` could miss the
      // running window on a busy machine.
      const started = path.join(work, 'slow.started');
      const file = script('slow.sh', `#!/bin/sh\necho before\ntouch '${started}'\nsleep 3\necho after\n`);
      const created = await json(['run', file, '--host', 'web-1']);
      const id = created.body.actions[0].id as string;
      await until('the slow action runs', async () => (existsSync(started) ? true : undefined));
      expect((await server.stop('SIGKILL')).signal).toBe('SIGKILL');
      await sleep(4000); // the action finishes while the server is down; the agent keeps its result in the spool
      await server.restart();
      const final = await until('the result after the restart', async () => {
        const a = await action(id);
        return a.status === 'succeeded' ? a : undefined;
      });
      expect(final.exitCode).toBe(0);
      const logs = await cli(['actions', 'logs', id]);
      expect(logs.stdout).toContain('before');
      expect(logs.stdout).toContain('after');
      // The agents reconnected: a new run works on both.
      const again = await json(['run', script('ok.sh', 'echo ok\n'), '--tag', 'web', '--wait']);
      expect(again.code).toBe(0);
    },
    T,
  );

  it(
    'credentials do not cross: user keys are refused by the agent API, agent tokens by the user API; a conflicting finish is 409 and audited',
    async () => {
      const http = new HttpClient({
        baseUrl: server.url,
        caFile: server.caFile,
        userAgent: 'test',
        retries: 0,
      });
      const poll = await http.request({
        method: 'POST',
        url: '/agent/v1/poll',
        headers: { authorization: `Bearer ${server.apiKey}` },
        json: { cursor: 0, capacity: 0, running: [], draining: false },
      });
      expect(poll.status).toBe(401);
      expect(poll.json<any>().error.code).toBe('AGENT_USER_KEY_REFUSED');

      const a = agents[0]!;
      const identity = JSON.parse(readFileSync(path.join(a.stateDir, 'identity.json'), 'utf8'));
      const key = await AgentKey.load(path.join(a.stateDir, 'agent.key'));
      const transport = new AgentTransport({
        apiUrl: server.url,
        caFile: server.caFile,
        version: 'test',
        agentId: identity.agentId,
        key,
      });
      // An agent access token on the user API.
      await transport.call('heartbeat', {
        json: { sentAt: new Date().toISOString(), running: [], spoolBytes: 0 },
      });
      const token = (transport as unknown as { token: { value: string } }).token.value;
      expect(token).toMatch(/^nepa_/);
      const whoami = await http.request({ url: '/v1/whoami', headers: { authorization: `Bearer ${token}` } });
      expect(whoami.status).toBe(401);

      // A finished action of this agent, then a different finish record for it.
      const done = (await json(['actions', 'list'])).body.actions.find(
        (x: any) => x.host === 'web-1' && x.status === 'succeeded',
      );
      const record = {
        actionId: done.id,
        status: 'failed' as const,
        exitCode: 9,
        signal: null,
        reason: null,
        rejectReason: null,
        startedAt: null,
        finishedAt: new Date().toISOString(),
        outputBytes: 0,
        keptBytes: 0,
        outputSha256: null,
        truncated: false,
        chunks: 0,
        droppedChunks: 0,
      };
      const conflict = await transport
        .call('finish', { id: done.id, json: { record, agentSignature: key.signFinish(record) } })
        .catch((e: unknown) => e);
      expect(conflict).toBeInstanceOf(AgentApiError);
      expect((conflict as AgentApiError).status).toBe(409);
      expect((await action(done.id)).status).toBe('succeeded');
      // The same chunk twice is a duplicate, other bytes under its seq a 409.
      const chunk = (data: string) =>
        transport.call<any>('output', {
          id: done.id,
          body: Buffer.from(data),
          query: 'seq=999&offset=0&stream=stdout',
        });
      expect((await chunk('x')).duplicate).toBe(false);
      expect((await chunk('x')).duplicate).toBe(true);
      expect(((await chunk('y').catch((e) => e)) as AgentApiError).status).toBe(409);
      await transport.close();
      await http.close();
      const db = new DatabaseSync(path.join(server.dataDir, 'neptune.db'), { readOnly: true });
      const audited = db
        .prepare("SELECT target FROM audit_events WHERE action = 'action.finish.conflict'")
        .all() as { target: string }[];
      db.close();
      expect(audited.map((r) => r.target)).toContain(done.id);
    },
    T,
  );

  it(
    'the first SIGTERM drains: the running action finishes and is reported, then the agent exits 0',
    async () => {
      // The runbook says it started through a file: polling `actions show` (a CLI start each time) could miss a
      // short running window on a busy machine.
      const started = path.join(work, 'drain.started');
      const file = script('drain.sh', `#!/bin/sh\ntouch '${started}'\nsleep 3\necho drained-ok\n`);
      const created = await json(['run', file, '--host', 'web-2']);
      const id = created.body.actions[0].id as string;
      await until('the action runs', async () => (existsSync(started) ? true : undefined));
      const a = agents[1]!;
      a.child.kill('SIGTERM');
      const exit = await a.exited;
      expect(exit.code).toBe(0);
      const final = await action(id);
      expect(final.status).toBe('succeeded');
      expect(a.logs()).toContain('"msg":"draining: no new work"');
      const host = (await json(['hosts', 'show', 'web-2'])).body;
      expect(host.status).toBe('offline');
    },
    T,
  );

  it(
    'hosts revoke: the running action is cancelled on the host, the agent is refused from then on and is never a target again; audited once',
    async () => {
      const started = path.join(work, 'revoke.started');
      const file = script('revoke.sh', `#!/bin/sh\necho $$ > '${started}'\nsleep 120\n`);
      const created = await json(['run', file, '--host', 'web-1']);
      const id = created.body.actions[0].id as string;
      await until('the action runs', async () => (existsSync(started) ? true : undefined));
      const pid = Number(readFileSync(started, 'utf8'));

      const unconfirmed = await cli(['hosts', 'revoke', 'web-1']);
      expect(unconfirmed.code).toBe(64);
      expect(unconfirmed.stderr).toMatch(/^error: neptune hosts revoke needs --yes/);
      const revoked = await json(['hosts', 'revoke', 'web-1', '--yes']);
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.body.hosts.map((h: any) => [h.hostname, h.status])).toEqual([['web-1', 'revoked']]);
      expect(await action(id)).toMatchObject({ status: 'cancelled', reason: 'host revoked' });
      // The parked poll delivered the cancel: the runbook's process is gone long before its sleep ends.
      await until('the runbook process is killed', async () => {
        try {
          process.kill(pid, 0);
          return undefined;
        } catch {
          return true;
        }
      });
      const agent = agents[0]!;
      await until('the agent is refused', async () =>
        agent.logs().includes('unknown or revoked agent') ? true : undefined,
      );
      // As an operator would: stop it. Its retries are failed logins that count against 127.0.0.1's failure
      // budget, which the CLI calls below share.
      agent.child.kill('SIGKILL');
      await agent.exited;
      const again = await cli(['run', file, '--host', 'web-1']);
      expect(again.code).not.toBe(0);
      expect(again.stderr).toMatch(/no enrolled host matches/);
      expect(again.stderr).not.toMatch(/\n\s+at /);
      // Revoking twice changes nothing and audits nothing new.
      expect((await json(['hosts', 'revoke', 'web-1', '--yes'])).code).toBe(0);
      const db = new DatabaseSync(path.join(server.dataDir, 'neptune.db'), { readOnly: true });
      const audited = db
        .prepare("SELECT target, details FROM audit_events WHERE action = 'hosts.revoke'")
        .all() as { target: string; details: string }[];
      db.close();
      expect(audited).toHaveLength(1);
      expect(JSON.parse(audited[0]!.details)).toMatchObject({ hostname: 'web-1', cancelled: [id] });
      expect((await json(['hosts', 'show', 'web-1'])).body.status).toBe('revoked');
    },
    T,
  );
});

// PostgreSQL: two `server start` replicas on one database. The agent polls replica A; the run is created on
// replica B; the claim (FOR UPDATE SKIP LOCKED) and the wake-up (LISTEN/NOTIFY) cross replicas.
const pgEngines = testEngines().filter((e) => e === 'postgres');
if (pgEngines.length === 0) console.log(`dispatch across replicas skipped: ${POSTGRES_SKIP_REASON}`);
describe.each(pgEngines)('dispatch across replicas on %s', (engine) => {
  let server: StartedServer;
  let replica: { url: string; stop(): Promise<void> };
  let agent: ChildProcess | undefined;
  afterAll(async () => {
    agent?.kill('SIGKILL');
    await replica?.stop();
    await server?.dispose();
  });

  it(
    'a run created on one replica is executed by an agent polling the other',
    async () => {
      server = await startServer({ engine });
      replica = await server.startReplica();
      const home = tempHome();
      const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-dispatch-pg-'));
      const base = {
        NEPTUNE_CA_FILE: server.caFile,
        NEPTUNE_TOKEN: server.apiKey,
        NEPTUNE_AGENT_IMDS: 'off',
      };
      const onA = { ...base, NEPTUNE_API_URL: server.url };
      const onB = { ...base, NEPTUNE_API_URL: replica.url };
      const token = JSON.parse(
        (await runCli(['hosts', 'token', 'create', '--json'], { env: onA, home })).stdout,
      ).token;
      const stateDir = path.join(work, 'pg-1');
      const enrolled = await runCli(
        ['agent', 'enroll', '--state-dir', stateDir, '--hostname', 'pg-1', '--allow-unsigned'],
        {
          env: { ...onA, NEPTUNE_AGENT_ENROLL_TOKEN: token },
          home,
        },
      );
      expect(enrolled.code, enrolled.stderr).toBe(0);
      agent = startAgentProcess({ name: 'pg-1', home, stateDir, work }).child;
      await until('the agent is online', async () => {
        const r = await runCli(['hosts', 'show', 'pg-1', '--json'], { env: onB, home });
        return r.code === 0 && JSON.parse(r.stdout).status === 'online' ? true : undefined;
      });
      const file = path.join(work, 'hello.sh');
      writeFileSync(file, 'echo "hello across replicas"\n');
      const r = await runCli(['run', file, '--host', 'pg-1', '--wait', '--json'], {
        env: onB,
        home,
        timeoutMs: T,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout).actions[0].output).toContain('hello across replicas');
    },
    T,
  );
});
