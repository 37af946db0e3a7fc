/**
 * The crash soak (issue 7), bounded for the test suite: a real server, a real `neptune agent start`, actions whose
 * runbook appends its action id to a file, and the server SIGKILLed and restarted at random points meanwhile. Every
 * action must end with exactly one succeeded result on the server, and the file must hold each id exactly once:
 * zero lost results, zero duplicate executions. The full run (1,000 actions, 20 kills) is `npm run bench soak`.
 * The same mechanics in both: test/helpers/soak.ts. SOAK_SEED repeats a kill schedule.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { reportSkippedEngines, type StartedServer, startServer, testEngines } from './helpers/server';
import { runSoak } from './helpers/soak';

const ACTIONS = 60;
const KILLS = 4;

describe.each(testEngines())('soak (%s): server SIGKILLed during actions', (engine) => {
  let server: StartedServer | undefined;
  reportSkippedEngines();
  afterAll(async () => {
    await server?.dispose();
  });

  it(`${ACTIONS} actions, ${KILLS} kills: no result lost, nothing executed twice`, async () => {
    server = await startServer({ engine });
    const result = await runSoak({
      server,
      actions: ACTIONS,
      kills: KILLS,
      seed: process.env.SOAK_SEED ? Number(process.env.SOAK_SEED) : undefined,
      log: (line) => console.log(line),
    });
    console.log(
      `soak (${engine}, seed ${result.seed}): ${result.actions} actions, ${result.kills} kills, ${result.adopted} adopted, ${result.redeliveries} redeliveries`,
    );
    expect(result.kills).toBe(KILLS);
    expect(result.actions).toBe(ACTIONS);
    expect({ lost: result.lost, duplicates: result.duplicates, unexpected: result.unexpected }).toEqual({
      lost: [],
      duplicates: [],
      unexpected: [],
    });
  }, 400_000);
});
