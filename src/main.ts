/**
 * The full CLI (dist/cli.cjs), which the launcher (src/launch.ts) loads for every run it does not answer itself:
 * oclif with the package.json inlined and the command map served as a virtual module, so nothing has to exist on
 * disk beside the executable (docs/decisions/0002-single-executable.md).
 */
import Module from 'node:module';
import path from 'node:path';
import pjson from '../package.json';
import { isSea, repoRoot } from './core/assets';
import { ERROR_KINDS, EXIT } from './core/errors';
import { renderError } from './core/handle';
import { Output } from './core/output';
import { handleInterruptAndClosedStdout } from './core/process';
import { globalSwitches } from './core/switches';

const COMMANDS_MODULE = '__neptune_commands__.cjs';

/** Serves `exports` as the CommonJS module at `file`, which need not exist (oclif requires the explicit target). */
function serveVirtualModule(file: string, exports: object): void {
  const mod = Module as unknown as {
    _cache: Record<string, unknown>;
    _resolveFilename: (request: string, ...rest: unknown[]) => string;
  };
  mod._cache[file] = { id: file, filename: file, loaded: true, exports, children: [], paths: [] };
  const resolve = mod._resolveFilename;
  mod._resolveFilename = function (request: string, ...rest: unknown[]) {
    if (request === file) return file;
    return resolve.call(this, request, ...rest);
  };
}

/**
 * The words that name no command, if any: the first word when it is neither a command nor a topic, or a topic
 * followed by a word that is not one of its commands. Further words are arguments.
 */
export function unknownCommand(
  words: readonly string[],
  isCommand: (id: string) => boolean,
  isTopic: (id: string) => boolean,
): string[] | undefined {
  let known = 0;
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':');
    // A command that is also a topic (`allowlist`) followed by another word names a subcommand, not an argument.
    if (isCommand(id) && !(n < words.length && isTopic(id))) return undefined;
    if (isTopic(id)) {
      known = n;
      break;
    }
  }
  if (known === words.length) return undefined;
  return words.slice(0, known + 1);
}

/** The leading words of argv, up to the first flag. */
function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  const switches = globalSwitches(argv);
  const output = new Output({ json: switches.json, quiet: switches.quiet, noColor: switches.noColor });
  try {
    const { Config, run, settings, flush } = await import('@oclif/core');
    const { COMMANDS } = await import('./commands');
    settings.enableAutoTranspile = false;
    const root = isSea() ? path.dirname(process.execPath) : repoRoot();
    const target = path.join(root, COMMANDS_MODULE);
    serveVirtualModule(target, { COMMANDS });
    const oclif = {
      ...pjson.oclif,
      commands: { strategy: 'explicit' as const, target, identifier: 'COMMANDS' },
    };
    const config = await Config.load({
      root,
      pjson: { ...pjson, oclif } as never,
      userPlugins: false,
      devPlugins: false,
      jitPlugins: false,
    } as never);

    const words = leadingWords(argv);
    const isHelp = words[0] === 'help' || argv.includes('--help') || argv.includes('-h');
    if (words.length > 0 && !isHelp) {
      const unknown = unknownCommand(
        words,
        (id) => Boolean(config.findCommand(id)),
        // A topic is an id with commands below it (oclif also lists every command id as a topic).
        (id) => Boolean(config.findTopic(id)) && config.commandIDs.some((c) => c.startsWith(`${id}:`)),
      );
      if (unknown) return await commandNotFound(unknown, config.commandIDs, output);
    }
    await run(argv, config);
    await flush();
    if (words.length === 0 && (argv.length === 0 || (argv.length === 1 && isHelp)))
      output.write(rootHelpAppendix());
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return renderError(error, { output, json: switches.json, debug: switches.debug });
  }
}

/** Sections that oclif's root help has no place for: exit codes and environment (DESIGN §1). */
function rootHelpAppendix(): string {
  const exits = Object.entries(ERROR_KINDS).map<[number, string]>(([kind, text]) => [
    EXIT[kind as keyof typeof ERROR_KINDS],
    text,
  ]);
  const rows: [number, string][] = [
    [EXIT.ok, 'success (a valid negative answer is data, and exits 0)'],
    ...exits,
    [EXIT.commandNotFound, 'no such command'],
  ];
  rows.sort((a, b) => a[0] - b[0]);
  const env: [string, string][] = [
    ['NEPTUNE_API_URL', 'the service to talk to (https://…)'],
    ['NEPTUNE_TOKEN', 'an API key or token; wins over stored credentials'],
    ['NEPTUNE_PROFILE', 'the profile to use (default: the current one)'],
    ['NEPTUNE_CA_FILE', 'an extra CA certificate (PEM) to trust'],
    ['NEPTUNE_CONFIG_DIR', 'config and file-stored credentials (default: $XDG_CONFIG_HOME/neptune)'],
    ['NEPTUNE_CACHE_DIR', 'caches (default: $XDG_CACHE_HOME/neptune)'],
    ['NEPTUNE_DATA_DIR', 'data (default: $XDG_DATA_HOME/neptune)'],
    ['NEPTUNE_CREDENTIAL_STORE', 'keychain or file (default: the keychain if one answers)'],
    ['HTTPS_PROXY, NO_PROXY', 'proxy for outgoing HTTPS'],
    ['NO_COLOR', 'no colour (also TERM=dumb, --no-color)'],
  ];
  const width = Math.max(...env.map(([k]) => k.length));
  return [
    'EXIT CODES',
    ...rows.map(([code, text]) => `  ${String(code).padEnd(4)}${text}`),
    '',
    'ENVIRONMENT',
    ...env.map(([k, text]) => `  ${k.padEnd(width + 2)}${text}`),
    '',
  ].join('\n');
}

async function commandNotFound(words: string[], ids: string[], output: Output): Promise<number> {
  const { suggest } = await import('./core/suggest');
  const spaced = ids.map((id) => id.replaceAll(':', ' '));
  const topics = [...new Set(spaced.map((id) => id.split(' ')[0]!))].filter((t) => !spaced.includes(t));
  const typed = words.join(' ');
  const hints = suggest(typed, [...spaced, ...topics]);
  output.error(
    `${typed} is not a neptune command`,
    hints.length > 0
      ? `did you mean ${hints.map((h) => `neptune ${h}`).join(', or ')}? (see neptune --help)`
      : 'see neptune --help for the list of commands',
  );
  return EXIT.commandNotFound;
}

/** Runs the CLI as the program (src/launch.ts calls this): exit code, Ctrl-C, a closed stdout pipe. */
export function start(argv: string[]): void {
  handleInterruptAndClosedStdout();
  main(argv).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: internal error: ${String(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
