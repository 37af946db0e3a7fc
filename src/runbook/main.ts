/**
 * The lint bundle (dist/lint.cjs; in the executable the SEA asset `lint.cjs`), which the launcher loads for
 * `neptune runbook lint …` instead of the full CLI: loading oclif and the rest of the CLI was ~0.25 s of CPU of
 * every lint run, a CI step that often lints a handful of files (decision 0209). It takes only argv that parses
 * cleanly (src/runbook/argv.ts); for anything else, help included, it declines and the launcher loads the full CLI,
 * which runs the same `runLintCommand` behind oclif.
 */

import { EXIT } from '../core/errors';
import { renderError } from '../core/handle';
import { Output } from '../core/output';
import { handleInterruptAndClosedStdout, readStdin } from '../core/process';
import { VERSION } from '../core/version';
import { parseLintArgv } from './argv';
import { runLintCommand } from './cli';

/** Lints for the argv after `runbook lint`; false when the full CLI should take this argv. */
export function start(argv: string[]): boolean {
  const parsed = parseLintArgv(argv);
  if (!parsed) return false;
  handleInterruptAndClosedStdout();
  const output = new Output({ quiet: parsed.quiet, noColor: parsed.noColor });
  runLintCommand({
    flags: parsed.flags,
    paths: parsed.paths,
    json: false,
    output,
    version: VERSION,
    cwd: process.cwd(),
    env: process.env,
    readStdin,
  }).then(
    () => {
      process.exitCode ??= EXIT.ok;
    },
    (error: unknown) => {
      process.exitCode = renderError(error, {
        output,
        json: false,
        debug: parsed.debug,
        commandId: 'runbook:lint',
      });
    },
  );
  return true;
}
