/**
 * Shared by the benchmarks that dispatch to a real agent (dispatch-bench.ts, polls-bench.ts): an isolated HOME, the
 * CLI from the checkout, `server init` + `server start` (SQLite, or a PostgreSQL URL) as its own process on
 * 127.0.0.1, one enrolled `agent start`, and the latency from `POST /v1/actions` to the runbook reading the clock
 * on the agent host (same machine, same clock), against a bare spawn that reads the clock.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpClient } from '../../src/core/http';

const root = path.resolve(import.meta.dirname, '..', '..');
// NEPTUNE_BIN=dist/neptune: the built executable (what a host runs), as in npm run test:exe.
const bin = path.resolve(root, process.env.NEPTUNE_BIN ?? path.join('bin', 'neptune'));
export const ms = () => Number(process.hrtime.bigint()) / 1e6;
const wallMs = () => performance.timeOrigin + performance.now();
export const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

/** The p-th percentile (nearest rank below). */
export const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? Number.NaN;
};

/**
 * VmRSS and VmHWM (peak) of a process, from /proc, and the RSS split: anonymous pages (heaps, what the process
 * made) and file pages (the binary and libraries mapped, shared with other processes running them).
 */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number; anonMiB: number; fileMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1]) / 1024;
  return { rssMiB: kb('VmRSS'), peakMiB: kb('VmHWM'), anonMiB: kb('RssAnon'), fileMiB: kb('RssFile') };
}

export interface BenchServer {
  url: string;
  caFile: string;
  apiKey: string;
  child: ChildProcess;
  http: HttpClient;
  auth: { authorization: string };
  /** Enrolls `hostname` through the CLI and runs `agent start` for it; resolves once it is connected. */
  startAgent(hostname: string, args?: string[]): Promise<ChildProcess>;
  /** Stops every process this harness started (SIGTERM, then SIGKILL). */
  close(): Promise<void>;
}

/**
 * `server init` + `server start` in a fresh work dir. `serverEnv` goes to `server start` only (timers such as
 * NEPTUNE_AGENT_POLL_HOLD); the agent gets the short retry timers of the tests.
 */
export async function startBenchServer(
  options: { prefix: string; databaseUrl?: string; serverEnv?: Record<string, string> } = { prefix: 'x' },
): Promise<BenchServer> {
  const work = mkdtempSync(path.join(os.tmpdir(), `neptune-bench-${options.prefix}-`));
  const home = path.join(work, 'home');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOME: home,
    NEPTUNE_CONFIG_DIR: path.join(home, 'config'),
    NEPTUNE_CREDENTIAL_STORE: 'file',
    NEPTUNE_AGENT_IMDS: 'off',
    NEPTUNE_AGENT_START_DELAY: '0',
    NEPTUNE_AGENT_POLL_BACKOFF_CAP: '500ms',
    NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP: '500ms',
    NEPTUNE_AGENT_CONFIG: path.join(work, 'none.yaml'),
    ...(options.databaseUrl ? { NEPTUNE_DATABASE_URL: options.databaseUrl } : {}),
  };
  const children: ChildProcess[] = [];

  const cli = (args: string[], extra: Record<string, string> = {}): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn(bin, args, { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (err += d));
      child.on('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${code} ${err}`)),
      );
    });

  const daemon = (
    args: string[],
    ready: RegExp,
    extra: Record<string, string> = {},
  ): Promise<{ child: ChildProcess; match: RegExpExecArray }> => {
    const child = spawn(bin, args, { env: { ...env, ...extra }, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(child);
    let err = '';
    return new Promise((resolve, reject) => {
      child.stderr!.on('data', (d) => {
        err += d;
        // Keep only the tail: a long run must not grow this string without bound.
        if (err.length > 1 << 20) err = err.slice(-(1 << 16));
        const m = ready.exec(err);
        if (m) resolve({ child, match: m });
      });
      child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err.slice(-4000)}`)));
    });
  };

  const dataDir = path.join(work, 'data');
  const init = JSON.parse(
    await cli([
      'server',
      'init',
      '--data-dir',
      dataDir,
      '--account',
      'bench',
      '--admin-email',
      'b@bench.test',
      '--json',
    ]),
  ) as { apiKey: string; caFile: string };
  const server = await daemon(
    ['server', 'start', '--data-dir', dataDir, '--listen', '127.0.0.1:0', '--rate-limit', '100000000'],
    /"url":"(https:\/\/127\.0\.0\.1:\d+)".*"msg":"neptune server ready"/,
    options.serverEnv,
  );
  const url = server.match[1]!;
  const user = { NEPTUNE_API_URL: url, NEPTUNE_CA_FILE: init.caFile, NEPTUNE_TOKEN: init.apiKey };
  const http = new HttpClient({ baseUrl: url, caFile: init.caFile, userAgent: 'bench', retries: 2 });
  return {
    url,
    caFile: init.caFile,
    apiKey: init.apiKey,
    child: server.child,
    http,
    auth: { authorization: `Bearer ${init.apiKey}` },
    async startAgent(hostname, args = []) {
      const token = JSON.parse(await cli(['hosts', 'token', 'create', '--json'], user)).token as string;
      const state = path.join(work, `agent-${hostname}`);
      await cli(['agent', 'enroll', '--state-dir', state, '--hostname', hostname, '--allow-unsigned'], {
        ...user,
        NEPTUNE_AGENT_ENROLL_TOKEN: token,
      });
      const agent = await daemon(['agent', 'start', '--state-dir', state, ...args], /"msg":"connected"/);
      return agent.child;
    },
    async close() {
      await http.close();
      for (const c of children) c.kill('SIGTERM');
      await sleep(500);
      for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    },
  };
}

/** A bare spawn until the child reads the clock: the floor of any dispatch latency. */
export async function spawnReference(runs: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = wallMs();
    const text = await new Promise<string>((resolve) => {
      const c = spawn('/bin/sh', ['-c', 'date +%s%N']);
      let o = '';
      c.stdout.on('data', (d) => (o += d));
      c.on('close', () => resolve(o));
    });
    out.push(Number(BigInt(text.trim()) / 1000n) / 1000 - t0);
  }
  return out;
}

/**
 * `actions` runs of a runbook that prints the clock first thing, on `host`: closed loop (the next after the
 * previous one started: latency without queueing) or open loop at `rate` per second. Returns the latencies from
 * the POST to the runbook's clock read, and how many never printed within the limit.
 */
export async function dispatchLatencies(
  server: Pick<BenchServer, 'http' | 'auth'>,
  options: { host: string; actions: number; mode?: 'closed' | 'open'; rate?: number },
): Promise<{ latencies: number[]; lost: number }> {
  const { http, auth } = server;
  const mode = options.mode ?? 'closed';
  const rate = options.rate ?? 10;
  const script = '#!/bin/sh\ndate +%s%N\n';
  const latencies: number[] = [];
  const sent = new Map<string, number>();
  let lost = 0;
  const clockOf = async (id: string, untilMs: number): Promise<number | undefined> => {
    for (;;) {
      const out = await http.request({ url: `/v1/actions/${id}/output/-1`, headers: auth });
      const body = out.json<{ chunks: { data: string }[] }>();
      const text = body.chunks
        .map((c) => Buffer.from(c.data, 'base64').toString())
        .join('')
        .trim();
      if (text) return Number(BigInt(text) / 1000n) / 1000;
      if (ms() > untilMs) return undefined;
      await sleep(20);
    }
  };
  const startAll = ms();
  for (let i = 0; i < options.actions; i++) {
    if (mode === 'open') {
      const wait = startAll + (i * 1000) / rate - ms();
      if (wait > 0) await sleep(wait);
    }
    const t0 = wallMs();
    const r = await http.request({
      method: 'POST',
      url: '/v1/actions',
      headers: auth,
      json: {
        runbook: { name: 'clock', script, signature: null },
        hosts: [options.host],
        tags: [],
        params: {},
        timeoutSeconds: 60,
      },
    });
    if (r.status !== 201) throw new Error(`run: ${r.status} ${r.text()}`);
    const id = r.json<{ actions: { id: string }[] }>().actions[0]!.id;
    if (mode === 'open') sent.set(id, t0);
    else {
      const clock = await clockOf(id, ms() + 60_000);
      if (clock === undefined) lost++;
      else latencies.push(clock - t0);
    }
  }
  const deadline = ms() + 300_000;
  for (const [id, t0] of sent) {
    const clock = await clockOf(id, deadline);
    if (clock === undefined) lost++;
    else latencies.push(clock - t0);
  }
  return { latencies, lost };
}

export const loadLine = () =>
  `load average ${os
    .loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} on ${os.cpus().length} cores`;
