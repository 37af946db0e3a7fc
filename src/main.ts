/**
 * The entry point of the CLI, for bin/neptune (dist/neptune.cjs) and the single executable alike.
 *
 * `--version` is answered before oclif is loaded: evaluating @oclif/core costs more than Node's own start-up.
 * Everything else goes to oclif with the package.json inlined and the command map served as a virtual module,
 * so nothing has to exist on disk beside the executable (docs/decisions/0002-single-executable.md).
 */
import Module from 'node:module';
import path from 'node:path';
import pjson from '../package.json';
import { isSea, repoRoot } from './core/assets';
import { globalSwitches } from './core/command';
import { EXIT } from './core/errors';
import { renderError } from './core/handle';
import { Output } from './core/output';

export const VERSION: string = pjson.version;

/** `neptune/0.1.0 linux-x64 node-v24.21.0`, as oclif prints it. */
export function versionString(): string {
  return `neptune/${VERSION} ${process.platform}-${process.arch} node-${process.version}`;
}

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

/** The longest run of leading words that names a command or a topic, as `a:b`. */
function leadingWords(argv: readonly string[]): string[] {
  const words: string[] = [];
  for (const arg of argv) {
    if (arg.startsWith('-')) break;
    words.push(arg);
  }
  return words;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(`${versionString()}\n`);
    return EXIT.ok;
  }
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
      let known = false;
      for (let n = words.length; n > 0 && !known; n--) {
        const id = words.slice(0, n).join(':');
        known = Boolean(config.findCommand(id) || config.findTopic(id));
      }
      if (!known) return await commandNotFound(words, config.commandIDs, output);
    }
    await run(argv, config);
    await flush();
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (error) {
    return renderError(error, { output, json: switches.json, debug: switches.debug });
  }
}

async function commandNotFound(words: string[], ids: string[], output: Output): Promise<number> {
  const { suggest } = await import('./core/suggest');
  const spaced = ids.map((id) => id.replaceAll(':', ' '));
  const topics = [...new Set(spaced.map((id) => id.split(' ')[0]!))];
  const typed = words.join(' ');
  const candidates = suggest(typed, [...spaced, ...topics.filter((t) => !spaced.includes(t))]);
  const first = suggest(words[0]!, topics);
  const hints = candidates.length > 0 ? candidates : first;
  output.error(
    `${typed} is not a neptune command`,
    hints.length > 0
      ? `did you mean ${hints.map((h) => `neptune ${h}`).join(', or ')}? (see neptune --help)`
      : 'see neptune --help for the list of commands',
  );
  return EXIT.commandNotFound;
}

// Run when this file is the program (bin/neptune or the single executable), not when a test imports it.
const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (isSea() || entry === import.meta.filename || process.env.NEPTUNE_MAIN === '1') {
  process.on('SIGINT', () => process.exit(EXIT.interrupted));
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`error: internal error: ${String(error)}\n`);
      process.exitCode = EXIT.internal;
    },
  );
}
