/**
 * The program's entry (dist/neptune.cjs, and the main script of the single executable). It answers what needs
 * neither oclif nor most of the code (`--version`, a plain `neptune allowlist …` on the embedded snapshot), hands
 * `agent start` to the agent bundle (src/agent/main.ts, decision 0505) and `runbook lint` to the lint bundle
 * (src/runbook/main.ts, decision 0209), and loads the full CLI (src/main.ts) for
 * everything else, so that those runs pay only for what they use (docs/decisions/0003-launcher.md). In the
 * executable each bundle is a SEA asset (`cli.cjs`, `agent.cjs`, `lint.cjs`) compiled with the V8 code cache built
 * beside it (`NAME.cache`); from a checkout they are dist/cli.cjs, dist/agent.cjs and dist/lint.cjs.
 */
import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import vm from 'node:vm';
import { fastAllowlist } from './commands/allowlist/fast';
import { isSea } from './core/assets';
import { versionString } from './core/version';

interface Cli {
  start(argv: string[]): void;
}

/** The agent and lint bundles (src/agent/main.ts, src/runbook/main.ts): true when it took the run. */
interface OwnMain {
  start(argv: string[]): boolean;
}

/** The text of a run the launcher answers itself, or undefined. */
function answer(argv: string[]): string | undefined {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) return `${versionString()}\n`;
  if (argv[0] === 'allowlist') return fastAllowlist(argv.slice(1));
  return undefined;
}

/** The CommonJS wrapper the code cache was built with (scripts/build.mjs builds it from the same function). */
function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * A bundle's `import()` (e.g. web-tree-sitter's of node:module) goes through Node's main-context loader, which
 * Node 24 flags as experimental once per process on stderr. That line is about how the executable is built, not
 * about the user's run: drop exactly that warning, keep every other.
 */
function quietMainContextLoaderWarning(): void {
  const emit = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    const text = typeof warning === 'string' ? warning : warning?.message;
    if (typeof text === 'string' && text.includes('USE_MAIN_CONTEXT_DEFAULT_LOADER')) return;
    return (emit as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
}

/**
 * One of the bundles beside the launcher (dist/cli.cjs, dist/agent.cjs, dist/lint.cjs). In the executable it is the SEA asset of
 * that name, compiled with the V8 code cache the build made for it (`NAME.cache`).
 */
function loadBundle<T>(name: string, argv: string[]): T {
  const require = createRequire(isSea() ? process.execPath : __filename);
  if (!isSea()) return require(path.join(__dirname, name)) as T;
  quietMainContextLoaderWarning();
  const sea = require('node:sea') as typeof import('node:sea');
  const filename = path.join(path.dirname(process.execPath), name);
  // The build makes bundles pure ASCII (scripts/build.mjs): read as Latin-1 each is a one-byte string, made fast.
  const source = Buffer.from(sea.getRawAsset(name) as ArrayBuffer).toString('latin1');
  const script = new vm.Script(wrapCommonJs(source), {
    filename,
    cachedData: Buffer.from(sea.getRawAsset(`${name}.cache`) as ArrayBuffer),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (script.cachedDataRejected && argv.includes('--debug'))
    process.stderr.write(`debug: V8 rejected the code cache of ${name} (built by another Node or flags?)\n`);
  const module = { exports: {} as T };
  script.runInThisContext()(module.exports, require, module, filename, path.dirname(filename));
  return module.exports;
}

/**
 * Commands with a bundle of their own, so that a run loads only what it uses: `agent start` runs for months and
 * keeps its memory to what it needs (decision 0505); `runbook lint` is a CI step that often lints a handful of
 * files, and loading oclif and the rest of the CLI was most of its CPU time (decision 0209). Each bundle declines
 * argv it does not fully understand (help, mistakes), which the full CLI then answers.
 */
const OWN_BUNDLES: Record<string, string> = { 'agent start': 'agent.cjs', 'runbook lint': 'lint.cjs' };

/** True when a command's own bundle took the run. */
function startOwnBundle(argv: string[]): boolean {
  const bundle = OWN_BUNDLES[`${argv[0]} ${argv[1]}`];
  if (!bundle || process.env.NEPTUNE_NO_FAST_PATH === '1') return false;
  return loadBundle<OwnMain>(bundle, argv).start(argv.slice(2));
}

/** Writes all of `text` to stdout; false when stdout is a closed pipe (`| head`), which ends the run quietly. */
function writeStdout(text: string): boolean {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0; offset < bytes.length; ) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return false;
      // A non-blocking stdout (inherited from the parent) that is full: let the stream wait for it.
      if (code === 'EAGAIN') {
        process.stdout.write(bytes.subarray(offset));
        return true;
      }
      throw error;
    }
  }
  return true;
}

const argv = process.argv.slice(2);
const text = answer(argv);
if (text !== undefined) writeStdout(text);
else if (!startOwnBundle(argv)) loadBundle<Cli>('cli.cjs', argv).start(argv);
