/**
 * Measured by agent.bench.mjs (run with tsx): the cost of the agent's guarantees per action, against a bare spawn.
 *
 *   reference   child_process.spawn('/bin/sh', ['-c', 'true']) until 'close'
 *   runner      ActionRunner.submit → finished: ledger claim (O_EXCL + fsync), private dir + script, spawn in its
 *               own group, chunk + finish record to the spool (fsync), ledger finished (fsync)
 *   to start    ActionRunner.submit → the process exists (the agent's share of dispatch latency)
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ActionRunner } from '../../src/agent/actions';
import { Executor } from '../../src/agent/executor';
import { Ledger } from '../../src/agent/ledger';
import { Spool } from '../../src/agent/spool';
import { prepareStateDir } from '../../src/agent/state';

const RUNS = Number(process.env.BENCH_RUNS ?? 200);
const dir = mkdtempSync(path.join(os.tmpdir(), 'neptune-bench-agent-'));
const paths = await prepareStateDir(dir);
const ledger = await Ledger.open(paths.ledger);
const spool = await Spool.open(paths.spool);
const executor = new Executor({ workDir: paths.work, flushMs: 5 });
const runner = new ActionRunner({ ledger, spool, executor });

const now = () => Number(process.hrtime.bigint()) / 1e6;
const bare = () =>
  new Promise<number>((resolve) => {
    const t = now();
    spawn('/bin/sh', ['-c', 'true'], { stdio: ['ignore', 'pipe', 'pipe'] }).on('close', () =>
      resolve(now() - t),
    );
  });
let id = 0;
const viaRunner = async (): Promise<[number, number]> => {
  const t = now();
  const actionId = `bench-${id++}`;
  const submitted = await runner.submit({ actionId, script: 'echo ok', env: {}, timeoutMs: 10_000 });
  if (submitted.outcome !== 'accepted') throw new Error(submitted.outcome);
  // The process exists once its pid is known.
  while (submitted.action.pid === undefined && submitted.action.phase !== 'done')
    await new Promise((r) => setImmediate(r));
  const started = now() - t;
  await submitted.finished;
  return [now() - t, started];
};

for (let i = 0; i < 10; i++) {
  await bare();
  await viaRunner();
}
const ref: number[] = [];
const full: number[] = [];
const start: number[] = [];
for (let i = 0; i < RUNS; i++) {
  ref.push(await bare());
  const [f, s] = await viaRunner();
  full.push(f);
  start.push(s);
}
rmSync(dir, { recursive: true, force: true });
const q = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const r50 = q(ref, 0.5);
console.log(`agent action cost, ${RUNS} alternating runs (ms; ratio of medians to the reference)`);
for (const [name, xs] of [
  ['bare spawn (reference)', ref],
  ['runner submit → finished', full],
  ['runner submit → started', start],
] as const) {
  console.log(
    `  ${name.padEnd(26)} p50 ${q(xs, 0.5).toFixed(1).padStart(6)}  p99 ${q(xs, 0.99).toFixed(1).padStart(6)}   ${(q(xs, 0.5) / r50).toFixed(2)}x`,
  );
}
// The ratio, not absolute times: the machine may be shared. What is done before the process starts (ledger claim
// fsynced, private dir, script written) must cost no more than a spawn itself.
const startRatio = q(start, 0.5) / r50;
console.log(
  `submit → started median ${startRatio.toFixed(2)}x a bare spawn (target <= 2.0x): ${startRatio <= 2 ? 'met' : 'NOT MET'}`,
);
