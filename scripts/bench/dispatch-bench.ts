/**
 * Measured by dispatch.bench.mjs (with tsx). A `server start` (SQLite, poll hold 1 s so that many polls happen)
 * and one `agent start` process, both through bin/neptune (scripts/bench/dispatch-harness.ts). Then:
 *
 *   reference   spawn('/bin/sh', ['-c', 'date +%s%N']): spawn → the process reads the clock
 *   dispatch    POST /v1/actions (what `neptune run` sends) → the runbook's first command reads the clock on the
 *               agent host (same machine, same clock); BENCH_ACTIONS actions at BENCH_RATE per second
 *   idle RSS    the agent's VmRSS (anonymous and file pages) after BENCH_IDLE_SECONDS of 1 s long-polls with
 *               nothing to do. An hour of 25 s polls is 144 polls: BENCH_ACTIONS=0 BENCH_IDLE_SECONDS=144, with
 *               NEPTUNE_BIN=dist/neptune for the executable a host runs.
 */
import {
  dispatchLatencies,
  loadLine,
  memoryOf,
  pct,
  sleep,
  spawnReference,
  startBenchServer,
} from './dispatch-harness';

const ACTIONS = Number(process.env.BENCH_ACTIONS ?? 1000);
const RATE = Number(process.env.BENCH_RATE ?? 10);
/** closed: one action at a time (the next after the previous one started: latency without queueing); open: RATE/s. */
const MODE = process.env.BENCH_MODE === 'open' ? 'open' : 'closed';
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 40);

const server = await startBenchServer({ prefix: 'dispatch', serverEnv: { NEPTUNE_AGENT_POLL_HOLD: '1' } });
try {
  const agent = await server.startAgent('bench-1', ['--concurrency', '16']);
  const reference = await spawnReference(100);
  const { latencies, lost } = await dispatchLatencies(server, {
    host: 'bench-1',
    actions: ACTIONS,
    mode: MODE,
    rate: RATE,
  });

  // Idle RSS after many polls (hold 1 s: one poll a second).
  await sleep(IDLE_SECONDS * 1000);
  const memory = memoryOf(agent.pid!);
  const rss = memory.rssMiB;

  const ref50 = pct(reference, 50);
  const p50 = pct(latencies, 50);
  const p99 = pct(latencies, 99);
  console.log(loadLine());
  if (ACTIONS > 0) {
    console.log(
      `reference   bare spawn → clock read       p50 ${ref50.toFixed(1)} ms  p99 ${pct(reference, 99).toFixed(1)} ms`,
    );
    console.log(
      `dispatch    run → runbook reads the clock  p50 ${p50.toFixed(1)} ms  p99 ${p99.toFixed(1)} ms  (${latencies.length}/${ACTIONS} actions, ${MODE === 'open' ? `${RATE}/s open loop` : 'one at a time'}, ${lost} not arrived; p50 ratio ${(p50 / ref50).toFixed(2)}x the bare spawn)`,
    );
    console.log(`target p99 < 500 ms: ${p99 < 500 ? 'met' : 'NOT MET'}`);
  }
  console.log(
    `agent idle RSS after ${IDLE_SECONDS} s of 1 s polls: ${rss.toFixed(1)} MiB (anon ${memory.anonMiB.toFixed(1)}, file ${memory.fileMiB.toFixed(1)}); target < 60 MiB: ${rss < 60 ? 'met' : 'NOT MET'}`,
  );
} finally {
  await server.close();
}
