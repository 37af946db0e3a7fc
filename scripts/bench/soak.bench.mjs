#!/usr/bin/env node
// The crash soak (issue 7): 1,000 actions through a real server and a real agent while the server is SIGKILLed and
// restarted at random 20 times; zero lost results, zero duplicate executions. scripts/bench/soak-bench.ts with tsx;
// SOAK_ACTIONS, SOAK_KILLS, SOAK_SEED; --postgres (or NEPTUNE_TEST_DATABASE_URL) adds PostgreSQL.
import { runTs } from './tsx.mjs';

runTs('soak-bench.ts');
