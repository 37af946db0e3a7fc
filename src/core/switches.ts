/** The global switches, read before (and without) the command framework. */

export interface GlobalSwitches {
  json: boolean;
  quiet: boolean;
  noColor: boolean;
  debug: boolean;
}

/**
 * Global switches read straight from argv (up to `--`), so that they apply even when parsing fails, e.g. a usage
 * error under --json is still JSON.
 */
export function globalSwitches(
  argv: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): GlobalSwitches {
  const end = argv.indexOf('--');
  const args = end === -1 ? argv : argv.slice(0, end);
  const has = (...names: string[]) => names.some((n) => args.includes(n));
  return {
    json: has('--json'),
    quiet: has('--quiet', '-q'),
    noColor: has('--no-color'),
    debug: has('--debug') || env.NEPTUNE_DEBUG === '1',
  };
}
