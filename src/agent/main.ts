/**
 * The agent bundle (dist/agent.cjs; in the executable the SEA asset `agent.cjs`), which the launcher loads for
 * `neptune agent start …` instead of the full CLI: a daemon that runs for months should not keep oclif, fastify,
 * kysely, the lint engine and undici in memory (decision 0505). It takes only argv that parses cleanly
 * (src/agent/start.ts); for anything else, help included, it declines and the launcher loads the full CLI, which
 * runs the same `runAgentStart` behind oclif.
 */
import { renderError } from '../core/handle';
import { Output } from '../core/output';
import { VERSION } from '../core/version';
import { parseAgentStart, runAgentStart } from './start';

/** Starts the agent for the argv after `agent start`; false when the full CLI should take this argv. */
export function start(argv: string[]): boolean {
  const parsed = parseAgentStart(argv);
  if (!parsed) return false;
  runAgentStart(parsed.flags, { version: VERSION }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      const output = new Output({ quiet: parsed.quiet, noColor: parsed.noColor });
      process.exitCode = renderError(error, {
        output,
        json: false,
        debug: parsed.debug,
        commandId: 'agent:start',
      });
    },
  );
  return true;
}
