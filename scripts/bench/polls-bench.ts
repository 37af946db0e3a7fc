/**
 * Measured by polls.bench.mjs (with tsx). One `server start` holding the parked long-polls of BENCH_AGENTS
 * (default 5,000) simulated agents, and what that costs (issue 7):
 *
 *   enrollment  each simulated agent has its own Ed25519 key (src/agent/identity.ts AgentKey, as `agent enroll`
 *               makes it), enrolls through POST /agent/v1/enroll with an enrollment token, and buys an access
 *               token with a signed client assertion (POST /agent/v1/token): the agent protocol's credentials
 *   parked      every simulated agent keeps one poll parked (capacity 4, the server's default 25 s hold, parked
 *               again at once when it answers), all over HTTPS from this one process: one undici Agent with a
 *               connection per poll, verifying the server's certificate against the CA `server init` made
 *   memory      the server's VmRSS (/proc/<pid>/status) and V8 heap (/metrics), before and while parked
 *   dispatch    POST /v1/actions → the runbook reads the clock on a real `agent start` (dispatch-harness.ts),
 *               BENCH_DISPATCH actions (default 200) one at a time: first with no parked polls (the reference,
 *               same run, same server), then while the BENCH_AGENTS polls stay parked
 *
 * Engines: SQLite; PostgreSQL with --postgres, NEPTUNE_TEST_DATABASE_URL or NEPTUNE_BENCH_DATABASE_URL (a database
 * neptune_test_<random> is made there and dropped). File descriptors: one socket per poll in this process and in
 * the server; `ulimit -n` must exceed BENCH_AGENTS plus a margin in both (checked first).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Agent, request } from 'undici';
import { AgentKey } from '../../src/agent/identity';
import {
  AGENT_API_PREFIX,
  AGENT_ENDPOINTS,
  CLIENT_ASSERTION_TYPE,
  type EnrollResponse,
  type PollResponse,
  type TokenResponse,
} from '../../src/api/agent-protocol';
import { testDatabase } from '../../src/server/testing';
import {
  type BenchServer,
  dispatchLatencies,
  loadLine,
  memoryOf,
  ms,
  pct,
  sleep,
  startBenchServer,
} from './dispatch-harness';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 5000);
const DISPATCH = Number(process.env.BENCH_DISPATCH ?? 200);
const ENROLL_CONCURRENCY = 16;
const OBSERVE_SECONDS = Number(process.env.BENCH_OBSERVE_SECONDS ?? 60);
const RAMP_PER_SECOND = Number(process.env.BENCH_RAMP ?? 500);

/** CPU time (user + system) of a process so far, seconds (/proc/<pid>/stat, clock ticks of 1/100 s). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function fdLimit(): number {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  return Number(line?.split(/\s+/)[3]);
}

/** Runs `fn` over 0..n-1 with `width` at a time. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

interface SimAgent {
  id: string;
  token: string;
}

async function serverMemory(server: BenchServer, dispatcher: Agent) {
  let text = '';
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await request(`${server.url}/metrics`, { dispatcher });
      text = await res.body.text();
      break;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(1000);
    }
  }
  const gauge = (re: RegExp) => Number(re.exec(text)?.[1] ?? Number.NaN);
  return {
    ...memoryOf(server.child.pid!),
    heapMiB: gauge(/^neptune_heap_bytes\{kind="used"\} (\d+)/m) / 2 ** 20,
    parked: gauge(/^neptune_agent_polls_parked (\d+)/m),
  };
}

async function bench(engine: 'sqlite' | 'postgres', databaseUrl: string | undefined) {
  const server = await startBenchServer({ prefix: 'polls', databaseUrl });
  const ca = readFileSync(server.caFile, 'utf8');
  // One connection per parked poll, plus room for enrollment and metrics; no pipelining (a parked poll blocks).
  const dispatcher = new Agent({
    connect: { ca, rejectUnauthorized: true },
    connections: AGENTS + 64,
    pipelining: 1,
    headersTimeout: 90_000,
    bodyTimeout: 90_000,
    keepAliveTimeout: 60_000,
  });
  const keys = mkdtempSync(path.join(existsShm() ? '/dev/shm' : os.tmpdir(), 'neptune-bench-polls-keys-'));
  const stop = new AbortController();
  let polls = 0;
  let pollErrors = 0;
  let lastError = '';
  try {
    await server.startAgent('bench-1', ['--concurrency', '16']);
    const idle = await serverMemory(server, dispatcher);
    const reference = await dispatchLatencies(server, { host: 'bench-1', actions: DISPATCH });

    // Enrollment: one token with enough uses, then enroll + token exchange per simulated agent.
    const tokenRes = await server.http.request({
      method: 'POST',
      url: '/v1/hosts/tokens',
      headers: server.auth,
      json: { uses: Math.min(AGENTS, 10_000), ttlSeconds: 3600, tags: ['sim'] },
    });
    if (tokenRes.status !== 201) throw new Error(`token: ${tokenRes.status} ${tokenRes.text()}`);
    const enrollToken = tokenRes.json<{ token: string }>().token;
    const post = async <T>(p: string, body: unknown, status: number, bearer?: string): Promise<T> => {
      const res = await request(`${server.url}${AGENT_API_PREFIX}${p}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
        },
        body: JSON.stringify(body),
        dispatcher,
        signal: stop.signal,
      });
      const text = await res.body.text();
      if (res.statusCode !== status) throw new Error(`${p}: ${res.statusCode} ${text.slice(0, 300)}`);
      return JSON.parse(text) as T;
    };
    const agents: SimAgent[] = [];
    const tokenAudience = `${server.url}${AGENT_API_PREFIX}${AGENT_ENDPOINTS.token.path}`;
    const t0 = ms();
    await pool(AGENTS, ENROLL_CONCURRENCY, async (i) => {
      const key = await AgentKey.create(path.join(keys, `${i}.key`));
      const enrolled = await post<EnrollResponse>(
        AGENT_ENDPOINTS.enroll.path,
        {
          token: enrollToken,
          publicKey: key.publicJwk(),
          host: {
            hostname: `sim-${i}`,
            os: 'linux',
            arch: 'x64',
            ips: [],
            cloud: null,
            agentVersion: 'bench',
          },
          tags: [],
          allowUnsigned: true,
        },
        AGENT_ENDPOINTS.enroll.status,
      );
      const token = await post<TokenResponse>(
        AGENT_ENDPOINTS.token.path,
        {
          grant_type: 'client_credentials',
          client_assertion_type: CLIENT_ASSERTION_TYPE,
          client_assertion: key.assertion(enrolled.agentId, tokenAudience),
        },
        AGENT_ENDPOINTS.token.status,
      );
      agents.push({ id: enrolled.agentId, token: token.access_token });
    });
    const enrollSeconds = (ms() - t0) / 1000;
    console.error(`  ${engine}: ${agents.length} agents enrolled in ${enrollSeconds.toFixed(1)} s`);

    // Park one poll per simulated agent, again at once whenever one answers (as the agent's poll loop does).
    // Ramped (RAMP_PER_SECOND new polls a second), as a fleet that starts with the agents' random start delay:
    // thousands of TLS handshakes at the same instant would only measure the handshake queue.
    const t1 = ms();
    for (const [i, agent] of agents.entries()) {
      if (i % 50 === 49) await sleep((50 / RAMP_PER_SECOND) * 1000);
      void (async () => {
        let cursor = 0;
        while (!stop.signal.aborted) {
          try {
            const r = await post<PollResponse>(
              AGENT_ENDPOINTS.poll.path,
              { cursor, capacity: 4, running: [], draining: false },
              AGENT_ENDPOINTS.poll.status,
              agent.token,
            );
            polls++;
            for (const m of r.messages) cursor = Math.max(cursor, m.id);
          } catch (error) {
            if (stop.signal.aborted) return;
            pollErrors++;
            lastError = String(error);
            await sleep(1000);
          }
        }
      })();
    }
    // Parked: the server's own count reaches the fleet (a poll being re-checked is briefly not counted).
    let parkedAt = await serverMemory(server, dispatcher);
    for (let i = 0; i < 120 && parkedAt.parked < AGENTS * 0.95; i++) {
      await sleep(1000);
      parkedAt = await serverMemory(server, dispatcher);
      console.error(`  ${engine}: ${parkedAt.parked} polls parked, ${pollErrors} poll errors`);
    }
    const parkSeconds = (ms() - t1) / 1000;
    // Parked and idle for OBSERVE_SECONDS (more than one hold, so every poll is answered and parked again): the
    // server's CPU time meanwhile, and its memory at the end.
    await sleep(2000);
    const cpu0 = cpuSeconds(server.child.pid!);
    const w0 = ms();
    const samples: string[] = [];
    for (let t = 0; t < OBSERVE_SECONDS; t += 10) {
      await sleep(10_000);
      const m = await serverMemory(server, dispatcher);
      samples.push(`${m.rssMiB.toFixed(0)}/${m.heapMiB.toFixed(0)}`);
    }
    const cpuShare = (cpuSeconds(server.child.pid!) - cpu0) / ((ms() - w0) / 1000);
    const parked = await serverMemory(server, dispatcher);
    const underLoad = await dispatchLatencies(server, { host: 'bench-1', actions: DISPATCH });
    const after = await serverMemory(server, dispatcher);

    const line = (what: string, r: { latencies: number[]; lost: number }) =>
      `${what} p50 ${pct(r.latencies, 50).toFixed(1)} ms  p99 ${pct(r.latencies, 99).toFixed(1)} ms  (${r.latencies.length}/${DISPATCH}, ${r.lost} not arrived)`;
    const mem = (m: Awaited<ReturnType<typeof serverMemory>>) =>
      `RSS ${m.rssMiB.toFixed(0)} MiB (peak ${m.peakMiB.toFixed(0)}), heap ${m.heapMiB.toFixed(0)} MiB, ${m.parked} polls parked`;
    console.log(`${engine}: ${loadLine()}`);
    console.log(
      `  enrolled ${agents.length} agents (enroll + token exchange) in ${enrollSeconds.toFixed(1)} s; ${parkedAt.parked} polls parked after ${parkSeconds.toFixed(1)} s`,
    );
    console.log(`  server idle              ${mem(idle)}`);
    console.log(`  server, polls parked     ${mem(parked)}`);
    console.log(`  server, after dispatch   ${mem(after)}`);
    console.log(
      `  parked and idle ${OBSERVE_SECONDS} s: server CPU ${(cpuShare * 100).toFixed(0)}% of a core; RSS/heap MiB every 10 s: ${samples.join(' ')}`,
    );
    console.log(
      `  per parked poll          ${(((parked.rssMiB - idle.rssMiB) * 1024) / Math.max(1, parked.parked)).toFixed(1)} KiB of RSS`,
    );
    console.log(`  ${line('dispatch, reference (no parked polls)', reference)}`);
    console.log(`  ${line(`dispatch, ${AGENTS} polls parked       `, underLoad)}`);
    const ratio = pct(underLoad.latencies, 99) / pct(reference.latencies, 99);
    console.log(
      `  p99 ratio parked/reference ${ratio.toFixed(2)}x; p99 < 500 ms while parked: ${pct(underLoad.latencies, 99) < 500 ? 'met' : 'NOT MET'}`,
    );
    console.log(
      `  polls answered during the run ${polls}, poll errors ${pollErrors}${lastError ? ` (last: ${lastError.slice(0, 200)})` : ''}`,
    );
    return parkedAt.parked >= AGENTS * 0.95 && underLoad.lost === 0;
  } finally {
    stop.abort();
    await dispatcher.destroy().catch(() => {});
    await server.close();
    rmSync(keys, { recursive: true, force: true });
  }
}

function existsShm(): boolean {
  try {
    return readFileSync('/proc/mounts', 'utf8').includes(' /dev/shm tmpfs ');
  } catch {
    return false;
  }
}

const limit = fdLimit();
if (!(limit > AGENTS + 256)) {
  console.error(
    `open file limit ${limit} is too low for ${AGENTS} parked polls (one socket each, here and in the server): run ulimit -n ${AGENTS + 1024} first`,
  );
  process.exit(1);
}
const pgBase =
  process.env.NEPTUNE_TEST_DATABASE_URL ??
  process.env.NEPTUNE_BENCH_DATABASE_URL ??
  (process.argv.includes('--postgres') ? 'postgres://root@127.0.0.1:5432/test' : undefined);
let ok = await bench('sqlite', undefined);
if (pgBase) {
  const db = await testDatabase({ NEPTUNE_TEST_DATABASE_URL: pgBase });
  try {
    ok = (await bench('postgres', db.databaseUrl)) && ok;
  } finally {
    await db.drop();
  }
}
process.exit(ok ? 0 : 1);
