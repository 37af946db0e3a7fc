#!/usr/bin/env node
// One server holding the parked long-polls of 5,000 simulated agents (issue 7): enrollment through the agent API,
// the server's RSS and heap, and the dispatch p50/p99 to a real agent while they stay parked, against the same
// with no parked polls. scripts/bench/polls-bench.ts with tsx. BENCH_AGENTS (default 5000), BENCH_DISPATCH
// (default 200); --postgres (or NEPTUNE_TEST_DATABASE_URL / NEPTUNE_BENCH_DATABASE_URL) adds PostgreSQL.
import { runTs } from './tsx.mjs';

runTs('polls-bench.ts');
