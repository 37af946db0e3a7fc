/**
 * Measured by dispatch.bench.mjs (with tsx). A `server start` (SQLite, poll hold 1 s so that many polls happen)
 * and one `agent start` process, both through bin/neptune. Then:
 *
 *   reference   spawn('/bin/sh', ['-c', 'date +%s%N']): spawn → the process reads the clock
 *   dispatch    POST /v1/actions (what `neptune run` sends) → the runbook's first command reads the clock on the
 *               agent host (same machine, same clock); BENCH_ACTIONS actions at BENCH_RATE per second
 *   idle RSS    the agent's VmRSS after BENCH_IDLE_SECONDS of 1 s long-polls with nothing to do
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { HttpClient } from '../../src/core/http';

const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 10);
/** closed: one action at a time (the next after the previous one started: latency without queueing); open: RATE/s. */
const MODE = process.env.BENCH_MODE === 'open' ? 'open' : 'closed';
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 40);
const root = path.resolve(import.meta.dirname, '..', '..');
const bin = path.join(root, 'bin', 'neptune');
const work = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-dispatch-'));
const home = path.join(work, 'home');
const env = {
  PATH: process.env.PATH,
  HOME: home,
  NEPTUNE_CONFIG_DIR: path.join(home, 'config'),
  NEPTUNE_CREDENTIAL_STORE: 'file',
  NEPTUNE_AGENT_POLL_HOLD: '1',
  NEPTUNE_AGENT_IMDS: 'off',
  NEPTUNE_AGENT_START_DELAY: '0',
  NEPTUNE_AGENT_POLL_BACKOFF_CAP: '500ms',
  NEPTUNE_AGENT_UPLOAD_BACKOFF_CAP: '500ms',
  NEPTUNE_AGENT_CONFIG: path.join(work, 'none.yaml'),
};
const children: ChildProcess[] = [];
const ms = () => Number(process.hrtime.bigint()) / 1e6;
const wallMs = () => performance.timeOrigin + performance.now();
const sleep = (t: number) => new Promise((r) => setTimeout(r, t));

function cli(args: string[], extra: Record<string, string> = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(bin, args, { env: { ...env, ...extra }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) =>
      code === 0 ? resolve(out) : reject(new Error(`${args.join(' ')}: ${code} ${err}`)),
    );
  });
}

function daemon(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray }> {
  const child = spawn(bin, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let err = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => {
      err += d;
      const m = ready.exec(err);
      if (m) resolve({ child, match: m });
    });
    child.on('exit', (code) => reject(new Error(`${args[0]} exited ${code}: ${err}`)));
  });
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

try {
  const init = JSON.parse(
    await cli([
      'server',
      'init',
      '--data-dir',
      path.join(work, 'data'),
      '--account',
      'bench',
      '--admin-email',
      'b@bench.test',
      '--json',
    ]),
  );
  const server = await daemon(
    [
      'server',
      'start',
      '--data-dir',
      path.join(work, 'data'),
      '--listen',
      '127.0.0.1:0',
      '--rate-limit',
      '1000000',
    ],
    /"url":"(https:\/\/127\.0\.0\.1:\d+)".*"msg":"neptune server ready"/,
  );
  const url = server.match[1]!;
  const userEnv = { NEPTUNE_API_URL: url, NEPTUNE_CA_FILE: init.caFile, NEPTUNE_TOKEN: init.apiKey };
  const token = JSON.parse(await cli(['hosts', 'token', 'create', '--json'], userEnv)).token;
  const state = path.join(work, 'agent');
  await cli(['agent', 'enroll', '--state-dir', state, '--hostname', 'bench-1', '--allow-unsigned'], {
    ...userEnv,
    NEPTUNE_AGENT_ENROLL_TOKEN: token,
  });
  const agent = await daemon(
    ['agent', 'start', '--state-dir', state, '--concurrency', '16'],
    /"msg":"connected"/,
  );
  const http = new HttpClient({ baseUrl: url, caFile: init.caFile, userAgent: 'bench', retries: 2 });
  const auth = { authorization: `Bearer ${init.apiKey}` };

  // Reference: a bare spawn until the child reads the clock.
  const reference: number[] = [];
  for (let i = 0; i < 100; i++) {
    const t0 = wallMs();
    const out = await new Promise<string>((resolve) => {
      const c = spawn('/bin/sh', ['-c', 'date +%s%N']);
      let o = '';
      c.stdout.on('data', (d) => (o += d));
      c.on('close', () => resolve(o));
    });
    reference.push(Number(BigInt(out.trim()) / 1000n) / 1000 - t0);
  }

  // Dispatch: POST /v1/actions at a steady rate; the runbook prints the clock first thing.
  const sent = new Map<string, number>();
  const script = '#!/bin/sh\ndate +%s%N\n';
  const latencies: number[] = [];
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
  for (let i = 0; i < ACTIONS; i++) {
    if (MODE === 'open') {
      const wait = startAll + (i * 1000) / RATE - ms();
      if (wait > 0) await sleep(wait);
    }
    const t0 = wallMs();
    const r = await http.request({
      method: 'POST',
      url: '/v1/actions',
      headers: auth,
      json: {
        runbook: { name: 'clock', script, signature: null },
        hosts: ['bench-1'],
        tags: [],
        params: {},
        timeoutSeconds: 60,
      },
    });
    if (r.status !== 201) throw new Error(`run: ${r.status} ${r.text()}`);
    const id = r.json<{ actions: { id: string }[] }>().actions[0]!.id;
    if (MODE === 'open') sent.set(id, t0);
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

  // Idle RSS after many polls (hold 1 s: one poll a second).
  await sleep(IDLE_SECONDS * 1000);
  const status = readFileSync(`/proc/${agent.child.pid}/status`, 'utf8');
  const rssMiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) / 1024;
  await http.close();

  const ref50 = pct(reference, 50);
  const p50 = pct(latencies, 50);
  const p99 = pct(latencies, 99);
  console.log(
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')} on ${os.cpus().length} cores`,
  );
  console.log(
    `reference   bare spawn → clock read       p50 ${ref50.toFixed(1)} ms  p99 ${pct(reference, 99).toFixed(1)} ms`,
  );
  console.log(
    `dispatch    run → runbook reads the clock  p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  (${latencies.length}/${ACTIONS} actions, ${MODE === 'open' ? `${RATE}/s open loop` : 'one at a time'}, ${lost} not arrived; p50 ratio ${(p50 / ref50).toFixed(2)}x the bare spawn)`,
  );
  console.log(`target p99 < 500 ms: ${p99 < 500 ? 'met' : 'NOT MET'}`);
  console.log(
    `agent idle RSS after ${IDLE_SECONDS} s of 1 s polls: ${rssMiB.toFixed(1)} MiB; target < 60 MiB: ${rssMiB < 60 ? 'met' : 'NOT MET'}`,
  );
} finally {
  for (const c of children) c.kill('SIGTERM');
  await sleep(500);
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}
