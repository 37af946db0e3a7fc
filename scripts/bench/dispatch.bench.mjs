#!/usr/bin/env node
// Dispatch latency (run → the runbook's process start) over real HTTPS with a real `server start` and a real
// `agent start`, and the agent's idle RSS after many polls: scripts/bench/dispatch-bench.ts, run with tsx.
// Targets (issue 7): p99 < 500 ms; agent idle RSS < 60 MiB. Bounded: BENCH_ACTIONS (default 1000), one at a time
// (BENCH_MODE=open: at
// BENCH_RATE per second, default 10), BENCH_IDLE_SECONDS (default 40) of 1 s polls.
import { runTs } from './tsx.mjs';

runTs('dispatch-bench.ts');
