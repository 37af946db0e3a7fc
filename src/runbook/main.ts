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
import { VERSION } from '../core/version';
import { parseLintArgv } from './argv';
import { runLintCommand } from './cli';

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Lints for the argv after `runbook lint`; false when the full CLI should take this argv. */
export function start(argv: string[]): boolean {
  const parsed = parseLintArgv(argv);
  if (!parsed) return false;
  // as the full CLI does (src/main.ts start): Ctrl-C, and a reader that left (`| head`)
  process.on('SIGINT', () => process.exit(EXIT.interrupted));
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT.ok);
    throw error;
  });
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
