/**
 * Run by soak.bench.mjs (with tsx): the crash soak of issue 7 at full size. A real `server start` and one real
 * `agent start`, SOAK_ACTIONS actions (default 1,000) whose runbook appends its action id to a file, while the
 * server is SIGKILLed and restarted SOAK_KILLS times (default 20) at random points. Mechanics and verdict:
 * test/helpers/soak.ts (the test suite runs the same with 60 actions and 4 kills).
 *
 * Engines: SQLite; PostgreSQL too with --postgres or NEPTUNE_TEST_DATABASE_URL (a database neptune_test_<random>
 * is made there and dropped). SOAK_SEED repeats a kill schedule. Exits 1 when anything was lost or duplicated.
 */
import os from 'node:os';
import { type Engine, startServer } from '../../test/helpers/server';
import { runSoak } from '../../test/helpers/soak';

const ACTIONS = Number(process.env.SOAK_ACTIONS ?? 1000);
const KILLS = Number(process.env.SOAK_KILLS ?? 20);
if (process.argv.includes('--postgres'))
  process.env.NEPTUNE_TEST_DATABASE_URL ??= 'postgres://root@127.0.0.1:5432/test';
const engines: Engine[] = process.env.NEPTUNE_TEST_DATABASE_URL ? ['sqlite', 'postgres'] : ['sqlite'];

let failed = false;
for (const engine of engines) {
  const server = await startServer({ engine });
  try {
    const r = await runSoak({
      server,
      actions: ACTIONS,
      kills: KILLS,
      seed: process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : undefined,
      log: (line) => console.error(`  ${line}`),
    });
    const restarts = [...r.restartMs].sort((a, b) => a - b);
    console.log(
      `soak ${engine}: ${r.actions} actions, ${r.kills} SIGKILLs + restarts, ${(r.durationMs / 1000).toFixed(1)} s ` +
        `(seed ${r.seed}; load ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`,
    );
    console.log(
      `  lost results ${r.lost.length}, duplicate executions ${r.duplicates.length}, unexpected ids ${r.unexpected.length}; ` +
        `${r.adopted} submissions answered by a kill found on the server, ${r.redeliveries} redeliveries answered from the ledger; ` +
        `restart to ready median ${restarts[restarts.length >> 1] ?? 0} ms`,
    );
    for (const [what, ids] of [
      ['lost', r.lost],
      ['duplicated', r.duplicates],
      ['unexpected', r.unexpected],
    ] as const) {
      if (ids.length > 0) console.log(`  ${what}: ${ids.slice(0, 20).join(' ')}`);
    }
    const ok = r.lost.length === 0 && r.duplicates.length === 0 && r.unexpected.length === 0;
    console.log(`  target zero lost, zero duplicated: ${ok ? 'met' : 'NOT MET'}`);
    failed ||= !ok;
  } finally {
    await server.dispose();
  }
}
process.exit(failed ? 1 : 0);
