/**
 * The program's entry (dist/neptune.cjs, and the main script of the single executable). It answers what needs
 * neither oclif nor most of the code (`--version`, a plain `neptune allowlist …` on the embedded snapshot) and
 * loads the full CLI (src/main.ts) for everything else, so that those runs pay only for Node's own start-up
 * (docs/decisions/0104-launcher.md). In the executable the full CLI is the SEA asset `cli.cjs`, compiled with the
 * V8 code cache built beside it (`cli.cjs.cache`); from a checkout it is dist/cli.cjs.
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

function loadCli(argv: string[]): Cli {
  const require = createRequire(isSea() ? process.execPath : __filename);
  if (!isSea()) return require(path.join(__dirname, 'cli.cjs')) as Cli;
  const sea = require('node:sea') as typeof import('node:sea');
  const filename = path.join(path.dirname(process.execPath), 'cli.cjs');
  // The build makes cli.cjs pure ASCII (scripts/build.mjs): read as Latin-1 it is a one-byte string, made fast.
  const source = Buffer.from(sea.getRawAsset('cli.cjs') as ArrayBuffer).toString('latin1');
  const script = new vm.Script(wrapCommonJs(source), {
    filename,
    cachedData: Buffer.from(sea.getRawAsset('cli.cjs.cache') as ArrayBuffer),
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (script.cachedDataRejected && argv.includes('--debug'))
    process.stderr.write('debug: V8 rejected the code cache of cli.cjs (built by another Node or flags?)\n');
  const module = { exports: {} as Cli };
  script.runInThisContext()(module.exports, require, module, filename, path.dirname(filename));
  return module.exports;
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
if (text === undefined) loadCli(argv).start(argv);
else writeStdout(text);
